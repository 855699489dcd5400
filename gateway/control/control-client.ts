import { readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  CLIENT_HEADER,
  CONTROL_PREFIX,
  type ControlErrorBody,
  type DecideApprovalRequest,
  type DecideApprovalResponse,
  type EffectivePolicyResponse,
  type IdentityStatus,
  type ListApprovalsResponse,
  type EndTaskResponse,
  type ListTasksResponse,
  type StartTaskRequest,
  type StartTaskResponse,
} from '../protocol';
import { CONTROL_TOKEN_FILE, readGatewayInfo } from '../server/data-dir';

export class ControlClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlClientError';
  }
}

function ttyName(): string {
  if (!process.stdin.isTTY) return 'none';
  try {
    return readlinkSync('/proc/self/fd/0');
  } catch {
    return 'yes';
  }
}

/**
 * How the CLI names itself to the gateway (CLIENT_HEADER), recorded with its decisions: the
 * command, its process and parent, its terminal (`none` when run without one, as an agent's
 * tool call would be), and the OS user.
 */
export function cliClientName(command: string): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (containers): the uid still names the user.
    user = `uid ${process.getuid?.() ?? '?'}`;
  }
  return `airlock-cli ${command} pid=${process.pid} ppid=${process.ppid} tty=${ttyName()} user=${user}`;
}

/** A typed client of the gateway's control API, found through its data directory. */
export class ControlClient {
  private constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly clientName: string,
  ) {}

  static async fromDataDir(dataDir: string, clientName = cliClientName('cli')): Promise<ControlClient> {
    const info = await readGatewayInfo(dataDir);
    const token = await readFile(join(dataDir, CONTROL_TOKEN_FILE), 'utf8').catch(() => undefined);
    if (!info || token === undefined)
      throw new ControlClientError(
        'GatewayNotRunning',
        `No Airlock gateway is running for ${dataDir}. Start one with: airlock gateway --data-dir ${dataDir}`,
      );
    const host = info.host === '0.0.0.0' || info.host === '::' ? '127.0.0.1' : info.host;
    return new ControlClient(
      `http://${host.includes(':') ? `[${host}]` : host}:${info.port}${CONTROL_PREFIX}`,
      token.trim(),
      clientName,
    );
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          'content-type': 'application/json',
          [CLIENT_HEADER]: this.clientName,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new ControlClientError(
        'GatewayUnreachable',
        `The Airlock gateway does not answer at ${this.base} (${e instanceof Error ? e.message : String(e)}). Is it still running?`,
      );
    }
    const json = (await res.json().catch(() => ({}))) as T | ControlErrorBody;
    if (!res.ok) {
      const err = (json as ControlErrorBody).error;
      throw new ControlClientError(err?.code ?? 'Internal', err?.message ?? `HTTP ${res.status}`);
    }
    return json as T;
  }

  startTask(req: StartTaskRequest): Promise<StartTaskResponse> {
    return this.call('POST', '/tasks', req);
  }

  endTask(taskId: string): Promise<EndTaskResponse> {
    return this.call('POST', `/tasks/${encodeURIComponent(taskId)}/end`);
  }

  listTasks(): Promise<ListTasksResponse> {
    return this.call('GET', '/tasks');
  }

  listApprovals(): Promise<ListApprovalsResponse> {
    return this.call('GET', '/approvals');
  }

  decideApproval(approvalId: string, req: DecideApprovalRequest): Promise<DecideApprovalResponse> {
    return this.call('POST', `/approvals/${encodeURIComponent(approvalId)}/decide`, req);
  }

  policy(timeoutMs?: number): Promise<EffectivePolicyResponse> {
    return this.call('GET', '/policy', undefined, timeoutMs);
  }

  identity(): Promise<IdentityStatus> {
    return this.call('GET', '/identity');
  }

  reloadIdentity(): Promise<IdentityStatus> {
    return this.call('POST', '/identity/reload');
  }

  signIn(refreshToken: string): Promise<IdentityStatus> {
    return this.call('POST', '/identity/sign-in', { refreshToken });
  }

  signOut(): Promise<IdentityStatus> {
    return this.call('POST', '/identity/sign-out');
  }
}
