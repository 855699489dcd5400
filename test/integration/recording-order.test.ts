import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { permissivePolicy } from '../support/stack';
import {
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';
import { sendSigned } from '../support/signed-request';

/** A loopback port with nothing listening: the upstream is unreachable, so answers are local 502s. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * An answer the agent received is already in the journal (issue 12: once in three runs a local
 * 502 reached the client before its response event was journaled). Read synchronously the moment
 * each answer arrives, as a crash at that instant would leave the file.
 */
void describe('recording order: the journal has every answer before the agent does', () => {
  let gw: GatewayProcess;
  let task: StartedTask;
  let cleanup: () => Promise<void>;
  before(async () => {
    const policy = await permissivePolicy();
    cleanup = policy.cleanup;
    gw = await startGatewayProcess({
      upstream: `http://127.0.0.1:${await closedPort()}`,
      credentials: { accessKeyId: 'AKIAREALREALREAL0000', secretAccessKey: 'real-secret-for-order-test' },
      args: ['--account-id', '123456789012', ...policy.args],
    });
    task = await startTask(gw, ['--name', 'order']);
  });
  after(async () => {
    await gw?.dispose();
    await cleanup?.();
  });

  void test('each local 502 (upstream unreachable) is journaled before the agent receives it', async () => {
    const journalFile = join(gw.dataDir, 'journal', `${task.taskId}.jsonl`);
    for (let i = 0; i < 25; i++) {
      const r = await sendSigned({
        endpoint: task.env.AWS_ENDPOINT_URL!,
        accessKeyId: task.env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY!,
        service: 'sts',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      });
      const lines = readFileSync(journalFile, 'utf8').split('\n');
      assert.equal(r.status, 502, r.body);
      const callId = r.headers['x-amzn-requestid'];
      assert.ok(callId, 'the refusal names its call');
      const answered = lines.some(
        (l) =>
          l.includes('"type":"call.response"') &&
          l.includes(`"callId":"${String(callId)}"`) &&
          l.includes('"status":502'),
      );
      assert.ok(
        answered,
        `call ${i} (${String(callId)}) was answered 502 before its response event was in the journal`,
      );
    }
  });
});
