/**
 * The resource side of the Service Authorization Reference, as scripts/gen-iam-resources.mjs
 * distils it at build time (gateway/aws/iam-resources.generated.json): per IAM prefix the ARN
 * format of each resource type and the resource types of each action, per model service the
 * input members of each operation that can name a resource, keyed as identify keys params.
 * Loaded once, on first use, and checked; a missing or stale file fails loudly (AwsModelError),
 * which the pipeline turns into a refused call rather than an unscoped one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arnTemplate, type ArnTemplate } from './arn-template';
import { isOutOfDescriptors } from '../errors/out-of-descriptors';
import { entryValue, readEntryLines } from './entry-lines';
import { AwsModelError } from './model';

export interface ResourceType {
  /** Lower-cased key of the reference's resource type (`stream`, `rule-on-default-event-bus`). */
  readonly key: string;
  /** Marked required (`*`) by the reference. Several required types may be alternatives. */
  readonly required: boolean;
  readonly template: ArnTemplate;
}

export interface InputMember {
  /** Key in identify's params (`SecurityGroupId` for EC2's `SecurityGroupIds`). */
  readonly key: string;
  /** Member name in the service model. */
  readonly name: string;
}

export interface ResourceCatalogue {
  readonly sdkVersion: string;
  readonly iamDataVersion: string;
  /** Resource types of the action named like the operation; empty when none or not an action. */
  actionTypes(iamPrefix: string, action: string): readonly ResourceType[];
  /** One resource type of a prefix, whether or not the reference lists it for an action. */
  resourceType(iamPrefix: string, key: string): ResourceType | undefined;
  /** Input members of a model operation that can name a resource. */
  members(serviceId: string, operation: string): readonly InputMember[];
}

function invalid(what: string): never {
  throw new AwsModelError(
    'AWS_MODEL_INVALID',
    `IAM resource table is invalid (${what}); rerun node scripts/gen-iam-resources.mjs`,
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) invalid(what);
  return v;
}

interface PrefixData {
  readonly types: ReadonlyMap<string, ArnTemplate>;
  readonly actions: ReadonlyMap<string, readonly ResourceType[]>;
}

function decodePrefix(prefix: string, raw: unknown): PrefixData {
  if (!isRecord(raw) || !isRecord(raw.types) || !isRecord(raw.actions)) invalid(`prefix ${prefix}`);
  const types = new Map<string, ArnTemplate>();
  for (const [key, format] of Object.entries(raw.types)) {
    if (typeof format !== 'string' || !format.startsWith('arn:')) invalid(`type ${prefix}/${key}`);
    types.set(key, arnTemplate(format));
  }
  const actions = new Map<string, readonly ResourceType[]>();
  for (const [action, list] of Object.entries(raw.actions)) {
    const decoded: ResourceType[] = [];
    for (const entry of strings(list, `action ${prefix}:${action}`)) {
      const required = entry.endsWith('*');
      const key = required ? entry.slice(0, -1) : entry;
      const template = types.get(key);
      // A type the reference lists without an ARN format cannot be filled; it is skipped.
      if (template !== undefined) decoded.push({ key, required, template });
    }
    actions.set(action, decoded);
  }
  return { types, actions };
}

function decodeMembers(where: string, raw: unknown): InputMember[] {
  if (!Array.isArray(raw)) invalid(`members of ${where}`);
  return raw.map((m: unknown) => {
    if (typeof m === 'string') return { key: m, name: m };
    const [key, name] = strings(m, `member of ${where}`);
    if (key === undefined || name === undefined) invalid(`member of ${where}`);
    return { key, name };
  });
}

/**
 * Builds the catalogue from the generated file's text, laid out by line
 * (scripts/gen-iam-resources.mjs). Each prefix and service stays JSON text until first used:
 * parsed whole, the table held about 5 MB of heap for the few services one gateway is asked about.
 */
export function parseResourceCatalogue(text: string): ResourceCatalogue {
  const file = readEntryLines(text, invalid);
  const prefixTexts = file.objects.get('prefixes');
  const serviceTexts = file.objects.get('services');
  if (file.values.get('format') !== 1 || !prefixTexts || !serviceTexts) invalid('unknown format');
  const prefixes = new Map<string, PrefixData | undefined>();
  const services = new Map<string, ReadonlyMap<string, readonly InputMember[]>>();
  const prefix = (p: string): PrefixData | undefined => {
    if (!prefixes.has(p)) {
      const t = prefixTexts.get(p);
      prefixes.set(p, t === undefined ? undefined : decodePrefix(p, entryValue(t, `prefix ${p}`, invalid)));
    }
    return prefixes.get(p);
  };
  const service = (id: string): ReadonlyMap<string, readonly InputMember[]> => {
    let s = services.get(id);
    if (s === undefined) {
      const t = serviceTexts.get(id);
      const entry = t === undefined ? { ops: {} } : entryValue(t, `service ${id}`, invalid);
      if (!isRecord(entry) || !isRecord(entry.ops)) invalid(`service ${id}`);
      s = new Map(Object.entries(entry.ops).map(([op, m]) => [op, decodeMembers(`${id}.${op}`, m)]));
      services.set(id, s);
    }
    return s;
  };
  const version = (v: unknown, what: string): string => (typeof v === 'string' ? v : invalid(what));
  return {
    sdkVersion: version(file.values.get('sdkVersion'), 'sdkVersion'),
    iamDataVersion: version(file.values.get('iamDataVersion'), 'iamDataVersion'),
    actionTypes: (p, action) => prefix(p)?.actions.get(action) ?? [],
    resourceType: (p, key) => {
      const template = prefix(p)?.types.get(key);
      return template === undefined ? undefined : { key, required: false, template };
    },
    members: (id, op) => service(id).get(op) ?? [],
  };
}

let file: string | undefined;
let cached: ResourceCatalogue | undefined;

function defaultFile(): string {
  const fromEnv = process.env.AIRLOCK_IAM_RESOURCES;
  if (fromEnv) return fromEnv;
  // CommonJS bundles have __dirname; the ESM / tsx path uses import.meta.url.
  const here = typeof __dirname === 'string' ? __dirname : fileURLToPath(new URL('.', import.meta.url));
  return join(here, 'iam-resources.generated.json');
}

/** Points the loader at another file (tests of a missing table); drops the cached one. */
export function setResourceCatalogueFile(f: string): void {
  file = f;
  cached = undefined;
}

/** The loaded catalogue; reads the file on first call. Throws AwsModelError. */
export function resourceCatalogue(): ResourceCatalogue {
  if (cached) return cached;
  const f = file ?? defaultFile();
  let text: string;
  try {
    text = readFileSync(f, 'utf8');
  } catch (e) {
    if (isOutOfDescriptors(e)) throw e;
    throw new AwsModelError(
      'AWS_MODEL_MISSING',
      `IAM resource table not found at ${f} (${(e as NodeJS.ErrnoException).code ?? String(e)}); run node scripts/gen-iam-resources.mjs`,
    );
  }
  cached = parseResourceCatalogue(text);
  return cached;
}
