import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { DATA_OUTPUT, STREAMED_OUTPUT } from '../../gateway/recording/data-outputs';
import { responseKind } from '../../gateway/recording/response-kind';
import { DeliveryHarness, type DeliveredCall, type Received } from './support/deliver-harness';

/**
 * Masking is decided by the identified operation, never by the content type an answer claims
 * (issue 11: Secrets Manager, KMS and Lambda secrets reached the agent in clear when the upstream
 * labelled its JSON `text/html`).
 */
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsYWJlbC1jYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAlabelcanary\n-----END RSA PRIVATE KEY-----';
const LABELS = [
  'text/html',
  'text/plain',
  undefined,
  'application/x-amz-json-1.1; charset=utf-16',
  'text/html; charset=iso-8859-1',
  'application/octet-stream',
  'image/png',
];

const json = (service: string, operation: string): DeliveredCall => ({
  service,
  operation,
  method: 'POST',
  protocol: 'json',
});
const getSecret = json('secretsmanager', 'GetSecretValue');

void describe('recording: answers are masked by their operation, whatever they are labelled', () => {
  let h: DeliveryHarness;
  before(async () => {
    h = await DeliveryHarness.start();
  });
  after(() => h.close());

  const answer = async (
    call: DeliveredCall,
    status: number,
    label: string | undefined,
    body: string | Buffer,
    extra: Record<string, string> = {},
  ): Promise<Received> => {
    h.call = call;
    h.upstream = {
      status,
      headers: { ...(label === undefined ? {} : { 'content-type': label }), ...extra },
      chunks: [typeof body === 'string' ? Buffer.from(body) : body],
    };
    return h.fetch();
  };
  const recorded = (): string => JSON.stringify(h.records);
  const withheld = (r: Received): void => {
    assert.equal(r.status, 502);
    assert.equal(r.headers['x-error'], 'ResponseNotMaskable');
  };

  const secretAnswers: [DeliveredCall, string, string][] = [
    [getSecret, '{"Name":"db","SecretString":"%s"}', 'SecretString'],
    [json('kms', 'Decrypt'), '{"KeyId":"k","Plaintext":"%s"}', 'Plaintext'],
    [
      { service: 'lambda', operation: 'GetFunctionConfiguration', method: 'GET', protocol: 'rest-json' },
      '{"FunctionName":"f","Environment":{"Variables":{"DB_PASSWORD":"%s"}}}',
      'DB_PASSWORD',
    ],
    [
      { service: 'sts', operation: 'AssumeRole', method: 'POST', protocol: 'query' },
      '<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE12</AccessKeyId>' +
        '<SecretAccessKey>%s</SecretAccessKey></Credentials></AssumeRoleResult></AssumeRoleResponse>',
      'SecretAccessKey',
    ],
  ];
  for (const [call, template, field] of secretAnswers) {
    void test(`${call.service}:${call.operation} under every label: masked, never in clear`, async () => {
      for (const label of LABELS) {
        const canary = `label-canary-${Math.random().toString(36).slice(2)}`;
        const r = await answer(call, 200, label, template.replace('%s', canary));
        assert.equal(r.status, 200, `${label}: ${r.body.toString()}`);
        // KMS Plaintext is base64 on the wire: the agent gets its placeholder base64-encoded.
        const text = r.body
          .toString()
          .replace(/"([A-Za-z0-9+/]{24,}={0,2})"/g, (_m, b64: string) =>
            Buffer.from(b64, 'base64').toString(),
          );
        assert.ok(!text.includes(canary), `${label}: the agent got the secret`);
        assert.ok(text.includes(`:${field}:`), `${label}: no placeholder in ${text}`);
        assert.ok(!recorded().includes(canary), `${label}: the recording holds the secret`);
      }
    });
  }

  void test('a secret-bearing answer that is not its protocol is withheld, whatever its label', async () => {
    for (const label of ['text/html', 'application/x-amz-json-1.1', undefined]) {
      const r = await answer(getSecret, 200, label, '<html><body>SecretString=plain</body></html>');
      withheld(r);
      assert.ok(!r.body.toString().includes('plain'));
    }
    withheld(await answer(getSecret, 200, 'application/json', '{"SecretString":'));
  });

  void test('error answers, HTML or not, still have their secret shapes masked', async () => {
    const page = `<html><body>upstream said: Bearer ${JWT.slice(0, 40)} and ${JWT}<pre>${PEM}</pre></body></html>`;
    const r = await answer(getSecret, 503, 'text/html', page);
    assert.equal(r.status, 503);
    for (const secret of [JWT, 'MIIEpAIBAAKCAQEAlabelcanary']) {
      assert.ok(!r.body.toString().includes(secret));
      assert.ok(!recorded().includes(secret));
    }
  });

  void test('unidentified operations: any text is masked whatever its label (JSON fields, shapes)', async () => {
    const unknown: DeliveredCall = { service: 'unknown', method: 'POST', protocol: 'unknown' };
    let r = await answer(unknown, 200, 'image/png', `{"SecretString":"unid-canary","note":"${JWT}"}`);
    assert.equal(r.status, 200);
    assert.ok(!r.body.toString().includes('unid-canary') && !r.body.toString().includes(JWT));
    r = await answer(unknown, 200, 'application/octet-stream', `token=${JWT}\n`);
    assert.match(r.body.toString(), /^token=«airlock:masked:shape:jwt:[0-9a-f]{12}»\n$/);
  });

  void test('binary answers pass byte for byte only without a secret in them', async () => {
    const unknown: DeliveredCall = { service: 'unknown', method: 'POST', protocol: 'unknown' };
    const clean = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff, 0xfe, 0x41]);
    const r = await answer(unknown, 200, 'image/png', clean);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, clean);
    assert.equal(h.records[0]?.data.body, undefined, 'binary bodies are not recorded');
    withheld(await answer(unknown, 200, 'image/png', Buffer.concat([clean, Buffer.from(PEM), clean])));
    // UTF-16 text is binary to a UTF-8 reader: read with its NULs dropped, its secrets still show.
    const utf16 = Buffer.from(`{"SecretString":"utf16-canary"}`, 'utf16le');
    withheld(await answer(unknown, 200, 'application/json; charset=utf-16', utf16));
    withheld(await answer(getSecret, 200, undefined, utf16));
  });

  void test('an answer in a coding the gateway cannot undo is withheld, even when nothing there is secret', async () => {
    const r = await answer(
      json('dynamodb', 'GetItem'),
      200,
      'application/x-amz-json-1.0',
      `{"Item":{"t":{"S":"${JWT}"}}}`,
      {
        'content-encoding': 'zstd',
      },
    );
    withheld(r);
    const raw = zlib.deflateRawSync(`{"SecretString":"deflate-canary"}`);
    const ok = await answer(getSecret, 200, 'text/plain', raw, {
      'content-encoding': 'deflate',
    });
    assert.equal(ok.status, 200);
    assert.ok(!zlib.inflateSync(ok.body).toString().includes('deflate-canary'));
  });

  void test("data outputs are read as what they are: a function's result masked, an object streamed untouched", async () => {
    const invoke: DeliveredCall = {
      service: 'lambda',
      operation: 'Invoke',
      method: 'POST',
      protocol: 'rest-json',
    };
    let r = await answer(invoke, 200, 'application/octet-stream', `{"token":"${JWT}"}`);
    assert.match(r.body.toString(), /^\{"token":"«airlock:masked:shape:jwt:[0-9a-f]{12}»"\}$/);
    const get: DeliveredCall = { service: 's3', operation: 'GetObject', method: 'GET', protocol: 'rest-xml' };
    r = await answer(get, 200, 'application/json', `{"token":"${JWT}"}`);
    assert.equal(r.body.toString(), `{"token":"${JWT}"}`, "object bytes are the caller's data");
    assert.equal(h.records[0]?.data.bodyStreamed, true);
  });
});

