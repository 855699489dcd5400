import { sha256Hex } from '../crypto/sha256-hex';
import { type FSWatcher, type StatsListener, unwatchFile, watch, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '../server/logger';
import type { EffectivePolicy } from './compile-policy';
import { PolicyFileError } from './errors';
import { defaultPolicy, loadPolicyFile, loadPolicyText } from './load-policy';
import type { MaskRule, MaskRuleSource } from './types';

export type ReloadOutcome =
  | { readonly ok: true; readonly policy: EffectivePolicy }
  | { readonly ok: false; readonly error: PolicyFileError };

export interface PolicyStoreOptions {
  /** The workspace policy file; absent means the built-in default, for good. */
  readonly file?: string;
  readonly log: Logger;
  /** Told after every reload that changed something or failed (not for unchanged content). */
  readonly onReload?: (outcome: ReloadOutcome) => void;
  /** Polling interval of the fallback watcher (file systems where fs.watch stays silent). */
  readonly pollIntervalMs?: number;
  /** Editors save in bursts (truncate, write, rename): wait this long for the burst to end. */
  readonly debounceMs?: number;
}

/**
 * The workspace policy in force. Loading at start throws (the gateway refuses to run on a policy
 * it cannot read); later, the file is watched and reloaded on change, and a reload that fails
 * keeps the last good policy, logs why, and reports it through `onReload`.
 */
export class PolicyStore implements MaskRuleSource {
  private policy: EffectivePolicy;
  private error: PolicyFileError | undefined;
  /** What the refused file looked like (content hash, or `gone`), so one bad save is reported once. */
  private refused: string | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly onPoll: StatsListener;

  private constructor(
    private readonly opts: PolicyStoreOptions,
    initial: EffectivePolicy,
  ) {
    this.policy = initial;
    this.onPoll = (cur, prev) => {
      if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size || cur.ino !== prev.ino) this.schedule();
    };
  }

  static async open(opts: PolicyStoreOptions): Promise<PolicyStore> {
    if (opts.file === undefined) return new PolicyStore(opts, defaultPolicy());
    const file = resolve(opts.file);
    const store = new PolicyStore({ ...opts, file }, await loadPolicyFile(file));
    store.watch(file);
    return store;
  }

  /** The compiled policy to decide with; read it once per call, a reload may swap it. */
  get current(): EffectivePolicy {
    return this.policy;
  }

  /** Why the last reload failed, while the last good policy stays in force. */
  get lastError(): PolicyFileError | undefined {
    return this.error;
  }

  maskRules(): readonly MaskRule[] {
    return this.policy.policy.maskRules;
  }

  /** Re-reads the file now; resolves once this (or an already running) reload is done. */
  reload(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.reloadLoop().finally(() => (this.running = undefined));
    return this.running;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
    if (this.opts.file) unwatchFile(this.opts.file, this.onPoll);
  }

  private watch(file: string): void {
    // Watch the directory, not the file: editors save by renaming a new file over the old one,
    // which would leave a watch on the old inode silent.
    try {
      this.watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
        if (name === null || name.toString() === basename(file)) this.schedule();
      });
      this.watcher.on('error', (e) => {
        this.opts.log.log('warn', 'policy file watcher failed; polling only', { file, error: String(e) });
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (e) {
      this.opts.log.log('warn', 'cannot watch the policy file; polling only', { file, error: String(e) });
    }
    watchFile(file, { interval: this.opts.pollIntervalMs ?? 2000, persistent: false }, this.onPoll);
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, this.opts.debounceMs ?? 150);
    this.timer.unref();
  }

  private async reloadLoop(): Promise<void> {
    do {
      this.again = false;
      await this.reloadOnce();
    } while (this.again && !this.closed);
  }

  private async reloadOnce(): Promise<void> {
    const file = this.opts.file;
    if (file === undefined || this.closed) return;
    let outcome: ReloadOutcome;
    let seen: string | undefined;
    try {
      const text = await readFile(file, 'utf8').catch((e: unknown) => {
        const code = (e as NodeJS.ErrnoException).code;
        seen = code ?? 'unreadable';
        throw new PolicyFileError(
          'PolicyFileUnreadable',
          file,
          undefined,
          '',
          code === 'ENOENT'
            ? 'the policy file is gone'
            : `cannot read the policy file: ${(e as Error).message}`,
        );
      });
      const sha = sha256Hex(text);
      seen = sha;
      const cur = this.policy.source;
      if (cur.kind === 'file' && cur.sha256 === sha && this.error === undefined) return;
      if (sha === this.refused) return;
      outcome = { ok: true, policy: loadPolicyText(text, file) };
    } catch (e) {
      if (!(e instanceof PolicyFileError)) throw e;
      if (seen !== undefined && seen === this.refused) return;
      outcome = { ok: false, error: e };
    }
    if (this.closed) return;
    if (outcome.ok) {
      this.policy = outcome.policy;
      this.error = undefined;
      this.refused = undefined;
      this.opts.log.log('info', 'workspace policy reloaded', { file });
    } else {
      this.error = outcome.error;
      this.refused = seen;
      this.opts.log.log('error', 'workspace policy reload failed; keeping the last good policy', {
        file,
        error: outcome.error.message,
      });
    }
    this.opts.onReload?.(outcome);
  }
}
