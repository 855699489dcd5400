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

export function deriveTaskSecret(masterKey: Buffer, accessKeyId: string): string {
  return createHmac('sha256', masterKey)
    .update(`airlock-task-key:${accessKeyId}`)
    .digest('base64')
    .slice(0, 40);
}

export function newTaskId(): string {
  const t = Date.now().toString(36);
  return `t-${t}-${randomBytes(4).toString('hex')}`;
}
