import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { IMPORTED_DIR } from '../../gateway/bundle/import-bundle';
import type { TaskSummary } from '../../webview/src/protocol';
import { openBundleFile } from './bundle-session';
import type { TrustSource } from './signer-trust';

interface Cached {
  readonly mtimeMs: number;
  readonly size: number;
  readonly summary: TaskSummary | undefined;
}

/**
 * The sessions imported into this data dir (`<dataDir>/imported/<session>.airlock`), for the task
 * list, each with its signer. Every file is verified again when it changes (import only stores
 * bundles that verified, but the file is on disk): one that no longer verifies is listed as not
 * verified. Summaries are cached by size and mtime, so re-listing costs a stat per file.
 */
export class ImportedBundles {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly dataDir: string,
    private readonly trust?: TrustSource,
  ) {}

  get dir(): string {
    return join(this.dataDir, IMPORTED_DIR);
  }

  async list(onProblem: (file: string, message: string) => void): Promise<TaskSummary[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.airlock'));
    const out: TaskSummary[] = [];
    const seen = new Set<string>();
    for (const name of names.sort()) {
      const file = join(this.dir, name);
      seen.add(file);
      const st = await stat(file).catch(() => undefined);
      if (!st) continue;
      let c = this.cache.get(file);
      if (!c || c.mtimeMs !== st.mtimeMs || c.size !== st.size) {
        c = { mtimeMs: st.mtimeMs, size: st.size, summary: await this.summarize(file, onProblem) };
        this.cache.set(file, c);
      }
      if (c.summary) out.push(c.summary);
    }
    for (const k of [...this.cache.keys()]) if (!seen.has(k)) this.cache.delete(k);
    return out;
  }

  /** The imported file of a session id from the list, if it is one. */
  fileOf(sessionId: string): string | undefined {
    for (const [file, c] of this.cache) if (c.summary?.task.taskId === sessionId) return file;
    return undefined;
  }

  private async summarize(
    file: string,
    onProblem: (file: string, message: string) => void,
  ): Promise<TaskSummary | undefined> {
    try {
      const b = await openBundleFile(file, basename(file, '.airlock'), await this.trust?.());
      if (b.verification.state === 'failed') onProblem(file, `no longer verifies: ${b.verification.message}`);
      return { ...b.summary, imported: { ...b.summary.imported, file } };
    } catch (e) {
      onProblem(file, e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }
}
