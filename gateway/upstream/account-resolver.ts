import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { UNKNOWN_ACCOUNT } from '../aws/unknown-account';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../server/logger';

/**
 * Where the account in a call's resource ARNs came from: learned from the credentials the call
 * is forwarded with (STS GetCallerIdentity), the configured --account-id (when the lookup
 * failed), or nowhere yet (ARNs carry UNKNOWN_ACCOUNT and account rules err closed).
 */
export type AccountSource = 'credentials' | 'configured' | 'unknown';

export interface AccountView {
  /** A 12-digit account id, or UNKNOWN_ACCOUNT. */
  readonly id: string;
  readonly source: AccountSource;
}

export interface AccountResolverOptions {
  readonly credentials: AwsCredentialIdentityProvider;
  /** Which account these credentials belong to (STS GetCallerIdentity); rejects when it cannot say. */
  readonly lookup: (credentials: AwsCredentialIdentity) => Promise<string>;
  /** --account-id / airlock.gateway.accountId: what the user expects. */
  readonly configured?: string;
  readonly log: Logger;
  /** How long a call waits for a lookup in flight before it is decided without the account. */
  readonly waitMs?: number;
  /** After a failed lookup, how long calls go without asking again (for the same credentials). */
  readonly retryMs?: number;
  readonly now?: () => number;
}

export const DEFAULT_ACCOUNT_WAIT_MS = 3_000;
export const DEFAULT_ACCOUNT_RETRY_MS = 30_000;

/**
 * The account of the gateway's real credentials, learned once per access key id and cached:
 * at start, and again whenever the credentials the provider hands out change (a refresh, a new
 * SSO login, another profile), since the call is then forwarded into whatever account those
 * belong to. A call never runs on an account learned for other credentials.
 */
export class AccountResolver {
  private learned: { readonly keyId: string; readonly account: string } | undefined;
  private pending: { readonly keyId: string; readonly done: Promise<void> } | undefined;
  private failed: { readonly keyId: string; readonly at: number } | undefined;
  private readonly waitMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;

  constructor(private readonly o: AccountResolverOptions) {
    this.waitMs = o.waitMs ?? DEFAULT_ACCOUNT_WAIT_MS;
    this.retryMs = o.retryMs ?? DEFAULT_ACCOUNT_RETRY_MS;
    this.now = o.now ?? Date.now;
  }

  /**
   * The account a call about to be forwarded belongs to. Waits (at most waitMs) for a lookup of
   * the current credentials; without an answer it is the configured id, else UNKNOWN_ACCOUNT.
   * Throws AccountMismatch when the credentials belong to another account than the configured one.
   */
  async forCall(): Promise<AccountView> {
    let creds: AwsCredentialIdentity;
    try {
      creds = await this.o.credentials();
    } catch {
      // No credentials: nothing can be forwarded, and re-signing says why.
      return this.fallback();
    }
    const keyId = creds.accessKeyId;
    if (this.learned?.keyId !== keyId) {
      const lookup = this.lookupFor(creds);
      if (lookup) await waitAtMost(lookup, this.waitMs);
    }
    const learned = this.learned;
    if (learned?.keyId !== keyId) return this.fallback();
    const configured = this.o.configured;
    if (configured !== undefined && configured !== learned.account) {
      throw new GatewayError(
        'AccountMismatch',
        `Airlock's AWS credentials belong to account ${learned.account}, but the gateway was started for account ` +
          `${configured} (--account-id / airlock.gateway.accountId), so it forwards nothing: the policy may name the ` +
          'wrong account. Fix the account id or the credentials (profile) and retry.',
      );
    }
    return { id: learned.account, source: 'credentials' };
  }

  /** The first lookup, at start; resolves within waitMs whatever happens. */
  async start(): Promise<AccountView | undefined> {
    try {
      return await this.forCall();
    } catch {
      return undefined;
    }
  }

  private fallback(): AccountView {
    const configured = this.o.configured;
    return configured !== undefined
      ? { id: configured, source: 'configured' }
      : { id: UNKNOWN_ACCOUNT, source: 'unknown' };
  }

  /** The lookup for these credentials: the one in flight, a new one, or none while backing off. */
  private lookupFor(creds: AwsCredentialIdentity): Promise<void> | undefined {
    const keyId = creds.accessKeyId;
    if (this.pending?.keyId === keyId) return this.pending.done;
    if (this.failed?.keyId === keyId && this.now() - this.failed.at < this.retryMs) return undefined;
    const done = this.o.lookup(creds).then(
      (account) => {
        this.learned = { keyId, account };
        this.failed = undefined;
        const configured = this.o.configured;
        if (configured !== undefined && configured !== account)
          this.o.log.log(
            'error',
            'the AWS credentials belong to another account than --account-id; refusing calls',
            {
              account,
              configured,
            },
          );
        else this.o.log.log('info', 'AWS account learned from the credentials', { account, source: 'sts' });
      },
      (e: unknown) => {
        this.failed = { keyId, at: this.now() };
        this.o.log.log('warn', 'could not learn the AWS account of the credentials', {
          reason: e instanceof Error ? e.message : String(e),
          using: this.o.configured ?? 'unknown: rules naming an account apply as if they matched',
        });
      },
    );
    const tracked = done.finally(() => {
      if (this.pending?.done === tracked) this.pending = undefined;
    });
    this.pending = { keyId, done: tracked };
    return tracked;
  }
}

function waitAtMost(p: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void p.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
