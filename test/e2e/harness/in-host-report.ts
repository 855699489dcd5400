/**
 * What an in-host suite reports back to the runner (a file, since the extension host has no other
 * channel to the test process). Dependency-free: both sides import it.
 */
export type InHostResult =
  | { readonly name: string; readonly ok: true; readonly ms: number }
  | { readonly name: string; readonly ok: false; readonly ms: number; readonly error: string };

export interface InHostReport {
  readonly results: readonly InHostResult[];
  /** False while checks are still running (the report is rewritten after each one). */
  readonly done: boolean;
}

/** The in-host side: runs named checks in order and writes the report, whatever happens. */
export async function runChecks(
  reportFile: string,
  checks: readonly (readonly [string, () => Promise<void>])[],
  write: (file: string, text: string) => Promise<void>,
): Promise<void> {
  const results: InHostResult[] = [];
  await write(reportFile, JSON.stringify({ results, done: false } satisfies InHostReport));
  for (const [name, check] of checks) {
    const t0 = Date.now();
    try {
      await check();
      results.push({ name, ok: true, ms: Date.now() - t0 });
    } catch (e) {
      const error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
      results.push({ name, ok: false, ms: Date.now() - t0, error });
    }
    await write(reportFile, JSON.stringify({ results, done: false } satisfies InHostReport));
  }
  await write(reportFile, JSON.stringify({ results, done: true } satisfies InHostReport));
}
