/** Types for entry-lines.mjs, which tests import to build tables the way the generators do. */
export function stringifyEntryLines(doc: Record<string, unknown>, collections: readonly string[]): string;
