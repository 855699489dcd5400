import type http from 'node:http';
import type { OidcConfig } from '../identity/oidc-config';
import type { WriteFaultHook } from '../journal/task-journal-options';
import type { RefreshTokenLine } from '../protocol';
import type { ProxyTimeouts } from '../proxy/proxy-front';
import type { RetentionPolicy } from '../recording/retention';
import type { Logger } from './logger';

export interface GatewayOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly region: string;
  readonly profile?: string;
  /** OIDC mode: credentials from the signed-in user's role session, never from a profile. */
  readonly oidc?: OidcConfig;
  /**
   * Hands the IdP's rotated refresh tokens of an in-memory sign-in (the extension's) back to
   * whoever gave it (`--report-refresh-tokens`: a stdout line to the launching extension).
   */
  readonly reportRefreshToken?: (line: RefreshTokenLine) => void;
  readonly upstream?: URL;
  readonly upstreamCaFile?: string;
  readonly accountId?: string;
  readonly log: Logger;
  readonly journalFault?: WriteFaultHook;
  /** Answers wait for their response event's fdatasync too (two durability points per call). */
  readonly syncResponses?: boolean;
  /** Prune recordings of ended tasks past this age or beyond this total size (none: keep all). */
  readonly retention?: RetentionPolicy;
  /** The workspace policy file (`.airlock/policy.json`); absent: the built-in default. */
  readonly policyFile?: string;
  /** Overrides the policy's approvalTimeoutSeconds. */
  readonly approvalTimeoutSeconds?: number;
  /** Proxy mode: refuse tunnels to non-AWS hosts instead of passing them through. */
  readonly noTunnel?: boolean;
  readonly proxyTimeouts?: Partial<ProxyTimeouts>;
  /** How long AWS may stay silent before a call fails (`--upstream-timeout`; default 16 min). */
  readonly upstreamTimeoutMs?: number;
  /** How long an agent connection may stay silent, unless its call is out at AWS (default 120 s). */
  readonly idleTimeoutMs?: number;
  /** Where the gateway's own corporate proxy is read from (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunningGateway {
  readonly port: number;
  readonly server: http.Server;
  close(): Promise<void>;
}
