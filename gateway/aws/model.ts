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
import { entryValue, readEntryLines } from './entry-lines';
import { AwsModelError, decodeService, invalid, isRecord, str } from './model-decode';
import type { AwsProtocol } from './types';

export { AwsModelError, type AwsModelErrorCode } from './model-decode';

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
  /** Every header (lower-cased) some REST operation reads, and every header-map prefix (`x-amz-meta-`). */
  readonly restHeaders: { readonly names: ReadonlySet<string>; readonly prefixes: ReadonlySet<string> };
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

/** Builds the model from the generated file's text (scripts/gen-aws-model.mjs lays it out by line). */
export function parseAwsModel(text: string): AwsModel {
  const file = readEntryLines(text, invalid);
  if (file.values.get('format') !== 2) invalid('unknown format');
  const operations = file.objects.get('operations') ?? invalid('no operations');
  const services = (file.lists.get('services') ?? invalid('no services')).map((t) => {
    const raw = entryValue(t, 'service entry', invalid);
    return decodeService(
      raw,
      isRecord(raw) && typeof raw.id === 'string' ? operations.get(raw.id) : undefined,
    );
  });
  const bySigningName = group(services, (s) => s.signingName);
  for (const [k, v] of bySigningName) primaryFirst(k, v);
  const byEndpointPrefix = group(services, (s) => s.endpointPrefix);
  for (const [k, v] of byEndpointPrefix) primaryFirst(k, v);
  const headers = file.values.get('restHeaders');
  if (!isRecord(headers) || !isStrings(headers.names) || !isStrings(headers.prefixes)) invalid('restHeaders');
  return {
    sdkVersion: str(file.values.get('sdkVersion'), 'sdkVersion'),
    endpointRules: decodeEndpointRules(file.values.get('endpointRules'), invalid),
    services,
    byId: new Map(services.map((s) => [s.id, s])),
    bySigningName,
    byEndpointPrefix,
    byTargetPrefix: group(services, (s) => s.targetPrefix),
    restHeaders: { names: new Set(headers.names), prefixes: new Set(headers.prefixes) },
  };
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
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
