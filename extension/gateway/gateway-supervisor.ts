import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ReadyLine, RefreshTokenLine } from '../../gateway/protocol';
import { parseRefreshTokenLine } from '../identity/refresh-token-secret';
import { GATEWAY_NODE_FLAGS } from '../../gateway/server/runtime-flags';
import { stopOrphanGateway } from './orphan-gateway';
import { StandInServer } from './standin-server';

export type GatewayState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'starting'; readonly attempt: number }
  | { readonly kind: 'running'; readonly port: number; readonly pid: number }
  | {
      readonly kind: 'restarting';
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | { readonly kind: 'failed'; readonly reason: string };

export interface SupervisorOptions {
  /** The runtime: VS Code's own (process.execPath), with ELECTRON_RUN_AS_NODE=1 in `env`. */
  readonly execPath: string;
  /** dist/gateway.js inside the installed extension. */
  readonly script: string;
  readonly dataDir: string;
  /** Flags after `gateway --data-dir DIR --port N`, computed afresh for every start. */
  readonly args: () => Promise<readonly string[]>;
  readonly env: NodeJS.ProcessEnv;
  /** Each line the gateway writes to stderr (its JSON log). */
  readonly onLogLine: (line: string) => void;
  readonly onState: (state: GatewayState) => void;
  /** A rotated refresh token the gateway reported after its ready line (`--report-refresh-tokens`). */
  readonly onRefreshToken?: (line: RefreshTokenLine) => void;
  readonly readyTimeoutMs?: number;
}

/** Exit code of a usage error (bad flag or setting): restarting cannot help. */
const USAGE_EXIT_CODE = 2;
/** A gateway that ran this long counts as healthy: the next crash starts the back-off afresh. */
const HEALTHY_AFTER_MS = 60_000;
const MAX_DELAY_MS = 30_000;

export function backoffDelay(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), MAX_DELAY_MS);
}

/**
 * Runs the gateway as a child process and keeps it running: reads its ready line, restarts it
 * with back-off when it dies (on the same port when it can, so terminals keep working), stops it
 * on request. Knows nothing of VS Code.
 */
export class GatewaySupervisor {
  private child: ChildProcess | undefined;
  private current: GatewayState = { kind: 'stopped' };
  private failures = 0;
  private lastPort: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private stderrTail: string[] = [];
  private reaped = false;
  private readonly standIn = new StandInServer();
  /** Opening and closing the stand-in, in order: a close must never overtake a pending open. */
  private standInOps: Promise<void> = Promise.resolve();

  constructor(private readonly opts: SupervisorOptions) {}

  get state(): GatewayState {
    return this.current;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopping = false;
    if (this.child || this.timer) return;
    void this.launch();
  }

  /** Stops the running gateway (if any) and starts a fresh one, forgetting past failures. */
  async restart(): Promise<void> {
    await this.stop();
    this.failures = 0;
    this.start();
  }

  /**
   * Stops the gateway; its port then answers AWS calls with an error naming Airlock (see
   * `StandInServer`) until it starts again or `dispose` is called.
   */
  async stop(): Promise<void> {
    await this.halt();
    this.holdPort();
  }

  /** Stops the gateway and frees its port (the extension is going away). */
  async dispose(): Promise<void> {
    await this.halt();
    await this.releasePort();
  }

  private async halt(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    this.child = undefined;
    this.setState({ kind: 'stopped' });
  }

  /**
   * While the gateway is not running, terminals' AWS calls still go to its port: answer them at
   * once with an error naming Airlock, rather than let SDKs retry a closed port for seconds.
   */
  private holdPort(): void {
    const port = this.lastPort;
    if (port === undefined) return;
    this.standInOps = this.standInOps.then(() =>
      this.standIn
        .open(port, { dataDir: this.opts.dataDir })
        .catch((e: unknown) =>
          this.opts.onLogLine(
            `Airlock: could not answer on port ${port} while the gateway is down (${(e as Error).message}); AWS calls from terminals fail without saying why until it runs.`,
          ),
        ),
    );
  }

  /** Whether the stand-in answers on the gateway's port, once pending opens and closes are done. */
  async holdsPort(): Promise<boolean> {
    await this.standInOps;
    return this.standIn.listening;
  }

  private releasePort(): Promise<void> {
    this.standInOps = this.standInOps.then(() => this.standIn.close());
    return this.standInOps;
  }

  private setState(state: GatewayState): void {
    this.current = state;
    this.opts.onState(state);
  }

