import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import type { JournalEvent } from '../../gateway/journal/events';
import { collectCalls } from '../../gateway/review/session-calls';
import { reviewTask } from '../../gateway/review/task-review';
import { awsV1 } from '../support/aws-clients';
import { packBundle, resignBundle } from '../support/bundle-forge';
import { AIRLOCK_BIN, isolatedEnv, runNode } from '../support/gateway-process';
import { type Stack, startStack } from '../support/stack';

/** The recording's CLI as a user drives it: sessions, show with filters, export, verify, import. */
void describe('recording CLI: sessions, show, export, verify, import', () => {
  let s: Stack;
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'airlock-bundle-cli-'));
    const scope = join(work, 'scope.json');
    await writeFile(
      scope,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }],
      }),
    );
    s = await startStack(['--name', 'cli recording task', '--scope', scope]);
    assert.equal((await awsV1(['sts', 'get-caller-identity'], s.task.env)).code, 0);
    const denied = await awsV1(['secretsmanager', 'get-secret-value', '--secret-id', 'x'], s.task.env);
    assert.match(denied.stderr, /AccessDenied/);
  });
  after(async () => {
    await s?.close();
    await rm(work, { recursive: true, force: true });
  });

  const airlock = (
    args: string[],
    dataDir = s.gw.dataDir,
  ): Promise<{ code: number; stdout: string; stderr: string }> =>
    runNode([AIRLOCK_BIN, ...args, '--data-dir', dataDir], isolatedEnv());

  void test('sessions --json lists the task with its counts; show filters by service and decision', async () => {
    const sessions = await airlock(['sessions', '--json']);
    assert.equal(sessions.code, 0, sessions.stderr);
    const mine = (JSON.parse(sessions.stdout) as Record<string, unknown>[]).find(
      (x) => x.taskId === s.task.taskId,
    );
    assert.deepEqual(
      {
        calls: mine?.calls,
        allowed: mine?.allowed,
        denied: mine?.denied,
        state: mine?.state,
        name: mine?.name,
      },
      { calls: 2, allowed: 1, denied: 1, state: 'active', name: 'cli recording task' },
    );
    const sts = JSON.parse((await airlock(['show', s.task.taskId, '--json', '--service', 'sts'])).stdout) as {
      events: { type: string; data: { operation?: string } }[];
    };
    assert.deepEqual(
      sts.events.map((e) => e.type),
      ['call.request', 'call.decision', 'call.response'],
    );
    assert.equal(sts.events[0]?.data.operation, 'GetCallerIdentity');
    const denied = JSON.parse(
      (await airlock(['show', s.task.taskId, '--json', '--decision', 'deny'])).stdout,
    ) as {
      events: { type: string; data: { decision?: string; actions?: { action: string }[] } }[];
    };
    assert.equal(
      denied.events.find((e) => e.type === 'call.request')?.data.actions?.[0]?.action,
      'secretsmanager:GetSecretValue',
    );
    assert.equal(denied.events.find((e) => e.type === 'call.decision')?.data.decision, 'deny');
    const all = JSON.parse((await airlock(['show', s.task.taskId, '--json'])).stdout) as {
      events: unknown[];
    };
    assert.equal(all.events.length, 7, 'task.started + two calls of three events');
    const calls = JSON.parse(
      (await airlock(['calls', '--json', '--action', 'secretsmanager:*'])).stdout,
    ) as unknown[];
    assert.equal(calls.length, 1);
  });

  void test('export → verify (exit 0), a tampered copy fails naming the edit, import elsewhere is read-only and signed', async () => {
    const file = join(work, 'task.airlock');
    const ex = await airlock(['export', s.task.taskId, '-o', file]);
    assert.equal(ex.code, 0, ex.stderr);
    const v = await airlock(['verify', file]);
    assert.equal(v.code, 0, v.stderr);
    const m = /^verified: 7 events, signed by (SHA256:[A-Za-z0-9+/]{43}) \(known: this gateway\)\n$/.exec(
      v.stdout,
    );
    assert.ok(m, v.stdout);
    const fp = m[1] ?? '';

    const raw = await readFile(file);
    const nl = raw.indexOf(0x0a);
    const plain = zlib.gunzipSync(raw.subarray(nl + 1)).toString();
    // The running gateway was asked for the policy in force, and the bundle carries it.
    const header = JSON.parse(plain.slice(0, plain.indexOf('\n'))) as {
      policy: { workspace?: unknown; note: string };
    };
    const effective = await airlock(['policy', 'show', '--effective']);
    assert.equal(effective.code, 0, effective.stderr);
    assert.equal(header.policy.note, 'workspace policy as in force at export time');
    assert.deepEqual(header.policy.workspace, (JSON.parse(effective.stdout) as { policy: unknown }).policy);
    const text = plain.replace('"GetCallerIdentity"', '"GetSessionToken"');
    const tampered = join(work, 'tampered.airlock');
    await writeFile(tampered, packBundle('AIRLOCK-BUNDLE/2', text.slice(0, -1).split('\n')));
    const bad = await airlock(['verify', tampered]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not verified: edited event: seq \d+ was changed.*\[edited-event\]/);
    await writeFile(
      join(work, 'future.airlock'),
      Buffer.concat([Buffer.from('AIRLOCK-BUNDLE/9\n'), raw.subarray(nl + 1)]),
    );
    const future = await airlock(['verify', join(work, 'future.airlock')]);
    assert.equal(future.code, 1);
    assert.match(future.stderr, /unknown bundle version "9"/);

    const teammate = await mkdtemp(join(tmpdir(), 'airlock-teammate-'));
    try {
      // The teammate's gateway does not know this key: import waits for their word.
      const unknown = await airlock(['import', file], teammate);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /not imported: signed by an UNKNOWN key .*--allow-unknown-signer/);
      const im = await airlock(['import', file, '--expect-signer', fp], teammate);
      assert.equal(im.code, 0, im.stderr);
      assert.match(
        im.stdout,
        new RegExp(
          `imported: session ${s.task.taskId}@\\S+ \\(7 events, read-only\\), signed by ${fp.replace(/[+/]/g, '\\$&')}, as expected`,
        ),
      );
      const refused = await airlock(['import', tampered], teammate);
      assert.equal(refused.code, 1);
      const theirs = JSON.parse((await airlock(['sessions', '--json'], teammate)).stdout) as Record<
        string,
        unknown
      >[];
      assert.equal(theirs.length, 1);
      assert.deepEqual([theirs[0]?.imported, theirs[0]?.signer, theirs[0]?.state], [true, fp, 'imported']);
      const shown = JSON.parse((await airlock(['show', s.task.taskId, '--json'], teammate)).stdout) as {
        events: unknown[];
      };
      assert.equal(shown.events.length, 7);
    } finally {
      await rm(teammate, { recursive: true, force: true });
    }
  });

  void test('a bundle re-signed with a fresh key verifies as an UNKNOWN signer; pinned in the policy it is known by name', async () => {
    const file = join(work, 'mine.airlock');
    assert.equal((await airlock(['export', s.task.taskId, '-o', file])).code, 0);
    // Someone edits the session (the denied call becomes an allowed one) and re-signs it.
    const allow = (lines: string[]): string[] =>
      lines.map((l) => l.replace('"decision":"deny"', '"decision":"allow"'));
    // Left as it was, the review the bundle carries still shows the denial: caught.
    const naive = join(work, 'naive-forgery.airlock');
    await writeFile(naive, resignBundle(await readFile(file), undefined, allow).bundle);
    const caught = await airlock(['verify', naive]);
    assert.equal(caught.code, 1);
    assert.match(
      caught.stderr,
      /review carried in the bundle does not match its events.*\[review-mismatch\]/,
    );
    // A careful forger recomputes the review too.
    const { bundle, fingerprint } = resignBundle(await readFile(file), undefined, (lines) => {
      const edited = allow(lines);
      const events = edited.slice(1, -1).map((l) => JSON.parse(l) as JournalEvent);
      const header = JSON.parse(edited[0] ?? '{}') as { review: unknown };
      header.review = reviewTask(collectCalls(events));
      return [JSON.stringify(header), ...edited.slice(1)];
    });
    const forged = join(work, 'forged.airlock');
    await writeFile(forged, bundle);
    const v = await airlock(['verify', forged]);
    assert.equal(v.code, 0, 'the signature itself is valid');
    assert.match(v.stdout, /\(UNKNOWN signer\)\n$/);
    assert.match(
      v.stderr,
      /warning: signed by an UNKNOWN key SHA256:\S+: not this gateway's, and not pinned/,
    );
    const json = JSON.parse((await airlock(['verify', forged, '--json'])).stdout) as { signer: unknown };
    assert.deepEqual(json.signer, { fingerprint, known: false });

    const refused = await airlock(['import', forged]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not imported: signed by an UNKNOWN key/);

    const policy = join(work, 'policy.json');
    await writeFile(policy, JSON.stringify({ trustedSigners: [{ fingerprint, name: 'alice' }] }));
    const pinned = await airlock(['verify', forged, '--policy', policy]);
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.match(pinned.stdout, /\(known: alice\)\n$/);
    assert.equal(pinned.stderr, '');
    const teammate = await mkdtemp(join(tmpdir(), 'airlock-pinned-'));
    try {
      const im = await airlock(['import', forged, '--policy', policy], teammate);
      assert.equal(im.code, 0, im.stderr);
      assert.match(im.stdout, /signed by alice \(SHA256:\S+, pinned in trustedSigners\)/);
    } finally {
      await rm(teammate, { recursive: true, force: true });
    }
  });

  void test('a bundle with a trailing empty gzip member or altered gzip header bytes fails verify and import', async () => {
    const file = join(work, 'framing.airlock');
    assert.equal((await airlock(['export', s.task.taskId, '-o', file])).code, 0);
    const raw = await readFile(file);
    const nl = raw.indexOf(0x0a);
    const variants: [string, Buffer][] = [
      ['extra-member', Buffer.concat([raw, zlib.gzipSync(Buffer.alloc(0))])],
      ['mtime', Buffer.from(raw).fill(7, nl + 1 + 4, nl + 1 + 8)],
      ['os', Buffer.from(raw).fill(0x0b, nl + 1 + 9, nl + 1 + 10)],
    ];
    for (const [name, bytes] of variants) {
      const f = join(work, `framing-${name}.airlock`);
      await writeFile(f, bytes);
      const v = await airlock(['verify', f]);
      assert.equal(v.code, 1, `${name}: ${v.stdout}`);
      assert.match(v.stderr, /not verified: .*signature does not cover.*\[unsigned-bytes\]/, name);
      const im = await airlock(['import', f, '--allow-unknown-signer'], await mkdtemp(join(work, 'im-')));
      assert.equal(im.code, 1, name);
    }
  });
});
