import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { IdentityStatus, RefreshTokenLine, TaskInfo, TaskSessionInfo } from '../protocol';
import type { Logger } from '../server/logger';
import { realCredentials } from '../upstream/credentials';
import { GatewayError } from '../errors/gateway-error';
import { StsError, type StsEndpoint } from '../upstream/sts-client';
import type { IdentityClaims } from './identity-claims';
import type { OidcConfig } from './oidc-config';
import { OidcSession, type RefreshTokenStore } from './oidc-session';
import { readRefreshToken, removeRefreshToken, writeRefreshToken } from './refresh-token-file';
import { TaskSessions } from './task-sessions';

/**
 * Where the gateway's AWS credentials come from: a profile (the SDK chain), or OIDC (a signed-in
 * person's role session, and one STS session per task). The rest of the gateway sees only this.
 */
export interface IdentityMode {
  status(): IdentityStatus;
  /** The signed-in person (OIDC mode), stamped on tasks, approvals and recordings. */
  identity(): IdentityClaims | undefined;
  /** The gateway's own credentials (account lookup; profile mode: every call). */
  readonly credentials: AwsCredentialIdentityProvider;
  /** OIDC mode: a task's own session credentials, opened on first use when none is open. */
  readonly taskCredentials?: (task: TaskInfo) => Promise<AwsCredentialIdentity>;
  /** OIDC mode: opens the task's session at start (refusing a scope AWS could not enforce). */
  taskStarted(task: TaskInfo): Promise<TaskSessionInfo | undefined>;
  taskEnded(taskId: string): void;
  /** Signs in with the refresh token `airlock login` stored (CLI). */
  reload(): Promise<IdentityStatus>;
  /** Signs in with a refresh token given in memory (the extension's SecretStorage). */
  signIn(refreshToken: string): Promise<IdentityStatus>;
  signOut(): Promise<IdentityStatus>;
  close(): void;
}

export interface IdentityModeOptions {
  readonly profile?: string;
  readonly oidc?: OidcConfig;
  readonly dataDir: string;
  readonly sts: StsEndpoint;
  readonly region: string;
  readonly log: Logger;
  readonly onChange: (status: IdentityStatus) => void;
  /** Records that AWS issued a task (new) session credentials. */
  readonly sessionIssued: (taskId: string, info: TaskSessionInfo) => Promise<void>;
  /** Where rotated refresh tokens of an in-memory sign-in go (none: they are kept in memory only). */
  readonly reportRefreshToken?: (line: RefreshTokenLine) => void;
}

/** How identity changes reach the rest of the gateway: live events, the task's journal and tasks.json. */
export function identityRecorder(
  journal: {
    record(
      taskId: string,
      e: [{ type: 'task.session'; data: TaskSessionInfo & { taskId: string } }],
    ): Promise<unknown>;
  },
  tasks: { setSession(taskId: string, info: TaskSessionInfo): Promise<void> },
  events: { publish(e: { type: 'identity.changed'; status: IdentityStatus }): void },
  children: { clear(): void },
): Pick<IdentityModeOptions, 'onChange' | 'sessionIssued'> {
  return {
    onChange: (status) => {
      // Roles agents assumed go with the sign-in too (profile mode never signs out).
      if (status.state !== 'signed-in') children.clear();
      events.publish({ type: 'identity.changed', status });
    },
    sessionIssued: async (taskId, info) => {
      await journal.record(taskId, [{ type: 'task.session', data: { taskId, ...info } }]);
      await tasks.setSession(taskId, info);
    },
  };
}

export function profileMode(profile: string | undefined): IdentityMode {
  return {
    status: () => ({ mode: 'profile', state: 'profile' }),
    identity: () => undefined,
    credentials: realCredentials(profile),
    taskStarted: () => Promise.resolve(undefined),
    taskEnded: () => undefined,
    reload: () => Promise.resolve({ mode: 'profile', state: 'profile' }),
    signIn: () => Promise.resolve({ mode: 'profile', state: 'profile' }),
    signOut: () => Promise.resolve({ mode: 'profile', state: 'profile' }),
    close: () => undefined,
  };
}

/** The CLI's store: the 0600 file in the data dir, for this issuer and client only. */
function fileStore(dataDir: string, oidc: OidcConfig): RefreshTokenStore {
  return {
    async load() {
      const t = await readRefreshToken(dataDir);
      return t && t.issuer === oidc.issuer && t.clientId === oidc.clientId ? t.refreshToken : undefined;
    },
    save: (refreshToken) =>
      writeRefreshToken(dataDir, { issuer: oidc.issuer, clientId: oidc.clientId, refreshToken }),
    clear: () => removeRefreshToken(dataDir),
  };
}

export async function startIdentityMode(o: IdentityModeOptions): Promise<IdentityMode> {
  const oidc = o.oidc;
  if (!oidc) return profileMode(o.profile);
  const file = fileStore(o.dataDir, oidc);
  // A sign-in from the extension stays in memory: its keychain is SecretStorage, not the data dir.
  // The IdP may rotate the token at every refresh (spending the old one): the extension is told
  // the new one, or its next sign-in (a restarted gateway) would present a spent token.
  let inMemory = false;
  const report = (refreshToken: string): Promise<void> => {
    o.reportRefreshToken?.({ refreshToken, issuer: oidc.issuer, clientId: oidc.clientId });
    return Promise.resolve();
  };
  const store: RefreshTokenStore = {
    load: () => file.load(),
    save: (t) => (inMemory ? report(t) : file.save(t)),
    clear: () => file.clear(),
  };
  let sessions: TaskSessions | undefined = undefined;
  let lastSubject: string | undefined;
  const session = new OidcSession({
    settings: oidc,
    sts: o.sts,
    store,
    log: o.log,
    onChange: (status) => {
      // Signed out, failed, or someone else signed in: task sessions go with the person's (the
      // next call opens a new one naming whoever is signed in now).
      const subject = status.state === 'signed-in' ? status.identity?.subject : undefined;
      if (subject === undefined || subject !== lastSubject) sessions?.clear();
      lastSubject = subject;
      o.onChange(status);
    },
  });
  sessions = new TaskSessions({
    roleArn: oidc.roleArn,
    sts: o.sts,
    region: o.region,
    base: () => session.credentials(),
    issued: o.sessionIssued,
  });
  const tasks = sessions;
  await session.start();
  return {
    status: () => session.status(),
    identity: () => session.identity(),
    credentials: () => session.credentials(),
    async taskCredentials(task) {
      try {
        if (!tasks.has(task.taskId)) {
          // Signed out: this throws the AWS-shaped "sign in again" refusal.
          await session.credentials();
          const who = session.identity();
          if (who) await tasks.start(task, who);
        }
        return await tasks.credentials(task.taskId);
      } catch (e) {
        if (!(e instanceof StsError)) throw e;
        throw new GatewayError(
          'CredentialsUnavailable',
          `AWS refused this task's session (${e.message}); the call was not sent. Check the role's trust policy, or end the task and start a new one.`,
        );
      }
    },
    async taskStarted(task) {
      const who = session.identity();
      // Signed out: the task starts, and its calls are refused until the user signs in.
      if (!who) return undefined;
      return tasks.start(task, who);
    },
    taskEnded: (taskId) => tasks.end(taskId),
    async reload() {
      const t = await file.load();
      if (!t) {
        await session.signOut();
        return session.status();
      }
      inMemory = false;
      return session.signIn(t);
    },
    signIn(refreshToken) {
      inMemory = true;
      return session.signIn(refreshToken);
    },
    async signOut() {
      await session.signOut();
      return session.status();
    },
    close: () => session.close(),
  };
}
