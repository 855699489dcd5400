/**
 * Every operation of every model as the aws-sdk v2 client would send it, with a sample value in
 * every input member (nested ones too), reduced to the RequestView the gateway's identify stage
 * sees. The coverage test of the IAM mapping runs these through identify and mapToIam, so what it
 * measures is what a real client's request yields, not what a hand-made params object would.
 */
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import AWS from 'aws-sdk';

import type { ServiceModel } from '../../../gateway/aws/model';
import type { RequestView } from '../../../gateway/aws/types';
import type { V2Constructor, V2Request, V2Service, V2Shape } from './aws-sdk-v2-types';

const requireHere = createRequire(import.meta.url);

export const SAMPLE_ACCOUNT = '123456789012';
export const SAMPLE_REGION = 'us-east-1';

const config = {
  region: SAMPLE_REGION,
  endpoint: 'http://127.0.0.1:4566',
  credentials: new AWS.Credentials('AKIDAIRLOCKTEST', 'secret'),
  paramValidation: false,
  hostPrefixEnabled: false,
  s3ForcePathStyle: true,
  endpointDiscoveryEnabled: false,
  maxRetries: 0,
};

/** The value a string member gets: an ARN for ARN members (chosen by the caller), else a name. */
export type StringSample = (memberName: string, path: readonly string[]) => string;

function sampleValue(shape: V2Shape, name: string, path: string[], s: StringSample, depth: number): unknown {
  if (shape.isJsonValue) return { sample: true };
  switch (shape.type) {
    case 'structure': {
      if (depth > 4) return {};
      const out: Record<string, unknown> = {};
      for (const [k, m] of Object.entries(shape.members ?? {}))
        out[k] = sampleValue(m, k, [...path, k], s, depth + 1);
      return out;
    }
    case 'list':
      return shape.member && depth <= 4 ? [sampleValue(shape.member, name, path, s, depth + 1)] : [];
    case 'map':
      return {};
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return 1;
    case 'boolean':
      return true;
    case 'timestamp':
      return new Date(0);
    case 'blob':
      return Buffer.from('sample');
    default:
      return s(name, path);
  }
}

function decodeQuery(raw: string): Array<[string, string]> {
  const dec = (x: string): string => {
    try {
      return decodeURIComponent(x.replace(/\+/g, ' '));
    } catch {
      return x;
    }
  };
  return raw
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [dec(p), ''] : [dec(p.slice(0, eq)), dec(p.slice(eq + 1))];
    });
}

function toView(req: V2Request['httpRequest'], fallbackSigningName: string): RequestView {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = String(v);
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(headers.authorization ?? '');
  const q = req.path.indexOf('?');
  const body =
    req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
  return {
    method: req.method,
    path: q < 0 ? req.path : req.path.slice(0, q),
    query: q < 0 ? [] : decodeQuery(req.path.slice(q + 1)),
    headers,
    ...(body && body.length > 0 ? { body } : {}),
    signingName: scope?.[1] ?? fallbackSigningName,
    region: SAMPLE_REGION,
  };
}

export interface SampleRequest {
  readonly operation: string;
  readonly view: RequestView;
}

function clientFor(serviceId: string): V2Service | undefined {
  const metadata = JSON.parse(
    readFileSync(requireHere.resolve('aws-sdk/apis/metadata.json'), 'utf8'),
  ) as Record<string, { name: string }>;
  const Ctor = (AWS as unknown as Record<string, V2Constructor | undefined>)[metadata[serviceId]?.name ?? ''];
  return Ctor === undefined ? undefined : new Ctor(config);
}

/** The request the aws-sdk v2 client sends for `operation` (model name) with `params`. */
export function sdkRequest(
  serviceId: string,
  signingName: string,
  operation: string,
  params: object,
): RequestView {
  const client = clientFor(serviceId);
  const key = Object.entries(client?.api.operations ?? {}).find(([, op]) => op.name === operation)?.[0];
  if (client === undefined || key === undefined)
    throw new Error(`no ${serviceId}.${operation} in aws-sdk v2`);
  const req = client.makeRequest(key, params as Record<string, unknown>);
  let buildError: Error | undefined;
  req.build((err) => (buildError = err ?? undefined));
  if (buildError) throw buildError;
  return toView(req.httpRequest, signingName);
}

/** One request per operation of `svc`, every member filled; operations v2 cannot build are left out. */
export function sampleRequests(
  svc: ServiceModel,
  sample: (operation: string) => StringSample,
): SampleRequest[] {
  const metadata = JSON.parse(
    readFileSync(requireHere.resolve('aws-sdk/apis/metadata.json'), 'utf8'),
  ) as Record<string, { name: string }>;
  const Ctor = (AWS as unknown as Record<string, V2Constructor | undefined>)[metadata[svc.id]?.name ?? ''];
  if (Ctor === undefined) return [];
  const client = new Ctor(config);
  const out: SampleRequest[] = [];
  for (const [key, op] of Object.entries(client.api.operations)) {
    const greedy = new Set([...op.httpPath.matchAll(/\{([^}]+)\+\}/g)].map((m) => m[1] ?? ''));
    const s = sample(op.name);
    const strings: StringSample = (name, path) =>
      op.input?.members?.[name]?.location === 'uri' && greedy.has(op.input.members[name]?.name ?? name)
        ? 'a/b'
        : s(name, path);
    const params = op.input ? (sampleValue(op.input, '', [], strings, 0) as Record<string, unknown>) : {};
    try {
      const req = client.makeRequest(key, params);
      let buildError: Error | undefined;
      req.build((err) => (buildError = err ?? undefined));
      if (buildError) continue;
      out.push({ operation: op.name, view: toView(req.httpRequest, svc.signingName) });
    } catch {
      continue;
    }
  }
  return out;
}
