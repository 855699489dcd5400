/**
 * The SDK's endpoint rules (aws-sdk v2 `region_config_data.json`, distilled into the generated
 * model by scripts/gen-aws-model.mjs): which hosts serve an endpoint prefix in a region, in its
 * standard, FIPS, dual-stack and dual-stack FIPS variants, and which region a global host is
 * signed for. Pure data in, host names out.
 */

/** One rule: the host template, and for global endpoints the region they are signed for. */
export interface EndpointRule {
  /** `{service}.{region}.amazonaws.com`, `{service}-fips.{region}.amazonaws.com`, `{service}.amazonaws.com`. */
  readonly host: string;
  readonly globalEndpoint: boolean;
  readonly signingRegion?: string;
}

/** Rules keyed `region/endpointPrefix` (either may be `*`; a region may be `us-gov-*`), per variant. */
export interface EndpointRuleSets {
  readonly standard: ReadonlyMap<string, EndpointRule>;
  readonly fips: ReadonlyMap<string, EndpointRule>;
  readonly dualstack: ReadonlyMap<string, EndpointRule>;
  readonly dualstackFips: ReadonlyMap<string, EndpointRule>;
}

/** A host that serves an endpoint prefix, and the region a request to it must be signed for. */
export interface ServiceHost {
  readonly host: string;
  readonly signingRegion: string;
}

function decodeRuleSet(
  raw: unknown,
  what: string,
  invalid: (what: string) => never,
): Map<string, EndpointRule> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid(`endpoint rules ${what}`);
  const out = new Map<string, EndpointRule>();
  for (const [key, row] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(row)) invalid(`endpoint rule ${what} ${key}`);
    const [host, global, signingRegion] = row as unknown[];
    if (typeof host !== 'string' || (signingRegion !== undefined && typeof signingRegion !== 'string'))
      invalid(`endpoint rule ${what} ${key}`);
    out.set(key, {
      host,
      globalEndpoint: global === 1,
      ...(signingRegion !== undefined ? { signingRegion } : {}),
    });
  }
  return out;
}

/** Reads the generated model's `endpointRules`; `invalid` throws the model loader's error. */
export function decodeEndpointRules(raw: unknown, invalid: (what: string) => never): EndpointRuleSets {
  if (typeof raw !== 'object' || raw === null) invalid('endpoint rules missing');
  const r = raw as Record<string, unknown>;
  return {
    standard: decodeRuleSet(r.rules, 'rules', invalid),
    fips: decodeRuleSet(r.fipsRules, 'fipsRules', invalid),
    dualstack: decodeRuleSet(r.dualstackRules, 'dualstackRules', invalid),
    dualstackFips: decodeRuleSet(r.dualstackFipsRules, 'dualstackFipsRules', invalid),
  };
}

/** `us-gov-west-1` → `us-gov-*`, as the SDK derives rule keys. */
function regionPrefix(region: string): string | undefined {
  const parts = region.split('-');
  return parts.length < 3 ? undefined : `${parts.slice(0, -2).join('-')}-*`;
}

function firstMatch(
  set: ReadonlyMap<string, EndpointRule>,
  keys: ReadonlyArray<string | undefined>,
): EndpointRule | undefined {
  for (const k of keys) {
    const rule = k !== undefined ? set.get(k) : undefined;
    if (rule) return rule;
  }
  return undefined;
}

/**
 * Every host the rules give `endpointPrefix` in `region`: per variant, the rule the SDK would pick
 * (`*\/sts` → `sts.amazonaws.com`, signed for us-east-1) and the region's generic rule
 * (`sts.us-west-2.amazonaws.com`), which current SDKs use for services the old rules made global.
 * `region` must already be a checked region name.
 */
export function serviceHosts(rules: EndpointRuleSets, endpointPrefix: string, region: string): ServiceHost[] {
  const rp = regionPrefix(region);
  const p = endpointPrefix;
  const specific = [`${region}/${p}`, rp && `${rp}/${p}`, `${region}/*`, rp && `${rp}/*`, `*/${p}`, '*/*'];
  const generic = [`${region}/*`, rp && `${rp}/*`, '*/*'];
  const out = new Map<string, ServiceHost>();
  for (const set of [rules.standard, rules.fips, rules.dualstack, rules.dualstackFips]) {
    for (const rule of [firstMatch(set, specific), firstMatch(set, generic)]) {
      if (!rule) continue;
      const host = rule.host.replaceAll('{service}', p).replaceAll('{region}', region).toLowerCase();
      const signingRegion = rule.signingRegion ?? region;
      out.set(`${host} ${signingRegion}`, { host, signingRegion });
    }
  }
  return [...out.values()];
}
