/**
 * Round trip over every operation of every model: the aws-sdk v2 client builds and signs the
 * request exactly as it would send it (sample values for required members), and identify() must
 * name the same service and operation from that request alone.
 */
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import AWS from 'aws-sdk';

import { identify } from '../../gateway/aws/identify';
import { awsModel } from '../../gateway/aws/model';
import type { RequestView } from '../../gateway/aws/types';

interface V2Shape {
  type: string;
  members?: Record<string, V2Shape>;
  required?: string[];
  member?: V2Shape;
  value?: V2Shape;
  location?: string;
  name?: string;
  isJsonValue?: boolean;
}

interface V2Operation {
  name: string;
  httpPath: string;
  input?: V2Shape;
}

interface V2Request {
  httpRequest: {
    method: string;
    path: string;
    headers: Record<string, string | number>;
    body?: string | Buffer;
  };
  build(cb: (err?: Error) => void): void;
}

interface V2Service {
  api: { operations: Record<string, V2Operation> };
  makeRequest(op: string, params: Record<string, unknown>): V2Request;
}

type V2Constructor = new (config: Record<string, unknown>) => V2Service;

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

function decodeQuery(raw: string): Array<[string, string]> {
  const dec = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
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
  // The signing name the SDK put in the credential scope, exactly what the gateway sees.
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
    region: 'us-east-1',
  };
}

void test('every operation of every model is identified from the request the SDK builds', () => {
  const model = awsModel();
  const metadata = JSON.parse(
    readFileSync(requireHere.resolve('aws-sdk/apis/metadata.json'), 'utf8'),
  ) as Record<string, { name: string }>;
  const classes = AWS as unknown as Record<string, V2Constructor | undefined>;
  let total = 0;
  let matched = 0;
  const failures: string[] = [];
  const buildErrors: string[] = [];
  const bearerOnly: string[] = [];
  for (const svc of model.services) {
    // Bearer-token services (CodeCatalyst) cannot carry SigV4, so they never reach identify.
    if (svc.bearer) {
      bearerOnly.push(svc.id);
      continue;
    }
    const Ctor = classes[metadata[svc.id]?.name ?? ''];
    assert.ok(Ctor, `aws-sdk v2 has a client for ${svc.id}`);
    const client = new Ctor(config);
    for (const [key, op] of Object.entries(client.api.operations)) {
      const greedy = new Set([...op.httpPath.matchAll(/\{([^}]+)\+\}/g)].map((m) => m[1] ?? ''));
      const params = op.input ? sampleStructure(op.input, greedy, 0) : {};
      let view: RequestView;
      try {
        const req = client.makeRequest(key, params);
        let buildError: Error | undefined;
        req.build((err) => (buildError = err ?? undefined));
        if (buildError) throw buildError;
        view = toView(req.httpRequest, svc.signingName);
      } catch (err) {
        buildErrors.push(`${svc.id}.${op.name}: ${(err as Error).message}`);
        continue;
      }
      total++;
      const got = identify(view);
      const gotModel = model.byId.get(got.service);
      const same = got.service === svc.id && got.operation === op.name;
      // rds / docdb / neptune share signing name, API version and operation names: the request
      // cannot tell them apart, and IAM does not either.
      const equivalent =
        got.operation === op.name && gotModel?.iamPrefix === svc.iamPrefix && got.service !== svc.id;
      if (same || equivalent) matched++;
      else
        failures.push(
          `${svc.id}.${op.name} -> ${got.service}.${got.operation ?? '?'} (${view.method} ${view.path})`,
        );
    }
  }
  const rate = matched / total;
  console.log(
    `round trip: ${matched}/${total} identified (${(rate * 100).toFixed(2)}%), ${buildErrors.length} not buildable, skipped bearer-only: ${bearerOnly.join(', ')}`,
  );
  if (failures.length > 0) console.log(`failures:\n  ${failures.join('\n  ')}`);
  if (buildErrors.length > 0) console.log(`not buildable by aws-sdk v2:\n  ${buildErrors.join('\n  ')}`);
  assert.ok(total > 15000, `built ${total} requests`);
  assert.ok(rate >= 0.99, `identification rate ${rate}`);
});
