import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CONTROL_PREFIX,
  type ControlErrorBody,
  type DecideApprovalRequest,
  type DecideApprovalResponse,
  type EffectivePolicyResponse,
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

/** A typed client of the gateway's control API, found through its data directory. */
export class ControlClient {
  private constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  static async fromDataDir(dataDir: string): Promise<ControlClient> {
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
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
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
}