  private async launch(): Promise<void> {
    const attempt = this.failures + 1;
    this.setState({ kind: 'starting', attempt });
    let extra: readonly string[];
    try {
      extra = await this.opts.args();
    } catch (e) {
      this.setState({ kind: 'failed', reason: (e as Error).message });
      return;
    }
    if (!this.reaped) {
      this.reaped = true;
      this.lastPort ??= await stopOrphanGateway(this.opts.dataDir, this.opts.onLogLine).catch(
        () => undefined,
      );
    }
    if (this.stopping) return;
    await this.releasePort();
    if (this.stopping) return;
    const port = this.lastPort ?? 0;
    const args = [
      ...GATEWAY_NODE_FLAGS,
      this.opts.script,
      'gateway',
      '--data-dir',
      this.opts.dataDir,
      '--port',
      String(port),
      ...extra,
    ];
    this.stderrTail = [];
    // stdin stays an open pipe: it closes when this process dies, whoever killed it.
    const child = spawn(this.opts.execPath, args, {
      env: this.opts.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    const startedAt = Date.now();
    let ready = false;

    createInterface({ input: child.stderr }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
      this.opts.onLogLine(line);
    });
    const readyTimer = setTimeout(() => {
      this.opts.onLogLine(
        `Airlock: the gateway printed no ready line within ${this.opts.readyTimeoutMs ?? 30_000} ms; stopping it.`,
      );
      child.kill('SIGKILL');
    }, this.opts.readyTimeoutMs ?? 30_000);
    let first = true;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!first) {
        // Never logged: a line after the ready line carries a refresh token.
        const token = parseRefreshTokenLine(line);
        if (token) this.opts.onRefreshToken?.(token);
        else this.opts.onLogLine('Airlock: the gateway wrote an unexpected line on stdout (not shown).');
        return;
      }
      first = false;
      clearTimeout(readyTimer);
      let parsed: Partial<ReadyLine>;
      try {
        parsed = JSON.parse(line) as Partial<ReadyLine>;
      } catch {
        parsed = {};
      }
      if (parsed.ready !== true || typeof parsed.port !== 'number') {
        this.opts.onLogLine(`Airlock: unexpected first line from the gateway: ${line}`);
        child.kill('SIGKILL');
        return;
      }
      ready = true;
      this.lastPort = parsed.port;
      this.setState({ kind: 'running', port: parsed.port, pid: child.pid ?? -1 });
    });
    child.on('error', (e) => this.opts.onLogLine(`Airlock: could not run the gateway: ${e.message}`));
    child.on('exit', (code, signal) => {
      clearTimeout(readyTimer);
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const tail = this.stderrTail.slice(-3).join('\n');
      const portTaken = !ready && /already in use/i.test(tail);
      if (!ready && !portTaken && (code === USAGE_EXIT_CODE || refusedToStart(tail))) {
        this.setState({ kind: 'failed', reason: `The gateway refused to start: ${lastMessage(tail)}` });
        this.holdPort();
        return;
      }
      // A port taken meanwhile: the next attempt takes any free port (terminals go stale, and say so).
      if (portTaken) this.lastPort = undefined;
      this.holdPort();
      if (ready && Date.now() - startedAt > HEALTHY_AFTER_MS) this.failures = 0;
      this.failures++;
      const delayMs = backoffDelay(this.failures);
      this.setState({ kind: 'restarting', attempt: this.failures, delayMs, reason: `The gateway ${how}.` });
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.stopping) void this.launch();
      }, delayMs);
    });
  }
}

/**
 * The gateway said why it will not start (the CLI's own "airlock: ..." line, e.g. a refused policy
 * file) rather than crashing: starting it again without a change would only fail again.
 */
function refusedToStart(tail: string): boolean {
  const line =
    tail
      .split('\n')
      .filter((l) => l.trim())
      .pop() ?? '';
  return line.startsWith('airlock: ') && !line.startsWith('airlock: unexpected error');
}

/** The message of the gateway's last log line (JSON `msg`, or the CLI's plain "airlock: ..."). */
function lastMessage(tail: string): string {
  const line =
    tail
      .split('\n')
      .filter((l) => l.trim())
      .pop() ?? '(no output)';
  try {
    const j = JSON.parse(line) as { msg?: string; error?: string };
    return [j.msg, j.error].filter(Boolean).join(': ') || line;
  } catch {
    return line.replace(/^airlock:\s*/, '');
  }
}
