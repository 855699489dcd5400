import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FakeAws, type FakeAwsOptions, startFakeAws } from '../../fakes/index';
import { type LooseEvent, readJournalEvents } from '../../support/journal';
import { startVsCode, type VsCodeServer } from './code-server';
import { ensureVsix } from './vsix';
import { Workbench } from './workbench';

export interface AirlockSessionOptions {
  /** Written to <workspace>/.airlock/policy.json before VS Code starts. */
  readonly policy?: unknown;
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Open VS Code on no folder at all (the extension then keeps its data in global storage). */
  readonly noFolder?: boolean;
  /**
   * OIDC mode: the fake's STS trusts this IdP, and the editor's environment has no AWS
   * credentials at all (the gateway has only what STS gives the signed-in user).
   */
  readonly webIdentity?: FakeAwsOptions['webIdentity'];
}

interface StoredTask {
  readonly taskId: string;
  readonly name: string;
  readonly endedAt?: string;
}

/** Polls `probe` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    await sleep(250);
  }
  throw new Error(
    `timed out waiting for ${what}${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})` : ''}`,
  );
}

/**
 * A real VS Code with the packaged Airlock extension, a workspace folder, and the verifying fake
 * AWS as the gateway's upstream (its credentials are the "real" ones in the editor's environment).
 */
export class AirlockSession {
  private constructor(
    readonly fake: FakeAws,
    readonly server: VsCodeServer,
    readonly workbench: Workbench,
    readonly workspace: string,
    private readonly scratch: string,
  ) {}

  static async start(opts: AirlockSessionOptions = {}): Promise<AirlockSession> {
    const vsix = await ensureVsix();
    const scratch = await mkdtemp(join(tmpdir(), 'airlock-e2e-'));
    const workspace = join(scratch, 'project');
    await mkdir(workspace, { recursive: true });
    if (opts.policy !== undefined) {
      await mkdir(join(workspace, '.airlock'), { recursive: true });
      await writeFile(join(workspace, '.airlock', 'policy.json'), JSON.stringify(opts.policy, null, 2));
    }
    const fake = await startFakeAws(opts.webIdentity ? { webIdentity: opts.webIdentity } : {});
    let server: VsCodeServer | undefined;
    try {
      server = await startVsCode({
        vsix: [vsix],
        workspace: opts.noFolder ? undefined : workspace,
        settings: {
          'airlock.gateway.upstreamUrl': fake.url,
          'airlock.gateway.accountId': fake.accountId,
          'airlock.aws.region': 'us-east-1',
          ...opts.settings,
        },
        env: opts.webIdentity
          ? {}
          : {
              AWS_ACCESS_KEY_ID: fake.credentials.accessKeyId,
              AWS_SECRET_ACCESS_KEY: fake.credentials.secretAccessKey,
            },
      });
      const workbench = await Workbench.open(server, opts.noFolder ? undefined : workspace);
      return new AirlockSession(fake, server, workbench, workspace, scratch);
    } catch (e) {
      await server?.stop();
      await fake.close();
      await rm(scratch, { recursive: true, force: true });
      throw e;
    }
  }

  async stop(): Promise<void> {
    await this.workbench.close().catch(() => undefined);
    await this.server.stop();
    await this.fake.close();
    await rm(this.scratch, { recursive: true, force: true });
  }

  /**
   * The gateway's data dir, found by its files: `<workspace storage>/airlock-dev.airlock/gateway`,
   * or under global storage when no folder is open.
   */
  async dataDir(): Promise<string> {
    return eventually('the gateway data dir', async () => {
      const user = join(this.server.userDataDir, 'User');
      const root = join(user, 'workspaceStorage');
      const candidates = (await readdir(root).catch(() => [])).map((ws) =>
        join(root, ws, 'airlock-dev.airlock', 'gateway'),
      );
      candidates.push(join(user, 'globalStorage', 'airlock-dev.airlock', 'gateway'));
      return candidates.find((dir) => existsSync(join(dir, 'control-token')));
    });
  }

  /** The extension's log (its output channel, with the gateway's own log lines), for failure messages. */
  async extensionLog(): Promise<string> {
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const path = join(dir, e.name);
        if (e.isDirectory()) await walk(path);
        else if (/^\d*-?Airlock\.log$/.test(e.name)) found.push(path);
      }
    };
    await walk(join(this.server.userDataDir, 'logs'));
    const texts = await Promise.all(found.map((f) => readFile(f, 'utf8').catch(() => '')));
    return texts.join('\n');
  }

  /** A terminal command's output plus the end of the extension's log: what a failure message needs. */
  async explain(r: { code: number; output: string }): Promise<string> {
    const log = (await this.extensionLog()).split('\n').slice(-25).join('\n');
    return `exit ${r.code}: ${r.output}\n--- Airlock log (end) ---\n${log}`;
  }

  /** The running gateway's pid and port, from its gateway.json. */
  async gatewayInfo(): Promise<{ pid: number; port: number }> {
    const file = join(await this.dataDir(), 'gateway.json');
    return JSON.parse(await readFile(file, 'utf8')) as { pid: number; port: number };
  }

  async tasks(): Promise<StoredTask[]> {
    const text = await readFile(join(await this.dataDir(), 'tasks.json'), 'utf8').catch(() => '{"tasks":[]}');
    return (JSON.parse(text) as { tasks: StoredTask[] }).tasks;
  }

  /** The active task named `name` (waits for it to exist). */
  async taskNamed(name: string | RegExp): Promise<StoredTask> {
    return eventually(`task ${String(name)}`, async () =>
      (await this.tasks()).find(
        (t) => !t.endedAt && (typeof name === 'string' ? t.name === name : name.test(t.name)),
      ),
    );
  }

  async journal(taskId: string): Promise<LooseEvent[]> {
    return readJournalEvents(await this.dataDir(), taskId);
  }

  /**
   * Types `command` into the active terminal, its output and exit code going to files, and
   * resolves once it is typed; `done` resolves when it has finished. Reading files, not the
   * screen, keeps the check exact.
   */
  async startInTerminal(
    command: string,
    timeoutMs = 90_000,
  ): Promise<{ done: Promise<{ code: number; output: string }> }> {
    const id = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const out = join(this.scratch, `cmd-${id}.out`);
    const rc = join(this.scratch, `cmd-${id}.rc`);
    await this.workbench.waitForTerminalPrompt();
    await this.workbench.typeInTerminal(`${command} > ${out} 2>&1; echo $? > ${rc}`);
    const done = eventually(
      `"${command}" to finish in the terminal`,
      async () => {
        const text = await readFile(rc, 'utf8').catch(() => '');
        return text.trim() === '' ? undefined : Number(text.trim());
      },
      timeoutMs,
    ).then(async (code) => ({ code, output: await readFile(out, 'utf8') }));
    // Callers may fail before awaiting it; the rejection is theirs to see, not an unhandled one.
    done.catch(() => undefined);
    return { done };
  }

  async runInTerminal(command: string, timeoutMs = 90_000): Promise<{ code: number; output: string }> {
    return (await this.startInTerminal(command, timeoutMs)).done;
  }

  /** Calls the gateway's control API as another client would (the CLI, the timeline). */
  async control<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: T }> {
    const dir = await this.dataDir();
    const token = (await readFile(join(dir, 'control-token'), 'utf8')).trim();
    const { port } = await this.gatewayInfo();
    const res = await fetch(`http://127.0.0.1:${port}/_airlock/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as T };
  }
}
