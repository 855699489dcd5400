// The checkpoint floor (bench/checkpoint-proxy.ts) is only a fair floor if it really does the
// invariants' work: it refuses a wrong signature, re-signs so an independent signer agrees, and
// writes each request to a hash chain before the upstream sees it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnBenchServer } from '../../bench/bench-servers';
import { load } from '../../bench/load';
import { BENCH_REAL_CREDS, signedSmallCall } from '../../bench/signed-request';
import { parseAuthorization } from '../fakes/auth-header';
import { checkSignature } from '../fakes/signature-check';

const AGENT = { accessKeyId: 'AKIACHECKPOINTTEST00', secretAccessKey: 'a'.repeat(40) };

void test('the checkpoint floor verifies, records before forwarding and re-signs correctly', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-checkpoint-floor-'));
  const journal = join(dir, 'checkpoint-floor.jsonl');
  const seen: { ok: boolean; recordedBefore: boolean }[] = [];
  const upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const auth = parseAuthorization(req.headers.authorization);
      const check = auth.ok
        ? checkSignature({
            method: req.method ?? '',
            rawPath: req.url ?? '',
            headers: req.headersDistinct,
            auth: auth.auth,
            credentials: BENCH_REAL_CREDS,
            body: Buffer.concat(chunks),
            now: Date.now(),
          })
        : { ok: false };
      const lines = existsSync(journal) ? readFileSync(journal, 'utf8').trim().split('\n') : [];
      const last = JSON.parse(lines.at(-1) ?? '{}') as { kind?: string; callId?: number };
      seen.push({ ok: check.ok, recordedBefore: last.kind === 'request' && last.callId === seen.length + 1 });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const { info, proc } = await spawnBenchServer('bench/checkpoint-proxy.ts', [
    String((upstream.address() as AddressInfo).port),
    dir,
    AGENT.accessKeyId,
    AGENT.secretAccessKey,
    BENCH_REAL_CREDS.accessKeyId,
    BENCH_REAL_CREDS.secretAccessKey,
  ]);
  t.after(() => {
    proc.kill('SIGTERM');
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // One at a time, so each forwarded call can be matched with the journal's last line.
  const call = await signedSmallCall(info.port, AGENT);
  await load(call, 5, 1);
  assert.equal(seen.length, 10, 'load() sends as many warm-up calls as it measures, up to 200');
  assert.ok(
    seen.every((s) => s.ok && s.recordedBefore),
    'every call re-signed as aws4 signs it, its request durable first',
  );

  const wrong = await signedSmallCall(info.port, { ...AGENT, secretAccessKey: 'b'.repeat(40) });
  await assert.rejects(load(wrong, 1, 1), /status 403/);
  assert.equal(seen.length, 10, 'a wrong signature is not forwarded');

  const lines = readFileSync(journal, 'utf8').trim().split('\n');
  let prev = '0'.repeat(64);
  for (const line of lines) {
    const { hash, ...event } = JSON.parse(line) as { hash: string; prev: string };
    assert.equal(event.prev, prev);
    assert.equal(hash, createHash('sha256').update(JSON.stringify(event)).digest('hex'));
    prev = hash;
  }
});
