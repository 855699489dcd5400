/**
 * Every IAM action name per service prefix (Service Authorization Reference), as
 * scripts/gen-iam-actions.mjs writes it next to the code. Read on first use, synchronously:
 * policy checks are rare and the list is half a megabyte. Unlike the resource table this is not
 * needed to decide a call, so a missing file makes checks say nothing rather than fail.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface IamActionNames {
  /** Action names of one prefix, as the reference spells them; undefined for an unknown prefix. */
  actionsOf(prefix: string): readonly string[] | undefined;
  readonly prefixes: readonly string[];
  /** The service part of any resource type's ARN format (`s3`, `execute-api`). */
  readonly arnServices: ReadonlySet<string>;
}

let cached: IamActionNames | null | undefined;

function defaultFile(): string {
  // CommonJS bundles have __dirname; the ESM / tsx path uses import.meta.url.
  const here = typeof __dirname === 'string' ? __dirname : fileURLToPath(new URL('.', import.meta.url));
  return join(here, 'iam-actions.generated.json');
}

export function parseIamActionNames(text: string): IamActionNames | undefined {
  const json: unknown = JSON.parse(text);
  if (typeof json !== 'object' || json === null) return undefined;
  const { format, prefixes, arnServices } = json as {
    format?: unknown;
    prefixes?: unknown;
    arnServices?: unknown;
  };
  if (format !== 1 || typeof prefixes !== 'object' || prefixes === null) return undefined;
  const table = new Map<string, readonly string[]>();
  for (const [prefix, names] of Object.entries(prefixes))
    if (Array.isArray(names))
      table.set(
        prefix,
        names.filter((n): n is string => typeof n === 'string'),
      );
  return {
    actionsOf: (prefix) => table.get(prefix.toLowerCase()),
    prefixes: [...table.keys()],
    arnServices: new Set(Array.isArray(arnServices) ? arnServices.filter((s) => typeof s === 'string') : []),
  };
}

/** The names, or undefined when the generated file is missing or unreadable. */
export function iamActionNames(file: string = defaultFile()): IamActionNames | undefined {
  if (cached !== undefined && file === defaultFile()) return cached ?? undefined;
  let names: IamActionNames | undefined;
  try {
    names = parseIamActionNames(readFileSync(file, 'utf8'));
  } catch {
    names = undefined;
  }
  if (file === defaultFile()) cached = names ?? null;
  return names;
}
