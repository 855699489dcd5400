import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { awsV1 } from '../support/aws-clients';
import { type Stack, startStack } from '../support/stack';

const MiB = 1024 * 1024;
const ATTACKERS = 48;
const BODY = Buffer.alloc(15 * MiB, 'x');
const BODY_SHA256 = createHash('sha256').update(BODY).digest('hex');

/** The gateway's peak resident memory so far (kB), as the kernel counts it. */
async function peakRssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!m?.[1]) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(m[1]);
}

interface RawAnswer {
  status: number;
  body: string;
  /** Milliseconds from connecting to a complete answer. */
  ms: number;
}

/**
 * A DynamoDB PutItem under a real task key id with a made-up signature and a 15 MiB body, sent
 * whole as an attacker would (no Expect: 100-continue). Resolves with the answer as soon as it is
 * complete, whatever became of the upload; status 0 when none came.
 */
function badlySigned(
  port: number,
  keyId: string,
  declareHash: boolean,
  /** Send only this much of the body, then wait (the connection stays open). */
  sendBytes = BODY.length,
): Promise<RawAnswer> {
  const now = new Date();
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const headers = [
    'POST / HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    'Content-Type: application/x-amz-json-1.0',
    'X-Amz-Target: DynamoDB_20120810.PutItem',
    `X-Amz-Date: ${amzDate}`,
    ...(declareHash ? [`X-Amz-Content-Sha256: ${BODY_SHA256}`] : []),
    `Authorization: AWS4-HMAC-SHA256 Credential=${keyId}/${amzDate.slice(0, 8)}/us-east-1/dynamodb/aws4_request, ` +
      `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
    `Content-Length: ${BODY.length}`,
    '',
    '',
  ].join('\r\n');
  const started = Date.now();
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      sock.destroy();
      const text = got.toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const cut = text.indexOf('\r\n\r\n');
      resolve({ status, body: cut < 0 ? '' : text.slice(cut + 4), ms: Date.now() - started });
    };
    sock.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const text = got.toString('utf8');
      const cut = text.indexOf('\r\n\r\n');
      const len = Number(/\r\ncontent-length: (\d+)/i.exec(text)?.[1] ?? NaN);
      if (cut >= 0 && Buffer.byteLength(text.slice(cut + 4)) >= len) finish();
    });
    sock.on('close', finish);
    // A refused upload is cut off mid-write: that is expected, the answer is what counts.
    sock.on('error', finish);
    // No answer in this long is no answer at all (status 0).
    sock.setTimeout(20_000, finish);
    sock.write(headers);
    sock.write(BODY.subarray(0, sendBytes));
  });
}

void describe('unverified request bodies cost bounded memory', () => {
  let s: Stack;
  before(async () => {
    s = await startStack();
    // Warm up: the gateway's normal working set is in the baseline, not in the measurement.
    const r = await awsV1(['dynamodb', 'list-tables'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s?.close();
  });

  void test(`${ATTACKERS} concurrent 15 MiB badly-signed bodies: peak RSS stays bounded, every one gets an AWS error, a signed call passes meanwhile`, async (t) => {
    const pid = s.gw.proc.pid;
    assert.ok(pid);
    const keyId = s.task.env.AWS_ACCESS_KEY_ID!;
    const upstreamBefore = s.fake.received.length;
    const peakBefore = await peakRssKb(pid);

    const attacks = Array.from({ length: ATTACKERS }, (_, i) => badlySigned(s.gw.port, keyId, i % 2 === 1));
    // A legitimate call from a real client in the middle of it (botocore: body hash inside the signature).
    const legit = awsV1(['dynamodb', 'list-tables'], s.task.env);
    const answers = await Promise.all(attacks);
    const legitResult = await legit;
    const peakAfter = await peakRssKb(pid);

    const growthMiB = (peakAfter - peakBefore) / 1024;
    assert.ok(
      growthMiB < 200,
      `peak RSS grew by ${growthMiB.toFixed(0)} MiB for ${ATTACKERS} x 15 MiB unverified bodies (before: ${peakBefore} kB)`,
    );
    const codes = new Map<string, number>();
    for (const a of answers) {
      assert.ok([403, 503].includes(a.status), `status ${a.status}: ${a.body.slice(0, 200)}`);
      const type = (JSON.parse(a.body) as { __type?: string }).__type ?? '';
      assert.ok(['SignatureDoesNotMatch', 'SlowDown'].includes(type), type);
      codes.set(type, (codes.get(type) ?? 0) + 1);
    }
    // Declared hashes are refused on the signature alone, and past the budget nothing is read.
    assert.ok((codes.get('SlowDown') ?? 0) > 0, JSON.stringify([...codes]));
    t.diagnostic(`peak RSS +${growthMiB.toFixed(0)} MiB; answers ${JSON.stringify([...codes])}`);
    assert.equal(legitResult.code, 0, legitResult.stderr);
    assert.equal(
      s.fake.received.slice(upstreamBefore).filter((c) => c.operation === 'PutItem').length,
      0,
      'no badly-signed body reached the upstream',
    );
  });

  void test('a declared payload hash is checked by the signature before the body is read', async () => {
    // Only the first KiB of the declared 15 MiB is ever sent: an answer can only come from the headers.
    const a = await badlySigned(s.gw.port, s.task.env.AWS_ACCESS_KEY_ID!, true, 1024);
    assert.equal(a.status, 403);
    assert.match(a.body, /SignatureDoesNotMatch/);
    assert.ok(a.ms < 5_000, `${a.ms} ms`);
  });

  void test('past the unverified budget a request is refused before its body is read', async () => {
    // Fill the budget with bodies that never finish (each holds its declared length)...
    const holders = Array.from({ length: 5 }, () =>
      badlySigned(s.gw.port, s.task.env.AWS_ACCESS_KEY_ID!, false, 1024),
    );
    await new Promise((r) => setTimeout(r, 300));
    // ...then the next one is answered SlowDown though none of its body was sent.
    const a = await badlySigned(s.gw.port, s.task.env.AWS_ACCESS_KEY_ID!, false, 0);
    assert.equal(a.status, 503, a.body);
    assert.equal((JSON.parse(a.body) as { __type: string }).__type, 'SlowDown');
    assert.ok(a.ms < 5_000, `${a.ms} ms`);
    // The held ones are cut off by the body deadline (or when the gateway stops) and free their share.
    void Promise.all(holders);
  });

  void test('the gateway is alive and serving afterwards', async () => {
    assert.equal(s.gw.proc.exitCode, null);
    const r = await awsV1(['sts', 'get-caller-identity'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
  });
});
