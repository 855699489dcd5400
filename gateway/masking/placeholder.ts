import { createHmac } from 'node:crypto';
import { hmacKey } from '../crypto/hmac-key';
import type { MaskDirection } from './types';

const OPEN = '«airlock:masked:';
const CLOSE = '»';

/** Matches a placeholder anywhere in a text (values already masked are never masked again). */
export const PLACEHOLDER_PATTERN = /«airlock:masked:[^»\s]{1,300}»/;
const WHOLE_PLACEHOLDER = /^«airlock:masked:[^»\s]{1,300}»$/;

function label(s: string): string {
  const clean = s.slice(0, 64).replace(/[^A-Za-z0-9_.-]/g, '_');
  return clean || '_';
}

/** Master keys shorter than this are refused: placeholders under them could be computed. */
const MIN_KEY_BYTES = 32;

/**
 * Stable placeholders for one task: `«airlock:masked:secretsmanager:SecretString:3f9a0c1b2d4e»`.
 * The tag is an HMAC, under a key derived for the task from the gateway's master key (secret,
 * never recorded or exported, the same after a restart), of the value together with where it
 * was masked (service or source, field, and whether the agent sent it or AWS answered it):
 * - the same secret in the same field always gets the same tag within a task, so an agent can
 *   still tell values apart, and tags of different tasks are unrelated;
 * - nobody without the master key can test guesses against a recording or a bundle;
 * - an agent cannot test guesses through the gateway cheaply either: a value it sends is tagged
 *   under the request key (so a refused PutSecretValue carrying a guess proves nothing), and a
 *   value AWS echoes back in another field (KMS Decrypt of a chosen plaintext) under that field.
 *   Writing a guess into the very field it wants to compare (a new version of a secret) and
 *   reading it back still compares within a task; that takes real, recorded AWS writes.
 */
export class Placeholders {
  private constructor(private readonly keys: Readonly<Record<MaskDirection, Buffer>>) {}

  static forTask(masterKey: Buffer, taskId: string): Placeholders {
    if (masterKey.length < MIN_KEY_BYTES)
      throw new Error(
        `the master key has ${masterKey.length} bytes; masking needs at least ${MIN_KEY_BYTES}`,
      );
    const derive = (direction: MaskDirection): Buffer =>
      createHmac('sha256', masterKey).update(`airlock-mask-v2\n${direction}\n${taskId}`).digest();
    return new Placeholders({ request: derive('request'), response: derive('response') });
  }

  /** No cache: secrets should not outlive the response they came in. */
  private tag(direction: MaskDirection, scope: string, field: string, value: string): string {
    return createHmac('sha256', hmacKey(this.keys[direction]))
      .update(`${scope}\n${field}\n`)
      .update(value)
      .digest('hex')
      .slice(0, 12);
  }

  make(direction: MaskDirection, scope: string, field: string, value: string): string {
    const s = label(scope);
    const f = label(field);
    return `${OPEN}${s}:${f}:${this.tag(direction, s, f, value)}${CLOSE}`;
  }
}

export function isPlaceholder(value: string): boolean {
  return value.length <= 320 && WHOLE_PLACEHOLDER.test(value);
}