void describe('recording: how each answer is read', () => {
  const kind = (
    service: string,
    operation: string | undefined,
    protocol: DeliveredCall['protocol'],
    status = 200,
  ) => responseKind({ service, operation, protocol }, 'POST', status).mode;

  void test('by protocol and operation, never by a header', () => {
    assert.deepEqual(
      responseKind({ service: 'secretsmanager', operation: 'GetSecretValue', protocol: 'json' }, 'POST', 200),
      {
        mode: 'document',
        format: 'json',
      },
    );
    assert.deepEqual(
      responseKind({ service: 'sqs', operation: 'ReceiveMessage', protocol: 'query' }, 'POST', 200),
      {
        mode: 'document',
        format: 'xml',
      },
    );
    assert.equal(kind('s3', 'GetObject', 'rest-xml'), 'stream');
    assert.equal(kind('s3', 'GetObject', 'rest-xml', 404), 'document', 'errors are API documents');
    assert.equal(kind('lambda', 'Invoke', 'rest-json'), 'data');
    assert.equal(kind('dynamodb', undefined, 'json'), 'data');
    assert.equal(kind('unknown', undefined, 'unknown'), 'data');
    assert.equal(
      responseKind({ service: 's3', operation: 'HeadObject', protocol: 'rest-xml' }, 'HEAD', 200).mode,
      'empty',
    );
  });

  void test('the streamed and data outputs are exactly what the AWS model says', () => {
    const dir = join(process.cwd(), 'node_modules', 'aws-sdk', 'apis');
    const files = readdirSync(dir);
    const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as Record<
      string,
      { prefix?: string }
    >;
    interface Shape {
      type?: string;
      shape?: string;
      payload?: string;
      streaming?: boolean;
      eventstream?: boolean;
      members?: Record<string, Shape>;
    }
    const streamed: string[] = [];
    const data: string[] = [];
    for (const [id, meta] of Object.entries(metadata)) {
      const prefix = meta.prefix ?? id;
      const file = files
        .filter(
          (f) =>
            f.startsWith(`${prefix}-`) && /^\d{4}-\d{2}-\d{2}\.min\.json$/.test(f.slice(prefix.length + 1)),
        )
        .sort()
        .pop();
      if (!file) continue;
      const model = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        operations: Record<string, { output?: Shape }>;
        shapes: Record<string, Shape>;
      };
      const resolve = (s: Shape): Shape => (s.shape ? (model.shapes[s.shape] ?? s) : s);
      for (const [name, op] of Object.entries(model.operations)) {
        if (!op.output) continue;
        const out = resolve(op.output);
        const members = out.members ?? {};
        const events = Object.values(members).some((m) => m.eventstream || resolve(m).eventstream);
        const payload = out.payload === undefined ? undefined : members[out.payload];
        const shape = payload && resolve(payload);
        if (
          events ||
          (shape && (shape.type ?? 'string') !== 'structure' && (shape.streaming || payload?.streaming))
        )
          streamed.push(`${id}:${name}`);
        else if (shape && (shape.type ?? 'string') !== 'structure') data.push(`${id}:${name}`);
      }
    }
    assert.deepEqual([...STREAMED_OUTPUT].sort(), streamed.sort());
    assert.deepEqual([...DATA_OUTPUT].sort(), data.sort());
  });
});
