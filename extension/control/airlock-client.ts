import {
  type ApprovalInfo,
  CLIENT_HEADER,
  CONTROL_PREFIX,
  type ControlErrorBody,
  type DecideApprovalRequest,
  type DecideApprovalResponse,
  type EffectivePolicyResponse,
  type EndTaskResponse,
  type IdentityStatus,
  type ListApprovalsResponse,
  type ListTasksResponse,
  type StartTaskRequest,
  type StartTaskResponse,
  type TaskInfo,
} from '../../gateway/protocol';

/** What POST /tasks answers: the env to set, and the variables a task shell must not have. */
export interface StartedTask extends StartTaskResponse {
  readonly unset: readonly string[];
}

/** Stable codes: the gateway's ControlErrorCode, or why the gateway could not be asked at all. */
export type ClientErrorCode =
  ControlErrorBody['error']['code'] | 'Unreachable' | 'Unsupported' | 'BadResponse';

export class AirlockClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AirlockClientError';
  }
}

/**
 * The extension's client of the gateway's control API (gateway/protocol.ts is the contract). It
 * knows the port from the ready line and the token from the data dir, so it needs no gateway.json.
 */
export class AirlockClient {
  readonly base: string;

  constructor(
    readonly port: number,
    private readonly token: string,
    /** How this client names itself (CLIENT_HEADER): recorded with every decision it makes. */
    private readonly clientName = 'airlock-vscode',
  ) {
    this.base = `http://127.0.0.1:${port}${CONTROL_PREFIX}`;
  }

  get authorization(): string {
    return `Bearer ${this.token}`;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: {
          authorization: this.authorization,
          'content-type': 'application/json',
          [CLIENT_HEADER]: this.clientName,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      throw new AirlockClientError(
        'Unreachable',
        `The Airlock gateway does not answer (${(e as Error).message}).`,
      );
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new AirlockClientError(
        'BadResponse',
        `The gateway answered ${method} ${path} with something other than JSON.`,
        res.status,
      );
    }
    if (!res.ok) {
      const err = (json as Partial<ControlErrorBody>).error;
      // An endpoint this gateway version does not have: a 404 without one of its own error codes,
      // or its generic "No such control endpoint".
      if (res.status === 404 && (!err || /no such control endpoint/i.test(err.message)))
        throw new AirlockClientError('Unsupported', `This gateway version has no ${method} ${path}.`, 404);
      throw new AirlockClientError(err?.code ?? 'Internal', err?.message ?? `HTTP ${res.status}`, res.status);
    }
    return json as T;
  }

  async health(): Promise<boolean> {
    const r = await this.call<{ ok?: boolean }>('GET', '/health');
    return r.ok === true;
  }

  async listTasks(): Promise<readonly TaskInfo[]> {
    return (await this.call<ListTasksResponse>('GET', '/tasks')).tasks;
  }

  async startTask(req: StartTaskRequest): Promise<StartedTask> {
    const r = await this.call<StartTaskResponse & { unset?: readonly string[] }>('POST', '/tasks', req);
    return { ...r, unset: r.unset ?? [] };
  }

  async endTask(taskId: string): Promise<TaskInfo> {
    return (await this.call<EndTaskResponse>('POST', `/tasks/${encodeURIComponent(taskId)}/end`)).task;
  }

  async policy(): Promise<EffectivePolicyResponse> {
    return this.call<EffectivePolicyResponse>('GET', '/policy');
  }

  async listApprovals(): Promise<readonly ApprovalInfo[]> {
    return (await this.call<ListApprovalsResponse>('GET', '/approvals')).approvals;
  }

  async identity(): Promise<IdentityStatus> {
    return this.call<IdentityStatus>('GET', '/identity');
  }

  /** Hands the gateway the refresh token from SecretStorage; it is held in the gateway's memory only. */
  async signIn(refreshToken: string): Promise<IdentityStatus> {
    return this.call<IdentityStatus>('POST', '/identity/sign-in', { refreshToken });
  }

  async signOut(): Promise<IdentityStatus> {
    return this.call<IdentityStatus>('POST', '/identity/sign-out');
  }

  async decide(approvalId: string, req: DecideApprovalRequest): Promise<ApprovalInfo> {
    const path = `/approvals/${encodeURIComponent(approvalId)}/decide`;
    return (await this.call<DecideApprovalResponse>('POST', path, req)).approval;
  }
}
