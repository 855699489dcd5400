import { createHmac, randomBytes } from 'node:crypto';

/**
 * Task keys look like AWS keys so every SDK accepts them, but only this gateway can check them:
 * the secret is an HMAC of the key id under the gateway's master key. Nothing secret about a task
 * is ever written to disk.
 */

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Recognisable prefix: `ASIA`/`AKIA` belong to AWS, ours never collides with real keys. */
export const TASK_KEY_PREFIX = 'AKAL';

export function newAccessKeyId(): string {
  const bytes = randomBytes(16);
  let id = TASK_KEY_PREFIX;
  for (const b of bytes) id += KEY_ID_ALPHABET[b % 32];
  return id;
}

/** The master key's size. Anything else is refused at start (data-dir.ts) and here. */
export const MASTER_KEY_BYTES = 32;

export function deriveTaskSecret(masterKey: Buffer, accessKeyId: string): string {
  // Last line of defence: under an empty key, a task's secret is computable from its key id alone.
  if (masterKey.length !== MASTER_KEY_BYTES)
    throw new Error(`refusing to derive a task secret from a ${masterKey.length}-byte master key`);
  return createHmac('sha256', masterKey)
    .update(`airlock-task-key:${accessKeyId}`)
    .digest('base64')
    .slice(0, 40);
}

export function newTaskId(): string {
  const t = Date.now().toString(36);
  return `t-${t}-${randomBytes(4).toString('hex')}`;
}
