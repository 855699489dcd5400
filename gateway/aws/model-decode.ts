/**
 * Decodes one service of gateway/aws/model.generated.json. What identifies a service (ids,
 * protocol, signing and endpoint names) is checked when the model loads, so a stale or truncated
 * build output fails loudly at start. Its operations stay JSON text until a call needs them:
 * decoded, all 385 services held about 4 MB of heap, and a gateway is asked about a few.
 */
import { entryValue } from './entry-lines';
import type { AwsProtocol } from './types';
import type { MemberLocation, RestMember, RestOperation, ServiceModel } from './model';

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

export function invalid(what: string): never {
  throw new AwsModelError(
    'AWS_MODEL_INVALID',
    `AWS model file is invalid (${what}); rerun node scripts/gen-aws-model.mjs`,
  );
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown, what: string): string {
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

interface Operations {
  readonly operationNames: ReadonlySet<string>;
  readonly hostPrefixes: ReadonlyMap<string, string>;
  readonly restOperations: readonly RestOperation[];
}

function decodeOperations(id: string, rest: boolean, ops: unknown): Operations {
  if (!Array.isArray(ops)) invalid(`operations of ${id}`);
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
  return { operationNames, hostPrefixes, restOperations };
}

/**
 * One service: its description checked now, its operations (`opsText`, JSON) on first use. A
 * service the file gives no operations for is invalid now, not later.
 */
export function decodeService(raw: unknown, opsText: string | undefined): ServiceModel {
  if (!isRecord(raw)) invalid('service entry');
  const id = str(raw.id, 'service id');
  const protocol = str(raw.protocol, `protocol of ${id}`);
  if (!PROTOCOLS.has(protocol)) invalid(`protocol of ${id}`);
  if (opsText === undefined) invalid(`operations of ${id}`);
  const rest = protocol === 'rest-json' || protocol === 'rest-xml';
  let decoded: Operations | undefined;
  const operations = (): Operations => {
    decoded ??= decodeOperations(id, rest, entryValue(opsText, `operations of ${id}`, invalid));
    return decoded;
  };
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
    get operationNames() {
      return operations().operationNames;
    },
    get hostPrefixes() {
      return operations().hostPrefixes;
    },
    get restOperations() {
      return operations().restOperations;
    },
  };
}
