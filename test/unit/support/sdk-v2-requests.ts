/**
 * One request per operation of every model, built by the aws-sdk v2 client exactly as it would
 * send it (sample values for required members): the forms real clients send, for the round trip
 * and the differential identification tests.
 */
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import AWS from 'aws-sdk';

import { awsModel, type ServiceModel } from '../../../gateway/aws/model';
import type { V2Constructor, V2Shape } from './aws-sdk-v2-types';

/** A request as the SDK would put it on the wire (before signing). */
export interface SdkRequest {
  readonly service: ServiceModel;
  /** Operation name in the model. */
  readonly operation: string;
  readonly method: string;
  /** Path and query, encoded as the SDK sends them. */
  readonly rawUrl: string;
  /** Header names as the SDK cases them, alternating with values (Node's rawHeaders shape). */
  readonly rawHeaders: readonly string[];
  readonly body?: Buffer;
  /** Signing name of the credential scope the SDK would use. */
  readonly signingName: string;
}

export interface SdkRequests {
  readonly requests: readonly SdkRequest[];
  readonly buildErrors: readonly string[];
  readonly bearerOnly: readonly string[];
}

const requireHere = createRequire(import.meta.url);

const config = {
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:4566',
  credentials: new AWS.Credentials('AKIDAIRLOCKTEST', 'secret'),
  paramValidation: false,
  hostPrefixEnabled: false,
  s3ForcePathStyle: true,
  endpointDiscoveryEnabled: false,
  maxRetries: 0,
};

const STRICT_SAMPLES: Readonly<Record<string, string>> = {
  Statement: 'SELECT * FROM "sample"',
  CopySource: 'my-bucket/a/b.txt',
};

function sampleValue(
  shape: V2Shape,
  memberName: string,
  greedy: ReadonlySet<string>,
  depth: number,
): unknown {
  if (shape.location === 'uri') {
    if (greedy.has(shape.name ?? memberName)) return 'a/b c.txt';
    if (memberName === 'Bucket') return 'my-bucket';
  }
  if (shape.isJsonValue) return { sample: true };
  // Members the gateway reads strictly and refuses when unreadable: give them real-looking values.
  const strict = STRICT_SAMPLES[memberName];
  if (strict !== undefined && shape.type === 'string') return strict;
  switch (shape.type) {
    case 'structure':
      return depth > 4 ? {} : sampleStructure(shape, greedy, depth + 1);
    case 'list':
      return shape.member && depth <= 4 ? [sampleValue(shape.member, memberName, new Set(), depth + 1)] : [];
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
      return shape.location === 'uri' ? 'sample-id' : 'sample';
  }
}

function sampleStructure(
  shape: V2Shape,
  greedy: ReadonlySet<string>,
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of shape.required ?? []) {
    const member = shape.members?.[name];
    if (member) out[name] = sampleValue(member, name, greedy, depth);
  }
  return out;
}

let cached: SdkRequests | undefined;

/** Builds (once per process) one request per operation of every SigV4 service in the model. */
export function sdkV2Requests(): SdkRequests {
  if (cached) return cached;
  const model = awsModel();
  const metadata = JSON.parse(
    readFileSync(requireHere.resolve('aws-sdk/apis/metadata.json'), 'utf8'),
  ) as Record<string, { name: string }>;
  const classes = AWS as unknown as Record<string, V2Constructor | undefined>;
  const requests: SdkRequest[] = [];
  const buildErrors: string[] = [];
  const bearerOnly: string[] = [];
  for (const svc of model.services) {
    // Bearer-token services (CodeCatalyst) cannot carry SigV4, so they never reach identify.
    if (svc.bearer) {
      bearerOnly.push(svc.id);
      continue;
    }
    const Ctor = classes[metadata[svc.id]?.name ?? ''];
    if (!Ctor) throw new Error(`aws-sdk v2 has no client for ${svc.id}`);
    const client = new Ctor(config);
    for (const [key, op] of Object.entries(client.api.operations)) {
      const greedy = new Set([...op.httpPath.matchAll(/\{([^}]+)\+\}/g)].map((m) => m[1] ?? ''));
      const params = op.input ? sampleStructure(op.input, greedy, 0) : {};
      try {
        const req = client.makeRequest(key, params);
        let buildError: Error | undefined;
        req.build((err) => (buildError = err ?? undefined));
        if (buildError) throw buildError;
        const h = req.httpRequest;
        const rawHeaders: string[] = [];
        for (const [k, v] of Object.entries(h.headers)) rawHeaders.push(k, String(v));
        const body =
          h.body === undefined ? undefined : Buffer.isBuffer(h.body) ? h.body : Buffer.from(h.body);
        requests.push({
          service: svc,
          operation: op.name,
          method: h.method,
          rawUrl: h.path,
          rawHeaders,
          ...(body && body.length > 0 ? { body } : {}),
          signingName: svc.signingName,
        });
      } catch (err) {
        buildErrors.push(`${svc.id}.${op.name}: ${(err as Error).message}`);
      }
    }
  }
  cached = { requests, buildErrors, bearerOnly };
  return cached;
}
