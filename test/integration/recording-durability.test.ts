import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { startFakeAws, type FakeAws } from '../fakes';
import { awsV1 } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { startHoldingUpstream } from './holding-upstream';
import {
  cli,
  getSecretValue,
  GET_CALLER_IDENTITY,
  type CallOutcome,
  type RawGateway,
  signedCall,
  spawnGateway,
  startTaskIn,
} from './recording-helpers';

/**
 * The recording as evidence under failure, on the real CLI-started gateway: a kill -9 in the
 * middle of 500 concurrent calls loses no forwarded call's request (nor, with --sync-responses,
 * any answered call's response), names the calls whose outcome it cut off, and leaves a store
 * that opens; a store that cannot be written refuses calls instead of forwarding them unrecorded.
 */
void describe('recording durability (real process)', () => {
  let fake: FakeAws;
  let dataDir: string;
  let gw: RawGateway | undefined;
  before(async () => {
    fake = await startFakeAws();
    dataDir = await mkdtemp(join(tmpdir(), 'airlock-durability-'));
  });
  after(async () => {
    await gw?.stop('SIGKILL');
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /**
   * 500 concurrent calls, the gateway killed with SIGKILL while some were answered and others were
   * forwarded and held upstream; then a restart on the same store. Returns what the agents saw
   * and what the journal holds, the chain verified.
   */
  async function killDuring500(
    t: TestContext,
    args: string[],
    name: string,
  ): Promise<{
    complete: CallOutcome[];
    heldAtKill: number;
    taskId: string;
    events: Awaited<ReturnType<typeof readJournalEvents>>;
  }> {
    // The first 200 calls reach AWS; later ones are held upstream, so when the kill lands the
    // gateway certainly has calls it journaled and forwarded but never answered.
    let answered = 0;
    let killed = false;
    const killOnceBothHappened = (): void => {
      if (killed || !gw || answered < 120 || hop.held() < 50) return;
      killed = true;
      gw.proc.kill('SIGKILL');
    };
    const hop = await startHoldingUpstream({
      target: fake.url,
      passFirst: 200,
      onHeld: killOnceBothHappened,
    });
    gw = await spawnGateway({
      dataDir,
      upstream: hop.url,
      credentials: fake.credentials,
      args: ['--log-level', 'warn', ...args],
    });
    const victim = gw;
    // Held calls only end when the gateway dies, so a run where the kill never triggers must not hang.
    let gaveUp = false;
    const giveUp = setTimeout(() => {
      gaveUp = true;
      gw?.proc.kill('SIGKILL');
    }, 60_000);
    const task = await startTaskIn(dataDir, name);
    const creds = {
      accessKeyId: task.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY ?? '',
    };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 500 });
    const port = gw.port;
    const outcomes = await Promise.all(
      Array.from({ length: 500 }, async (_, i) => {
        const shape = i % 2 === 0 ? GET_CALLER_IDENTITY : getSecretValue(fake.planted.secretName);
        const r: CallOutcome = await signedCall({ port, ...creds, ...shape, agent });
        if (r.complete) answered++;
        killOnceBothHappened();
        return r;
      }),
    );
    clearTimeout(giveUp);
    agent.destroy();
    await victim.stop('SIGKILL');
    const heldAtKill = hop.held();
    await hop.close();
    assert.ok(killed && !gaveUp, `no kill within 60 s: ${answered} answered, ${hop.held()} held`);
    const complete = outcomes.filter((o) => o.complete && o.status === 200);
    const cut = outcomes.filter((o) => !o.complete);
    assert.ok(complete.length >= 120 && complete.length <= 200, `answered ${complete.length}`);
    assert.ok(cut.length >= heldAtKill, `${cut.length} cut, ${heldAtKill} were held upstream`);
    assert.ok(complete.every((o) => !o.body.includes(fake.planted.secretValue)));
    t.diagnostic(
      `answered: ${complete.length}; cut: ${cut.length}; held upstream at the kill: ${heldAtKill}`,
    );

    // Restart on the same store: it opens, a torn tail (if any) is cut, the task carries on.
    gw = await spawnGateway({ dataDir, upstream: fake.url, credentials: fake.credentials, args });
    const after = await signedCall({ port: gw.port, ...creds, ...GET_CALLER_IDENTITY });
    assert.equal(after.status, 200);

    // Stopped cleanly, it commits what it still held (the answer to `after`, say).
    await gw.stop();
    gw = undefined;
    const events = await readJournalEvents(dataDir, task.taskId); // throws unless the chain verifies
    const requests = events.filter((e) => e.type === 'call.request').length;
    // Every held call was forwarded, so it was journaled before it left: nothing went out unrecorded.
    assert.ok(requests >= complete.length + heldAtKill + 1, `${requests} requests journaled`);

    const sessions = await cli(dataDir, ['sessions', '--json']);
    assert.equal(sessions.code, 0, sessions.stderr);
    const s = (JSON.parse(sessions.stdout) as { taskId: string; calls: number; fault?: string }[]).find(
      (x) => x.taskId === task.taskId,
    );
    assert.ok(s && s.calls === requests && s.fault === undefined);
    return { complete, heldAtKill, taskId: task.taskId, events };
  }

  /** Calls with a request and no response or error in the journal. */
  function openCalls(events: Awaited<ReturnType<typeof readJournalEvents>>): Set<string> {
    const open = new Set<string>();
    for (const e of events) {
      const id = (e.data as { callId?: string }).callId;
      if (id === undefined) continue;
      if (e.type === 'call.request') open.add(id);
      else if (e.type === 'call.response' || e.type === 'call.error') open.delete(id);
    }
    return open;
  }

  void test('kill -9 during 500 concurrent calls (one sync per call): every forwarded call is in the store, chains verify, cut-off calls read "outcome not recorded" in show and in a bundle', async (t) => {
    const { complete, heldAtKill, taskId, events } = await killDuring500(t, [], 'durability');
    const responses = new Set(
      events.filter((e) => e.type === 'call.response').map((e) => e.data.awsRequestId as string),
    );
    const answeredUnrecorded = complete.filter((o) => !o.requestId || !responses.has(o.requestId)).length;
    const open = openCalls(events);
    // An answer no longer waits for its record: an answered call may have lost its response
    // event, and is then one of the open calls, like every call still held upstream.
    assert.ok(open.size >= heldAtKill + answeredUnrecorded, `${open.size} open calls`);
    t.diagnostic(`answered calls whose response event the kill took: ${answeredUnrecorded}`);

    // `show`, with a gateway running again: each open call (all from before its start) is named.
    gw = await spawnGateway({ dataDir, upstream: fake.url, credentials: fake.credentials });
    const shown = await cli(dataDir, ['show', taskId, '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    const unrecorded = (JSON.parse(shown.stdout) as { unrecorded?: { callId: string; outcome: string }[] })
      .unrecorded;
    assert.deepEqual(new Set(unrecorded?.map((u) => u.callId)), open);
    assert.ok(unrecorded?.every((u) => u.outcome === 'outcome not recorded: the gateway stopped'));
    const text = await cli(dataDir, ['show', taskId]);
    assert.equal(
      text.stdout.split('\n').filter((l) => l.includes('  outcome not recorded: the gateway stopped  '))
        .length,
      open.size,
    );

    // The same calls in a bundle of the task, read back from the bundle.
    await gw?.stop();
    gw = undefined;
    const file = join(dataDir, 'cut.airlock');
    const exported = await cli(dataDir, ['export', taskId, '--out', file]);
    assert.equal(exported.code, 0, exported.stderr);
    const imported = await cli(dataDir, ['import', file, '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    const listed = await cli(dataDir, ['sessions', '--json']);
    const session = (
      JSON.parse(listed.stdout) as { session: string; taskId: string; imported?: unknown }[]
    ).find((x) => x.taskId === taskId && x.imported);
    assert.ok(session, listed.stdout);
    const fromBundle = await cli(dataDir, ['show', session.session, '--json']);
    assert.equal(fromBundle.code, 0, fromBundle.stderr);
    const inBundle = (JSON.parse(fromBundle.stdout) as { unrecorded?: { callId: string; outcome: string }[] })
      .unrecorded;
    assert.deepEqual(new Set(inBundle?.map((u) => u.callId)), open);
  });

  void test('kill -9 during 500 concurrent calls with --sync-responses: every answered call has its response in the store', async (t) => {
    const { complete, events } = await killDuring500(t, ['--sync-responses'], 'durability, two syncs');
    const recorded = new Set(
      events.filter((e) => e.type === 'call.response').map((e) => e.data.awsRequestId as string),
    );
    const missing = complete.filter((o) => !o.requestId || !recorded.has(o.requestId));
    assert.deepEqual(missing, [], `${missing.length} answered calls are not in the journal`);
  });

  void test('failing writes: calls are refused AWS-shaped and never forwarded, and the gateway recovers', async () => {
    const failFile = join(dataDir, 'fail-journal');
    gw = await spawnGateway({
      dataDir,
      upstream: fake.url,
      credentials: fake.credentials,
      env: { AIRLOCK_TEST_FAIL_JOURNAL: failFile },
    });
    const task = await startTaskIn(dataDir, 'failing disk');
    const creds = {
      accessKeyId: task.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY ?? '',
    };
    await writeFile(failFile, '');
    fake.reset();
    const q = await signedCall({ port: gw.port, ...creds, ...GET_CALLER_IDENTITY });
    assert.equal(q.status, 503);
    assert.match(q.body, /<ErrorResponse>.*<Code>RecordingUnavailable<\/Code>/s);
    const j = await signedCall({ port: gw.port, ...creds, ...getSecretValue(fake.planted.secretName) });
    assert.equal(j.status, 503);
    assert.equal((JSON.parse(j.body) as { __type: string }).__type, 'RecordingUnavailable');
    const client = await awsV1(['sts', 'get-caller-identity'], task.env);
    assert.notEqual(client.code, 0);
    assert.match(
      client.stderr,
      /RecordingUnavailable.*could not record this call, so it was not sent to AWS/s,
    );
    assert.equal(fake.received.length, 0, 'nothing reached AWS unrecorded');
    // The control path says what is wrong (issue 12: it said "Internal error").
    const start = await cli(dataDir, ['task', 'start', '--json', '--name', 'on a full disk']);
    assert.notEqual(start.code, 0);
    assert.match(start.stderr, /disk holding the Airlock data dir .* is full.*Free some space/s);
    assert.doesNotMatch(start.stderr, /Internal error/);

    await rm(failFile);
    const ok = await signedCall({ port: gw.port, ...creds, ...GET_CALLER_IDENTITY });
    assert.equal(ok.status, 200);
    assert.equal(fake.received.length, 1);
    // The answer's event is committed with the next call's, or on its own a moment later, or at
    // shutdown: stopped, the gateway has committed everything.
    await gw.stop();
    gw = undefined;
    const events = await readJournalEvents(dataDir, task.taskId);
    assert.deepEqual(
      events.map((e) => e.type),
      ['task.started', 'call.request', 'call.decision', 'call.response'],
      'refused calls left nothing behind; the chain went on from its last durable event',
    );
  });
});
