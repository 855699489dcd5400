/**
 * The AWS service model routing table: loads gateway/aws/model.generated.json (written by
 * scripts/gen-aws-model.mjs at build time) once, on first use, and indexes it for the identify
 * stage. The decoder trusts the file's shape only after checking it, so a stale or truncated
 * build output fails loudly at start instead of misrouting calls.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isOutOfDescriptors } from '../errors/out-of-descriptors';
import { decodeEndpointRules, type EndpointRuleSets } from './endpoint-rules';
import type { AwsProtocol } from './types';

export type MemberLocation = 'uri' | 'querystring' | 'querystring-map' | 'header' | 'headers';

export interface RestMember {
  /** Member name in the model (`Bucket`, `UploadId`). */
  readonly name: string;
  readonly location: MemberLocation;
  /** Label, query key, header name (lower-cased) or header prefix (lower-cased). */
  readonly locationName: string;
  readonly required: boolean;
  readonly list: boolean;
}

export interface RestOperation {
  readonly name: string;
  readonly method: string;
  readonly requestUri: string;
  readonly members: readonly RestMember[];
  /** The member the HTTP body carries, and whether it is a structure (else blob/string). */
  readonly payload?: { readonly member: string; readonly structure: boolean };
  /** Endpoint host prefix template, e.g. `{AccountId}.` (S3 Control). */
  readonly hostPrefix?: string;
  /** Superseded operation sharing its request shape with a newer one (S3 GetBucketLifecycle). */
  readonly deprecated: boolean;
}

export interface ServiceModel {
  /** aws-sdk v2 id: `s3`, `dynamodbstreams`, `cloudwatch`. */
  readonly id: string;
  readonly fullName: string;
  readonly protocol: AwsProtocol;
  readonly signingName: string;
  readonly endpointPrefix: string;
  readonly apiVersion: string;
  readonly iamPrefix: string;
  readonly targetPrefix?: string;
  readonly jsonVersion?: string;
  /** JSON service that still accepts the older query protocol (`awsQueryCompatible`, SQS). */
  readonly queryCompatible: boolean;
  /** Authenticated with bearer tokens, not SigV4 (CodeCatalyst). */
  readonly bearer: boolean;
  readonly globalEndpoint?: string;
  /** Signing region of the global endpoint. */
  readonly globalRegion?: string;
  readonly operationNames: ReadonlySet<string>;
  /** Host prefix templates of json / query operations that have one (`DiscoverInstances` → `data-`). */
  readonly hostPrefixes: ReadonlyMap<string, string>;
  /** Empty for json / query / ec2 services. */
  readonly restOperations: readonly RestOperation[];
}

export interface AwsModel {
  readonly sdkVersion: string;
  /** The SDK's endpoint rules: which hosts serve an endpoint prefix in a region. */
  readonly endpointRules: EndpointRuleSets;
  readonly services: readonly ServiceModel[];
  readonly byId: ReadonlyMap<string, ServiceModel>;
  /** Primary service first (the one whose id or endpoint prefix is the signing name). */
  readonly bySigningName: ReadonlyMap<string, readonly ServiceModel[]>;
  readonly byEndpointPrefix: ReadonlyMap<string, readonly ServiceModel[]>;
  readonly byTargetPrefix: ReadonlyMap<string, readonly ServiceModel[]>;
}

export type AwsModelErrorCode = 'AWS_MODEL_MISSING' | 'AWS_MODEL_INVALID';

export class AwsModelError extends Error {
  constructor(
    readonly code: AwsModelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AwsModelError';
  }
}

const LOCATIONS: Readonly<Record<string, MemberLocation>> = {
  u: 'uri',
  q: 'querystring',
  Q: 'querystring-map',
  h: 'header',
  H: 'headers',
};
const PROTOCOLS: ReadonlySet<string> = new Set(['json', 'query', 'ec2', 'rest-json', 'rest-xml']);

