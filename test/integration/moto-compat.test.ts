import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';
import { type Moto, MOTO_ACCOUNT_ID, startMoto } from '../support/moto';
import { CANARY, motoSteps, type Step } from './moto-steps';
import { sendSigned } from '../support/signed-request';
import { permissivePolicy } from '../support/stack';

/**
 * Broad client compatibility against an AWS emulator nobody here wrote: moto's server in its IAM
 * auth mode checks the gateway's re-signing with its own SigV4 code and authorizes each request
 * under the action it works out itself. Before each call the gateway's upstream user may do exactly
 * the call's expected IAM action, so a call AWS (moto) would read as another action is refused
 * there; afterwards the gateway's record of every call is compared with what moto received.
 */

/** A JSON or query body's parameters as the gateway records them; undefined for other protocols. */
function paramsOf(protocol: string, body: Buffer): Record<string, unknown> | undefined {
  if (protocol === 'json') return JSON.parse(body.toString() || '{}') as Record<string, unknown>;
  if (protocol !== 'query' && protocol !== 'ec2') return undefined;
  const form = Object.fromEntries(new URLSearchParams(body.toString()));
  delete form.Action;
  delete form.Version;
  return form;
}

void describe('moto_server in IAM auth mode behind the gateway', () => {
  let moto: Moto;
  let gw: GatewayProcess;
  let task: StartedTask;
  let cleanup: () => Promise<void>;
  const sent: Step[] = [];

  before(async () => {
    moto = await startMoto();
    // The gateway's account lookup at start (sts:GetCallerIdentity moto always allows).
    await moto.allowOnly(['sts:GetCallerIdentity']);
    const policy = await permissivePolicy();
    cleanup = policy.cleanup;
    gw = await startGatewayProcess({ upstream: moto.url, credentials: moto.gatewayUser, args: policy.args });
    task = await startTask(gw, ['--name', 'moto compatibility']);
    await moto.startRecording();
  });
  after(async () => {
    await gw?.dispose();
    await moto?.close();
    await cleanup?.();
  });

  const steps = motoSteps(() => task.env, MOTO_ACCOUNT_ID);

  void test('moto checks signatures itself: a key it issued, with a wrong secret, is refused', async () => {
    const r = await sendSigned({
      endpoint: moto.url,
      accessKeyId: moto.admin.accessKeyId,
      secretAccessKey: `${moto.admin.secretAccessKey}x`,
      service: 'iam',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListRoles&Version=2010-05-08',
    });
    assert.equal(r.status, 403);
    assert.match(r.body, /SignatureDoesNotMatch/);
  });

  for (const step of steps) {
    void test(step.name, async () => {
      if (step.deniedFirst) {
        await moto.allowOnly(['sts:GetCallerIdentity']);
        const refused = await step.run();
        sent.push(step);
        assert.equal(refused.ok, false, `moto must refuse ${step.action} when its policy does not allow it`);
        assert.match(refused.output, /AccessDenied|not authorized|HTTP 403/i);
      }
      await moto.allowOnly([step.action]);
      const r = await step.run();
      sent.push(step);
      assert.ok(r.ok, `${step.action} allowed, yet: ${r.output}`);
      step.check?.(r.output);
    });
  }

  void test('the gateway recorded each call as what moto received and authorized', async () => {
    const events = await readJournalEvents(gw.dataDir, task.taskId);
    const requests = events.filter((e) => e.type === 'call.request');
    const answered = new Set(
      events.filter((e) => e.type === 'call.response').map((e) => e.data.callId as string),
    );
    assert.deepEqual(
      requests.map((e) => e.data.operation as string),
      sent.map((s) => s.operation),
    );
    // What the gateway decided on is the action moto authorized (the only one its policy allowed).
    requests.forEach((e, i) =>
      assert.ok(
        (e.data.actions as { action: string }[]).some((a) => a.action === sent[i]?.action),
        `${sent[i]?.name}: ${JSON.stringify(e.data.actions)}`,
      ),
    );
    const received = (await moto.recorded()).filter((r) =>
      (r.headers.Authorization ?? r.headers.authorization ?? '').includes(
        `Credential=${moto.gatewayUser.accessKeyId}/`,
      ),
    );
    assert.equal(received.length, requests.length, 'moto received exactly the calls the gateway forwarded');
    let compared = 0;
    requests.forEach((req, i) => {
      const got = received[i]!;
      const where = `${req.data.service}:${req.data.operation} (#${i})`;
      assert.ok(answered.has(req.data.callId as string), `${where}: its answer is recorded`);
      assert.equal(got.method, req.data.method, `${where}: method`);
      const url = new URL(got.url);
      assert.equal(
        decodeURIComponent(url.pathname + url.search),
        decodeURIComponent(req.data.target as string),
        where,
      );
      if (typeof req.data.bodyBytes === 'number')
        assert.equal(got.body.length, req.data.bodyBytes, `${where}: body size`);
      // The parameters decided on are the ones moto read (masked values aside: it got the real ones).
      const sentParams = paramsOf(req.data.protocol as string, got.body);
      if (sentParams === undefined) return;
      const masked = new Set(((req.data.masked ?? []) as { field: string }[]).map((m) => m.field));
      const recorded = { ...(req.data.params as Record<string, unknown>) };
      for (const field of masked) {
        delete sentParams[field];
        delete recorded[field];
      }
      assert.deepEqual(recorded, sentParams, `${where}: parameters`);
      compared++;
    });
    assert.ok(compared >= 16, `the parameters of ${compared} JSON and query calls compared`);
  });

  void test('the planted secret reaches moto, never the agent, the journal or the gateway log', async () => {
    const stored = (await moto.recorded()).some((r) => r.body.includes(CANARY));
    assert.ok(stored, 'the secret went upstream as the agent sent it');
    const events = await readJournalEvents(gw.dataDir, task.taskId);
    assert.ok(!JSON.stringify(events).includes(CANARY), 'journal');
    assert.ok(!gw.stderr().includes(CANARY), 'gateway log');
  });
});
