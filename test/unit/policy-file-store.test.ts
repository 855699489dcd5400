import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PolicyFileError, PolicyStore, type ReloadOutcome } from '../../gateway/policy-file';
import type { Logger } from '../../gateway/server/logger';

const quiet: Logger = { log: () => undefined };

const policy = (id: string): string =>
  JSON.stringify({ denyRules: [{ id, reason: 'r', actions: ['iam:Delete*'] }] }, null, 2);

/** Opens a store whose reloads are awaited one at a time. */
async function open(file: string): Promise<{ store: PolicyStore; next: () => Promise<ReloadOutcome> }> {
  const queue: ReloadOutcome[] = [];
  let wake: (() => void) | undefined;
  const store = await PolicyStore.open({
    file,
    log: quiet,
    debounceMs: 20,
    pollIntervalMs: 100,
    onReload: (o) => {
      queue.push(o);
      wake?.();
    },
  });
  const next = async (): Promise<ReloadOutcome> => {
    // The store's watchers never keep a process alive (the gateway's server does): hold it here.
    const alive = setInterval(() => undefined, 1000);
    try {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    } finally {
      clearInterval(alive);
    }
    return queue.shift()!;
  };
  return { store, next };
}

void test('without a file the built-in default is in force', async () => {
  const store = await PolicyStore.open({ log: quiet });
  assert.equal(store.current.source.kind, 'default');
  assert.deepEqual(store.maskRules(), []);
  store.close();
});

void test('an invalid file is refused at open, with its line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-store-'));
  try {
    const file = join(dir, 'policy.json');
    await writeFile(file, '{\n  "outOfScope": "sometimes"\n}');
    await assert.rejects(PolicyStore.open({ file, log: quiet }), (e: unknown) => {
      assert.ok(e instanceof PolicyFileError);
      assert.equal(e.position?.line, 2);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('edits reload; a broken edit keeps the last good policy; an editor-style rename reloads too', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-store-'));
  const file = join(dir, 'policy.json');
  await writeFile(file, policy('first'));
  const { store, next } = await open(file);
  try {
    assert.equal(store.current.policy.denyRules[0]?.id, 'first');

    await writeFile(file, policy('second'));
    const ok = await next();
    assert.ok(ok.ok);
    assert.equal(store.current.policy.denyRules[0]?.id, 'second');

    await writeFile(file, '{ "denyRules": [ }');
    const bad = await next();
    assert.equal(bad.ok, false);
    assert.equal(store.current.policy.denyRules[0]?.id, 'second', 'the last good policy stays in force');
    assert.equal(store.lastError?.code, 'PolicyFileSyntax');
    assert.match(store.lastError?.message ?? '', /policy\.json:1:18:/);

    // Editors save by writing a new file and renaming it over the old one.
    await writeFile(join(dir, 'policy.json.tmp'), policy('third'));
    await rename(join(dir, 'policy.json.tmp'), file);
    const renamed = await next();
    assert.ok(renamed.ok);
    assert.equal(store.current.policy.denyRules[0]?.id, 'third');
    assert.equal(store.lastError, undefined);

    await rm(file);
    const gone = await next();
    assert.equal(gone.ok, false);
    assert.match(gone.ok ? '' : gone.error.message, /the policy file is gone/);
    assert.equal(store.current.policy.denyRules[0]?.id, 'third');
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

void test('an explicit reload of unchanged content reports nothing and keeps the same compiled policy', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-store-'));
  const file = join(dir, 'policy.json');
  await writeFile(file, policy('same'));
  const outcomes: ReloadOutcome[] = [];
  const store = await PolicyStore.open({ file, log: quiet, onReload: (o) => outcomes.push(o) });
  try {
    const before = store.current;
    await store.reload();
    assert.equal(store.current, before);
    assert.deepEqual(outcomes, []);
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
