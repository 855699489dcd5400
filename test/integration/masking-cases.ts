import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { awsModel, type ServiceModel } from '../../gateway/aws/model';
import { CATALOGUE } from '../../gateway/masking';
import type { FieldSpec } from '../../gateway/masking/types';
import type { StubResponse } from '../fakes/types';
import { cli, type RawGateway } from './recording-helpers';

/** One catalogue operation whose fake answer carries a unique canary in every secret field. */
export interface Case {
  readonly service: ServiceModel;
  readonly operation: string;
  readonly canaries: string[];
  readonly response: StubResponse;
  readonly gzip: boolean;
}

export const canary = (): string => `cnry${randomBytes(9).toString('hex')}`;

function setPath(obj: Record<string, unknown>, spec: FieldSpec, value: string): void {
  let at = obj;
  const path = spec.path.map((s) => (s === '*' ? 'CANARY_VAR' : s));
  for (const seg of path.slice(0, -1)) at = (at[seg] ??= {}) as Record<string, unknown>;
  at[path[path.length - 1] ?? 'x'] = value;
  if (spec.when) at[spec.when.sibling] = spec.when.equals;
}

function toXml(v: unknown): string {
  if (typeof v !== 'object' || v === null) return String(v);
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `<${k}>${toXml(x)}</${k}>`)
    .join('');
}

function buildCase(
  service: ServiceModel,
  operation: string,
  fields: readonly FieldSpec[],
  gzip: boolean,
): Case {
  const doc: Record<string, unknown> = {};
  const canaries: string[] = [];
  for (const spec of fields) {
    const c = canary();
    canaries.push(c);
    setPath(doc, spec, spec.base64 ? Buffer.from(c).toString('base64') : c);
  }
  let body: string;
  let contentType: string;
  if (service.protocol === 'json' || service.protocol === 'rest-json') {
    body = JSON.stringify(doc);
    contentType =
      service.protocol === 'json'
        ? `application/x-amz-json-${service.jsonVersion ?? '1.1'}`
        : 'application/json';
  } else if (service.protocol === 'ec2') {
    body = `<${operation}Response xmlns="http://ec2.amazonaws.com/doc/${service.apiVersion}/"><requestId>r-1</requestId>${toXml(doc)}</${operation}Response>`;
    contentType = 'text/xml;charset=UTF-8';
  } else {
    body = `<${operation}Response xmlns="https://${service.id}.amazonaws.com/doc/${service.apiVersion}/"><${operation}Result>${toXml(doc)}</${operation}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${operation}Response>`;
    contentType = 'text/xml';
  }
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-amzn-requestid': `rid-${operation}`,
  };
  const response: StubResponse = gzip
    ? {
        status: 200,
        headers: { ...headers, 'content-encoding': 'gzip' },
        body: '',
        rawBody: zlib.gzipSync(body),
      }
    : { status: 200, headers, body };
  return { service, operation, canaries, response, gzip };
}

/** A case per response field set of the built-in catalogue (every fifth answer gzip'd). */
export function catalogueCases(): Case[] {
  const model = awsModel();
  const cases: Case[] = [];
  let n = 0;
  for (const entry of CATALOGUE) {
    if (!entry.response || entry.operations === '*') continue;
    const service = model.byId.get(entry.service);
    // Calls signed for s3 (S3, S3 Control) reach the fake's S3 backend, never its canned answers.
    if (!service || service.signingName === 's3') continue;
    for (const op of entry.operations) {
      if (!service.operationNames.has(op) && !service.restOperations.some((r) => r.name === op)) continue;
      cases.push(buildCase(service, op, entry.response, n++ % 5 === 0));
    }
  }
  return cases;
}

/** A request the gateway identifies as `operation` of `service`. */
export function requestFor(
  s: ServiceModel,
  operation: string,
): { method: string; path: string; headers: Record<string, string>; body: string } {
  if (s.protocol === 'json')
    return {
      method: 'POST',
      path: '/',
      headers: {
        'x-amz-target': `${s.targetPrefix ?? ''}.${operation}`,
        'content-type': `application/x-amz-json-${s.jsonVersion ?? '1.1'}`,
      },
      body: '{}',
    };
  if (s.protocol === 'query' || s.protocol === 'ec2')
    return {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: `Action=${operation}&Version=${s.apiVersion}`,
    };
  const op = s.restOperations.find((r) => r.name === operation);
  const uri = (op?.requestUri ?? '/').split('?')[0]?.replace(/\{[^}]+\}/g, 'canary-id') ?? '/';
  const method = op?.method ?? 'GET';
  return {
    method,
    path: uri,
    headers: { 'content-type': 'application/json' },
    body: method === 'GET' || method === 'DELETE' ? '' : '{}',
  };
}

/**
 * Exports the task's bundle, verifies it, and searches everything the gateway keeps or said for
 * the canaries: journal files, the sql.js index, the bundle, the gateway's log, the agent's output.
 * Returns the bundle's text for further checks.
 */
export async function assertNoCanaries(o: {
  dataDir: string;
  gw: RawGateway;
  taskId: string;
  agentSaw: readonly string[];
  canaries: readonly string[];
}): Promise<string> {
  const sessions = await cli(o.dataDir, ['sessions', '--json']);
  assert.equal(sessions.code, 0, sessions.stderr);
  // `calls` builds the call index (chunks with free text and term filters) as well.
  const calls = await cli(o.dataDir, ['calls', '--json']);
  assert.equal(calls.code, 0, calls.stderr);
  const out = join(o.dataDir, `${o.taskId}.airlock`);
  const ex = await cli(o.dataDir, ['export', o.taskId, '-o', out]);
  assert.equal(ex.code, 0, ex.stderr);
  const verified = await cli(o.dataDir, ['verify', out]);
  assert.match(verified.stdout, /^verified: \d+ events, signed by SHA256:/);
  const bundle = await readFile(out);
  const bundleText = zlib.gunzipSync(bundle.subarray(bundle.indexOf(0x0a) + 1)).toString('latin1');
  const stores: [string, string][] = [
    ['bundle', bundleText],
    ['gateway log', o.gw.stderr()],
    ['agent output', o.agentSaw.join('\n')],
  ];
  for (const name of await readdir(join(o.dataDir, 'journal')))
    stores.push([`journal/${name}`, await readFile(join(o.dataDir, 'journal', name), 'latin1')]);
  // The derived stores: the index (catalog, chunk databases, term filters) and task summaries.
  for (const sub of ['index', 'index/chunks', 'summaries'])
    for (const e of await readdir(join(o.dataDir, sub), { withFileTypes: true }))
      if (e.isFile())
        stores.push([`${sub}/${e.name}`, await readFile(join(o.dataDir, sub, e.name), 'latin1')]);
  assert.ok(
    stores.some(([n, text]) => n.endsWith('.sqlite') && text.includes(o.taskId)),
    'the call index holds the session',
  );
  assert.ok(
    stores.some(([n]) => n.startsWith('summaries/')),
    'the gateway wrote task summaries',
  );
  for (const [name, text] of stores)
    for (const k of o.canaries) {
      const at = text.indexOf(k);
      assert.ok(at < 0, `${name} holds ${k.slice(0, 12)}…: ${text.slice(Math.max(0, at - 300), at + 40)}`);
    }
  return bundleText;
}
