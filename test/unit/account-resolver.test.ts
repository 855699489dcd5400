import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AwsCredentialIdentity } from '@smithy/types';
import { UNKNOWN_ACCOUNT } from '../../gateway/aws/unknown-account';
import { GatewayError } from '../../gateway/errors/gateway-error';
import type { Logger } from '../../gateway/server/logger';
import { AccountResolver, type AccountResolverOptions } from '../../gateway/upstream/account-resolver';

const A = '111111111111';
const B = '222222222222';

interface Harness {
  resolver: AccountResolver;
  lookups: string[];
  logs: string[];
  setKey(key: string): void;
  /** Key id → account, or an error to throw, or a promise the test settles. */
  answers: Map<string, string | Error | Promise<string>>;
  clock: { now: number };
}

function harness(extra: Partial<AccountResolverOptions> = {}): Harness {
  let key = 'AKIAFIRST';
  const lookups: string[] = [];
  const logs: string[] = [];
  const answers = new Map<string, string | Error | Promise<string>>([
    ['AKIAFIRST', A],
    ['ASIASECOND', B],
  ]);
  const clock = { now: 1_000_000 };
  const log: Logger = { log: (level, msg) => logs.push(`${level}: ${msg}`) };
  const resolver = new AccountResolver({
    credentials: () =>
      Promise.resolve<AwsCredentialIdentity>({ accessKeyId: key, secretAccessKey: 'secret' }),
    lookup: (c) => {
      lookups.push(c.accessKeyId);
      const a = answers.get(c.accessKeyId);
      if (a instanceof Error) return Promise.reject(a);
      return a === undefined ? Promise.reject(new Error('no such key')) : Promise.resolve(a);
    },
    log,
    waitMs: 200,
    retryMs: 30_000,
    now: () => clock.now,
    ...extra,
  });
  return { resolver, lookups, logs, setKey: (k) => (key = k), answers, clock };
}

void test('learned once per access key id and cached', async () => {
  const h = harness();
  assert.deepEqual(await h.resolver.start(), { id: A, source: 'credentials' });
  assert.deepEqual(await h.resolver.forCall(), { id: A, source: 'credentials' });
  assert.deepEqual(await h.resolver.forCall(), { id: A, source: 'credentials' });
  assert.deepEqual(h.lookups, ['AKIAFIRST']);
  assert.ok(h.logs.some((l) => l.startsWith('info: AWS account learned')));
});

void test('a credentials change is learned again before the next call runs on it', async () => {
  const h = harness();
  await h.resolver.start();
  h.setKey('ASIASECOND');
  assert.deepEqual(await h.resolver.forCall(), { id: B, source: 'credentials' });
  assert.deepEqual(h.lookups, ['AKIAFIRST', 'ASIASECOND']);
  // Changed credentials whose lookup fails never inherit the old account.
  h.setKey('AKIATHIRD');
  assert.deepEqual(await h.resolver.forCall(), { id: UNKNOWN_ACCOUNT, source: 'unknown' });
});

void test('a failed lookup leaves the account unknown (or configured) and is retried only after a while', async () => {
  const h = harness();
  h.answers.set('AKIAFIRST', new Error('STS GetCallerIdentity answered HTTP 403 (InvalidClientTokenId)'));
  assert.deepEqual(await h.resolver.start(), { id: UNKNOWN_ACCOUNT, source: 'unknown' });
  assert.deepEqual(await h.resolver.forCall(), { id: UNKNOWN_ACCOUNT, source: 'unknown' });
  assert.equal(h.lookups.length, 1, 'not asked again on every call');
  assert.ok(h.logs.some((l) => l.startsWith('warn: could not learn')));
  h.answers.set('AKIAFIRST', A);
  h.clock.now += 31_000;
  assert.deepEqual(await h.resolver.forCall(), { id: A, source: 'credentials' });
  assert.equal(h.lookups.length, 2);

  const c = harness({ configured: A });
  c.answers.set('AKIAFIRST', new Error('unreachable'));
  assert.deepEqual(await c.resolver.forCall(), { id: A, source: 'configured' });
});

void test('a call waits for a slow lookup only so long, then runs without the account', async () => {
  const h = harness({ waitMs: 50 });
  let answer: (a: string) => void = () => undefined;
  h.answers.set('AKIAFIRST', new Promise<string>((r) => (answer = r)));
  const started = Date.now();
  assert.deepEqual(await h.resolver.forCall(), { id: UNKNOWN_ACCOUNT, source: 'unknown' });
  assert.ok(Date.now() - started < 1000);
  assert.deepEqual(await h.resolver.forCall(), { id: UNKNOWN_ACCOUNT, source: 'unknown' });
  assert.equal(h.lookups.length, 1, 'the lookup in flight is shared');
  answer(A);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(await h.resolver.forCall(), { id: A, source: 'credentials' });
});

void test('credentials of another account than the configured one: every call is refused, saying both', async () => {
  const h = harness({ configured: B });
  assert.equal(await h.resolver.start(), undefined);
  await assert.rejects(h.resolver.forCall(), (e: unknown) => {
    assert.ok(e instanceof GatewayError);
    assert.equal(e.code, 'AccountMismatch');
    assert.match(e.message, new RegExp(`${A}.*${B}`));
    return true;
  });
  assert.ok(h.logs.some((l) => l.startsWith('error: ')));
  // Switching to credentials of the configured account clears it.
  h.setKey('ASIASECOND');
  assert.deepEqual(await h.resolver.forCall(), { id: B, source: 'credentials' });
});

void test('no credentials at all: unknown, and no lookup is attempted', async () => {
  const lookups: string[] = [];
  const r = new AccountResolver({
    credentials: () => Promise.reject(new Error('no credentials')),
    lookup: (c) => (lookups.push(c.accessKeyId), Promise.resolve(A)),
    log: { log: () => undefined },
  });
  assert.deepEqual(await r.forCall(), { id: UNKNOWN_ACCOUNT, source: 'unknown' });
  assert.deepEqual(lookups, []);
});
