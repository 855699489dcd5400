import type { TaskInfo } from '../protocol';
import { pruneRecordings, type RetentionPolicy } from './retention';

/** How often the gateway applies retention while it runs (and once at start). */
export const RETENTION_INTERVAL_MS = 3_600_000;

export interface RetentionDeps {
  readonly dataDir: string;
  readonly policy: RetentionPolicy;
  readonly tasks: () => readonly TaskInfo[];
  readonly release: (taskId: string) => Promise<void>;
  /** The gateway's logger (structurally; this core does not import the server). */
  readonly log: {
    log(level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>): void;
  };
}

/** Runs retention now and then hourly; a no-op when no limit is configured. */
export function startRetention(d: RetentionDeps): { stop(): void } {
  const limited = (d.policy.maxAgeDays ?? 0) > 0 || (d.policy.maxTotalBytes ?? 0) > 0;
  if (!limited) return { stop: () => undefined };
  const run = (): void => {
    pruneRecordings(d.dataDir, d.tasks(), d.policy, d.release).then(
      (r) => {
        if (r.removed.length > 0)
          d.log.log('info', 'retention pruned ended tasks', { removed: r.removed, freedBytes: r.freedBytes });
      },
      (e: unknown) => d.log.log('warn', 'retention failed', { error: String(e) }),
    );
  };
  run();
  const timer = setInterval(run, RETENTION_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
