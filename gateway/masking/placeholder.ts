import { createHmac } from 'node:crypto';

const OPEN = '«airlock:masked:';
const CLOSE = '»';

/** Matches a placeholder anywhere in a text (values already masked are never masked again). */
export const PLACEHOLDER_PATTERN = /«airlock:masked:[^»\s]{1,300}»/;

function label(s: string): string {
  const clean = s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
  return clean || '_';
}

/**
 * Stable placeholders for one task: `«airlock:masked:secretsmanager:SecretString:3f9a0c1b2d4e»`.
 * The tag is an HMAC of the value under a key derived for the task from the gateway's master key,
 * so the same secret always gets the same tag within a task (an agent can still tell two secrets
 * apart, or see that two fields hold the same one), tags of different tasks are unrelated, and
 * nobody without the master key can test guesses of a short secret against a shared recording.
 */
export class Placeholders {
  constructor(private readonly key: Buffer) {}

  static forTask(masterKey: Buffer, taskId: string): Placeholders {
    return new Placeholders(createHmac('sha256', masterKey).update(`airlock-mask-v1\n${taskId}`).digest());
  }

  /** No cache: secrets should not outlive the response they came in. */
  tag(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('hex').slice(0, 12);
  }

  make(scope: string, field: string, value: string): string {
    return `${OPEN}${label(scope)}:${label(field)}:${this.tag(value)}${CLOSE}`;
  }
}

export function isPlaceholder(value: string): boolean {
  return value.startsWith(OPEN) && value.endsWith(CLOSE) && PLACEHOLDER_PATTERN.test(value);
}
