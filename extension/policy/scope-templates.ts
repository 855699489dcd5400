import type { AirlockClient } from '../control/airlock-client';
import { readPolicy } from './policy-file';

export interface TemplateNames {
  readonly names: readonly string[];
  /** Why the list may be short (the policy file cannot be read), for the user. */
  readonly problem?: string;
}

/**
 * The scope templates a task can start with: those of the policy in force, as the gateway holds it
 * (so the built-in default's templates count too); else those of the file, read here.
 */
export async function scopeTemplateNames(
  client: AirlockClient | undefined,
  file: string | undefined,
): Promise<TemplateNames> {
  if (client) {
    try {
      const effective = await client.policy();
      return {
        names: Object.keys(effective.policy.scopeTemplates),
        problem: effective.reloadError
          ? `the last change was refused: ${effective.reloadError.message}`
          : undefined,
      };
    } catch {
      // An older gateway without GET /policy: read the file ourselves.
    }
  }
  const read = file ? await readPolicy(file) : ({ kind: 'missing' } as const);
  if (read.kind === 'invalid') return { names: [], problem: read.message };
  return { names: read.kind === 'ok' ? read.templates.map((t) => t.name) : [] };
}