function invalid(what: string): never {
  throw new AwsModelError(
    'AWS_MODEL_INVALID',
    `AWS model file is invalid (${what}); rerun node scripts/gen-aws-model.mjs`,
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, what: string): string {
  return typeof v === 'string' ? v : invalid(what);
}

function optStr(v: unknown, what: string): string | undefined {
  return v === undefined ? undefined : str(v, what);
}

function decodeMember(raw: unknown, where: string): RestMember {
  if (!Array.isArray(raw) || raw.length !== 4) invalid(`member of ${where}`);
  const [name, loc, locationName, flags] = raw as unknown[];
  const location = LOCATIONS[str(loc, `location in ${where}`)] ?? invalid(`location in ${where}`);
  if (typeof flags !== 'number') invalid(`flags in ${where}`);
  const ln = str(locationName, `locationName in ${where}`);
  return {
    name: str(name, `member name in ${where}`),
    location,
    // Header names arrive lower-cased in RequestView; query keys and labels keep their case.
    locationName: location === 'header' || location === 'headers' ? ln.toLowerCase() : ln,
    required: (flags & 1) !== 0,
    list: (flags & 2) !== 0,
  };
}

function decodeRestOperation(raw: unknown, svc: string): RestOperation {
  if (!Array.isArray(raw) || raw.length < 4) invalid(`operation of ${svc}`);
  const row = raw as unknown[];
  const name = str(row[0], `operation name in ${svc}`);
  const where = `${svc}.${name}`;
  const membersRaw = row[3];
  if (!Array.isArray(membersRaw)) invalid(`members of ${where}`);
  let payload: RestOperation['payload'];
  const p = row[4];
  if (Array.isArray(p)) payload = { member: str(p[0], `payload of ${where}`), structure: p[1] === 's' };
  return {
    name,
    method: str(row[1], `method of ${where}`).toUpperCase(),
    requestUri: str(row[2], `requestUri of ${where}`),
    members: membersRaw.map((m) => decodeMember(m, where)),
    ...(payload ? { payload } : {}),
    ...(typeof row[5] === 'string' ? { hostPrefix: row[5] } : {}),
    deprecated: row[6] === 1,
  };
}

function decodeService(raw: unknown): ServiceModel {
  if (!isRecord(raw)) invalid('service entry');
  const id = str(raw.id, 'service id');
  const protocol = str(raw.protocol, `protocol of ${id}`);
  if (!PROTOCOLS.has(protocol)) invalid(`protocol of ${id}`);
  const ops = raw.ops;
  if (!Array.isArray(ops)) invalid(`operations of ${id}`);
  const rest = protocol === 'rest-json' || protocol === 'rest-xml';
  const restOperations = rest ? ops.map((o) => decodeRestOperation(o, id)) : [];
  const hostPrefixes = new Map<string, string>();
  const plainNames = rest
    ? []
    : ops.map((o) => {
        if (!Array.isArray(o)) return str(o, `operation of ${id}`);
        const [n, hp] = o as unknown[];
        hostPrefixes.set(str(n, `operation of ${id}`), str(hp, `host prefix in ${id}`));
        return n as string;
      });
  const operationNames = new Set(rest ? restOperations.map((o) => o.name) : plainNames);
  const targetPrefix = optStr(raw.targetPrefix, `targetPrefix of ${id}`);
  const jsonVersion = optStr(raw.jsonVersion, `jsonVersion of ${id}`);
  const globalEndpoint = optStr(raw.globalEndpoint, `globalEndpoint of ${id}`);
  const globalRegion = optStr(raw.globalRegion, `globalRegion of ${id}`);
  return {
    id,
    fullName: str(raw.name, `name of ${id}`),
    protocol: protocol as AwsProtocol,
    signingName: str(raw.signingName, `signingName of ${id}`),
    endpointPrefix: str(raw.endpointPrefix, `endpointPrefix of ${id}`),
    apiVersion: str(raw.apiVersion, `apiVersion of ${id}`),
    iamPrefix: str(raw.iamPrefix, `iamPrefix of ${id}`),
    ...(targetPrefix !== undefined ? { targetPrefix } : {}),
    ...(jsonVersion !== undefined ? { jsonVersion } : {}),
    queryCompatible: raw.queryCompatible === true,
    bearer: raw.bearer === true,
    ...(globalEndpoint !== undefined ? { globalEndpoint } : {}),
    ...(globalRegion !== undefined ? { globalRegion } : {}),
    operationNames,
    hostPrefixes,
    restOperations,
  };
}

function group(
  services: readonly ServiceModel[],
  key: (s: ServiceModel) => string | undefined,
): Map<string, ServiceModel[]> {
  const out = new Map<string, ServiceModel[]>();
  for (const s of services) {
    const k = key(s);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(s);
    else out.set(k, [s]);
  }
  return out;
}

/**
 * Order of services that share a name, used when a request fits several equally well: the one
 * named after it first, then newer APIs (Lex V2 before Lex V1), then by id for determinism.
 */
function primaryFirst(name: string, list: ServiceModel[]): ServiceModel[] {
  const rank = (s: ServiceModel): number => (s.id === name ? 0 : s.endpointPrefix === name ? 1 : 2);
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return list.sort((a, b) => rank(a) - rank(b) || cmp(b.apiVersion, a.apiVersion) || cmp(a.id, b.id));
}

/** Builds the model from the generated JSON text. */
export function parseAwsModel(text: string): AwsModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    invalid('not JSON');
  }
  if (!isRecord(raw) || raw.format !== 1 || !Array.isArray(raw.services)) invalid('unknown format');
  const services = raw.services.map(decodeService);
  const bySigningName = group(services, (s) => s.signingName);
  for (const [k, v] of bySigningName) primaryFirst(k, v);
  const byEndpointPrefix = group(services, (s) => s.endpointPrefix);
  for (const [k, v] of byEndpointPrefix) primaryFirst(k, v);
  return {
    sdkVersion: str(raw.sdkVersion, 'sdkVersion'),
    endpointRules: decodeEndpointRules(raw.endpointRules, invalid),
    services,
    byId: new Map(services.map((s) => [s.id, s])),
    bySigningName,
    byEndpointPrefix,
    byTargetPrefix: group(services, (s) => s.targetPrefix),
  };
}

