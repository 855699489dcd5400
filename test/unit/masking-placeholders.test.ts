import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { maskBody, maskParams, Masking, Placeholders } from '../../gateway/masking';

/**
 * Placeholders tell values apart within a task without confirming guesses: keyed per task by a
 * secret derived from the gateway's master key (so stable across restarts), per direction and per
 * field, never computable from the value alone.
 */
const master = randomBytes(32);
const call = (operation: string) => ({ service: 'secretsmanager', operation, actions: [] });
const tagOf = (text: string): string => /«airlock:masked:[^»]*:([0-9a-f]{12})»/.exec(text)?.[1] ?? 'none';

function secretAnswer(masking: Masking, taskId: string, secret: string): string {
  return maskBody(
    JSON.stringify({ Name: 'db', SecretString: secret }),
    'json',
    masking.plan(call('GetSecretValue'), 'response'),
    masking.placeholders(taskId),
  ).agent;
}

void describe('masking: placeholders', () => {
  void test('stable within a task, also across a restart (a new Masking on the same master key)', () => {
    const a = secretAnswer(new Masking(master), 't-1', 'hunter2');
    assert.equal(secretAnswer(new Masking(master), 't-1', 'hunter2'), a);
    assert.notEqual(secretAnswer(new Masking(master), 't-1', 'hunter3'), a, 'values stay apart');
  });

  void test('the same value in two tasks gets unrelated placeholders', () => {
    const m = new Masking(master);
    assert.notEqual(tagOf(secretAnswer(m, 't-1', 'hunter2')), tagOf(secretAnswer(m, 't-2', 'hunter2')));
  });

  void test('cannot be computed from the value alone: it depends on the secret master key', () => {
    const tag = tagOf(secretAnswer(new Masking(master), 't-1', 'hunter2'));
    assert.notEqual(tag, tagOf(secretAnswer(new Masking(randomBytes(32)), 't-1', 'hunter2')));
    // Nor is it any plain digest of the value, the field or the task a reader could compute.
    for (const guess of ['hunter2', 'secretsmanager\nSecretString\nhunter2', 't-1hunter2']) {
      assert.notEqual(tag, createHash('sha256').update(guess).digest('hex').slice(0, 12));
      assert.notEqual(tag, createHmac('sha256', '').update(guess).digest('hex').slice(0, 12));
      assert.notEqual(tag, createHmac('sha256', 't-1').update(guess).digest('hex').slice(0, 12));
    }
  });

  void test('a value the agent sends never gets the placeholder of the same value in an answer', () => {
    const m = new Masking(master);
    const sent = maskParams(
      { SecretId: 'db', SecretString: 'hunter2' },
      m.plan(call('PutSecretValue'), 'request'),
      m.placeholders('t-1'),
    ).params.SecretString;
    assert.notEqual(tagOf(String(sent)), tagOf(secretAnswer(m, 't-1', 'hunter2')));
  });

  void test('a value echoed in another field (KMS Decrypt of a chosen plaintext) does not confirm a secret', () => {
    const m = new Masking(master);
    // A secret that is valid base64 is what Decrypt answers for the plaintext it decodes to.
    const secret = Buffer.from('chosen plaintext').toString('base64');
    const kms = maskBody(
      JSON.stringify({ KeyId: 'k', Plaintext: secret }),
      'json',
      m.plan({ service: 'kms', operation: 'Decrypt', actions: [] }, 'response'),
      m.placeholders('t-1'),
    ).record;
    assert.notEqual(tagOf(kms), 'none');
    assert.notEqual(tagOf(kms), tagOf(secretAnswer(m, 't-1', secret)));
  });

  void test('a master key too short to keep placeholders secret is refused at start', () => {
    assert.throws(() => new Masking(Buffer.alloc(0)), /master key has 0 bytes/);
    assert.throws(() => Placeholders.forTask(Buffer.alloc(16), 't-1'), /at least 32/);
  });
});
