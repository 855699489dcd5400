import { randomBytes } from 'node:crypto';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { EventBody } from '../journal/events';
import type { Logger } from '../server/logger';
import { deriveTaskSecret, newAccessKeyId } from '../tasks/task-keys';

/** A role session the agent assumed through the gateway: the real credentials stay here. */
export interface ChildSession {
  readonly parentTaskId: string;
  /** The derived key the agent got instead of AWS's. */
  readonly accessKeyId: string;
  /** The opaque token the agent got; its requests must carry it. */
  readonly sessionToken: string;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  readonly expiration: Date;
  /** What AWS issued: only the gateway signs with it. */
  readonly credentials: AwsCredentialIdentity;
}

export type ChildLookup =
  | { readonly kind: 'active'; readonly child: ChildSession; readonly secret: string }
  | { readonly kind: 'expired'; readonly child: ChildSession }
  | { readonly kind: 'unknown' };

/**
 * Journals a child session in its parent task. Not awaited by the answer that carries the key:
 * the call's own response event, recorded after it, is what the agent waits for.
 */
export function recordChild(
  journal: { record(taskId: string, e: EventBody[]): Promise<unknown> },
  c: ChildSession,
  log: Logger,
): void {
  journal
    .record(c.parentTaskId, [
      {
        type: 'task.child',
        data: {
          taskId: c.parentTaskId,
          accessKeyId: c.accessKeyId,
          awsAccessKeyId: c.credentials.accessKeyId,
          roleArn: c.roleArn,
          roleSessionName: c.roleSessionName,
          expiresAt: c.expiration.toISOString(),
        },
      },
    ])
    .catch((e: unknown) =>
      log.log('error', 'could not record an assumed role session', { error: String(e) }),
    );
}

/**
 * Role sessions agents open with sts:AssumeRole through the gateway. The agent gets a derived task
 * key (same shape as a task's, secret = HMAC of the master key) bound to the session and expiring
 * with it; AWS's credentials never leave the gateway's memory, so every call made with the role
 * still passes the checkpoint and is recorded in the parent task.
 */
export class ChildSessions {
  private readonly byKey = new Map<string, ChildSession>();

  constructor(private readonly masterKey: Buffer) {}

  issue(
    parentTaskId: string,
    real: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration: Date },
    role: { roleArn?: string; roleSessionName?: string },
  ): { child: ChildSession; secret: string } {
    this.prune();
    const accessKeyId = newAccessKeyId();
    const child: ChildSession = {
      parentTaskId,
      accessKeyId,
      sessionToken: `airlock-child-${randomBytes(24).toString('base64url')}`,
      ...role,
      expiration: real.expiration,
      credentials: {
        accessKeyId: real.accessKeyId,
        secretAccessKey: real.secretAccessKey,
        ...(real.sessionToken ? { sessionToken: real.sessionToken } : {}),
      },
    };
    this.byKey.set(accessKeyId, child);
    return { child, secret: deriveTaskSecret(this.masterKey, accessKeyId) };
  }

  lookup(accessKeyId: string, now = Date.now()): ChildLookup {
    const child = this.byKey.get(accessKeyId);
    if (!child) return { kind: 'unknown' };
    if (child.expiration.getTime() <= now) return { kind: 'expired', child };
    return { kind: 'active', child, secret: deriveTaskSecret(this.masterKey, accessKeyId) };
  }

  /** Sign-out: every role session goes with the person's credentials. */
  clear(): void {
    this.byKey.clear();
  }

  /** The parent task ended: its role sessions end with it. */
  endTask(taskId: string): void {
    for (const [k, c] of this.byKey) if (c.parentTaskId === taskId) this.byKey.delete(k);
  }

  private prune(now = Date.now()): void {
    for (const [k, c] of this.byKey) if (c.expiration.getTime() <= now) this.byKey.delete(k);
  }
}
