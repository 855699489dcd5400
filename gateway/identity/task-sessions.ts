import type { AwsCredentialIdentity } from '@smithy/types';
import { GatewayError } from '../errors/gateway-error';
import type { TaskSessionInfo } from '../protocol';
import { assumeRole, type SessionCredentials, type StsEndpoint } from '../upstream/sts-client';
import { sourceIdentity, type IdentityClaims } from './identity-claims';
import { roleSessionNameFor, sessionPolicyFor } from './session-policy';

export interface TaskSessionsOptions {
  readonly roleArn: string;
  readonly sts: StsEndpoint;
  readonly region: string;
  /** The signed-in user's credentials (AssumeRoleWithWebIdentity), which every task session comes from. */
  readonly base: () => Promise<AwsCredentialIdentity>;
  /** Told each time AWS issues a task new credentials (the recording keeps the key id). */
  readonly issued: (taskId: string, info: TaskSessionInfo) => Promise<void>;
}

interface Open {
  readonly params: Parameters<typeof assumeRole>[2];
  info: TaskSessionInfo;
  credentials: SessionCredentials;
  renewing?: Promise<SessionCredentials>;
}

/** Role chaining caps a session at one hour; renewed when less than this is left. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * One STS session per task (AssumeRole from the signed-in user's role session): the task scope as
 * session policy, SourceIdentity the person, RoleSessionName the task, tags task and agent. Held
 * only in memory; renewed before expiry; dropped when the task ends or the user signs out.
 */
export class TaskSessions {
  private readonly open = new Map<string, Open>();

  constructor(private readonly opts: TaskSessionsOptions) {}

  /** Opens a task's session; throws a clear GatewayError when its scope cannot be a session policy. */
  async start(
    task: { taskId: string; agent?: string; scope?: unknown },
    who: IdentityClaims,
  ): Promise<TaskSessionInfo> {
    const policy = sessionPolicyFor(task.scope);
    if (policy.kind === 'too-large')
      throw new GatewayError(
        'InvalidArgument',
        `the task scope is ${policy.chars} characters as JSON; AWS accepts at most 2048 for a session policy, so AWS could not enforce it. Shorten the scope (wildcards, fewer statements) and start the task again.`,
      );
    const params = {
      roleArn: this.opts.roleArn,
      roleSessionName: roleSessionNameFor(task.taskId),
      policy: policy.kind === 'policy' ? policy.json : undefined,
      sourceIdentity: sourceIdentity(who),
      tags: [
        { key: 'airlock:task', value: task.taskId },
        ...(task.agent
          ? [
              {
                key: 'airlock:agent',
                value: task.agent.replace(/[^\p{L}\p{N}\s_.:/=+\-@]/gu, '-').slice(0, 256),
              },
            ]
          : []),
      ],
    };
    const credentials = await this.assume(params);
    const info: TaskSessionInfo = {
      roleArn: params.roleArn,
      roleSessionName: params.roleSessionName,
      sourceIdentity: params.sourceIdentity,
      accessKeyIds: [credentials.accessKeyId],
      sessionPolicy: policy.kind === 'policy',
      region: this.opts.region,
    };
    this.open.set(task.taskId, { params, info, credentials });
    await this.opts.issued(task.taskId, info);
    return info;
  }

  has(taskId: string): boolean {
    return this.open.has(taskId);
  }

  /** The task's own credentials, renewed first when close to expiry. */
  async credentials(taskId: string): Promise<AwsCredentialIdentity> {
    const o = this.open.get(taskId);
    if (!o)
      throw new GatewayError(
        'SignedOut',
        'signed out of Airlock: this task has no AWS session (it was started before sign-in, or you signed out). Sign in again and start a new task.',
      );
    if (o.credentials.expiration.getTime() - Date.now() > RENEW_BEFORE_MS) return o.credentials;
    o.renewing ??= this.assume(o.params)
      .then(async (c) => {
        o.credentials = c;
        o.info = { ...o.info, accessKeyIds: [...o.info.accessKeyIds, c.accessKeyId] };
        await this.opts.issued(taskId, o.info);
        return c;
      })
      .finally(() => (o.renewing = undefined));
    return o.renewing;
  }

  end(taskId: string): void {
    this.open.delete(taskId);
  }

  /** Sign-out: every task's credentials go at once. */
  clear(): void {
    this.open.clear();
  }

  private async assume(params: Open['params']): Promise<SessionCredentials> {
    return assumeRole(this.opts.sts, await this.opts.base(), params);
  }
}
