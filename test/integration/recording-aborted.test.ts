import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { permissivePolicy } from '../support/stack';
import {
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';

const ANSWER_AFTER_MS = 1500;

/** DynamoDB played slowly: every call is answered, after a pause long enough for a client to give up. */
async function slowUpstream(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'slow-1' });
      res.end('{"TableNames":["orders"]}');
    }, ANSWER_AFTER_MS);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A signed ListTables; `giveUpAfterMs` destroys the connection then, as a client timeout does. */
async function listTables(task: StartedTask, giveUpAfterMs?: number): Promise<{ status: number }> {
  const url = new URL(task.env.AWS_ENDPOINT_URL!);
  const signer = new SignatureV4({
    service: 'dynamodb',
    region: 'us-east-1',
    credentials: {
      accessKeyId: task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY!,
    },
    sha256: Hash.bind(null, 'sha256'),
  });
  const body = '{}';
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      body,
    }),
  );
  return new Promise((resolve) => {
    const req = http.request(
      { hostname: url.hostname, port: url.port, method: 'POST', path: '/', headers: signed.headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', () => resolve({ status: 0 }));
    if (giveUpAfterMs !== undefined) setTimeout(() => req.destroy(), giveUpAfterMs);
    req.end(body);
  });
}

function responses(file: string): Array<{ callId: string; status: number; aborted?: boolean }> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"type":"call.response"'))
    .map((l) => (JSON.parse(l) as { data: { callId: string; status: number; aborted?: boolean } }).data);
}

/**
 * Issue 12: a client that gave up on a slow upstream was recorded as answered 200, as if the agent
 * had the answer. AWS did act on the call, so its outcome is recorded, and so is that the agent
 * never received it.
 */
void describe('a client that gives up before AWS answers', () => {
  let gw: GatewayProcess;
  let task: StartedTask;
  let upstream: Awaited<ReturnType<typeof slowUpstream>>;
  let cleanup: () => Promise<void>;
  before(async () => {
    const policy = await permissivePolicy();
    cleanup = policy.cleanup;
    upstream = await slowUpstream();
    gw = await startGatewayProcess({
      upstream: upstream.url,
      credentials: { accessKeyId: 'AKIAREALREALREAL0000', secretAccessKey: 'real-secret-for-aborted-test' },
      args: ['--account-id', '123456789012', ...policy.args],
    });
    task = await startTask(gw, ['--name', 'gives-up']);
  });
  after(async () => {
    await gw?.dispose();
    await upstream?.close();
    await cleanup?.();
  });

  void test('is recorded with the outcome AWS gave and aborted: the agent never had it', async () => {
    const file = join(gw.dataDir, 'journal', `${task.taskId}.jsonl`);
    const gaveUp = await listTables(task, 300);
    assert.equal(gaveUp.status, 0, 'the client went away before any answer');
    // The call is still in flight upstream; its response event lands once AWS answers.
    let recorded = responses(file);
    for (let i = 0; i < 100 && recorded.length === 0; i++) {
      await sleep(100);
      recorded = responses(file);
    }
    assert.equal(recorded.length, 1, 'the abandoned call has its response event');
    assert.equal(recorded[0]?.status, 200);
    assert.equal(recorded[0]?.aborted, true);

    assert.equal((await listTables(task)).status, 200);
    const all = responses(file);
    assert.equal(all.length, 2, 'the answered call is recorded');
    assert.equal(all[1]?.aborted, undefined, 'an answer the agent received is not marked aborted');
  });
});