let modelFile: string | undefined;
let cached: AwsModel | undefined;

function defaultModelFile(): string {
  const fromEnv = process.env.AIRLOCK_AWS_MODEL;
  if (fromEnv) return fromEnv;
  // CommonJS bundles have __dirname; the ESM / tsx path uses import.meta.url.
  const here = typeof __dirname === 'string' ? __dirname : fileURLToPath(new URL('.', import.meta.url));
  return join(here, 'model.generated.json');
}

/**
 * Points the loader at another model file (bundles that ship the JSON elsewhere). Drops the
 * cached model so the next call loads the new file.
 */
export function setAwsModelFile(file: string): void {
  modelFile = file;
  cached = undefined;
}

/** The loaded model; reads and indexes the file on first call. Throws AwsModelError. */
export function awsModel(): AwsModel {
  if (cached) return cached;
  const file = modelFile ?? defaultModelFile();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    // Out of descriptors is not a missing file: the caller reports it as what it is.
    if (isOutOfDescriptors(e)) throw e;
    throw new AwsModelError(
      'AWS_MODEL_MISSING',
      `AWS model file not found at ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}); run node scripts/gen-aws-model.mjs`,
    );
  }
  cached = parseAwsModel(text);
  return cached;
}

/**
 * The model protocol of the main service for a signing name, for shaping errors raised before
 * the operation is known. Undefined for unknown names or when the model cannot be loaded: this
 * runs on error paths and must not raise a second error.
 */
export function protocolOfSigningName(signingName: string): AwsProtocol | undefined {
  try {
    const model = awsModel();
    return (model.bySigningName.get(signingName) ?? model.bySigningName.get(signingName.toLowerCase()))?.[0]
      ?.protocol;
  } catch {
    return undefined;
  }
}
