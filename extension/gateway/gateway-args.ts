/** The `airlock.*` settings that shape the gateway process. */
export interface GatewaySettings {
  readonly region: string;
  readonly profile: string;
  readonly upstreamUrl: string;
  readonly accountId: string;
  readonly approvalTimeoutSeconds: number | null;
  readonly retentionDays: number;
  /** Answers wait for their own record's fdatasync (`--sync-responses`). */
  readonly syncResponses?: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** `airlock.oidc.*`: with all three, OIDC mode (the profile is then not used). */
  readonly oidcIssuer?: string;
  readonly oidcClientId?: string;
  readonly oidcRoleArn?: string;
}

/** Whether the settings ask for OIDC mode (issuer, client id and role all given). */
export function oidcConfigured(s: GatewaySettings): boolean {
  return Boolean(s.oidcIssuer?.trim() && s.oidcClientId?.trim() && s.oidcRoleArn?.trim());
}

/**
 * Runtime flags the gateway is started with.
 * - A young generation of 2 MB semi-spaces instead of V8's default 16 MB: the gateway allocates
 *   many short-lived objects per call, and with the default the heap grows to its largest young
 *   generation under load and keeps it (RSS after the first call 85 MB instead of 91 MB).
 * - The old generation may grow by 60% between full collections instead of V8's own factor (up to
 *   4x for a fast-allocating process): under load the gateway's old space filled with garbage up
 *   to 85 MB around 50 MB live. Measured on a 2-vCPU VM, three runs each of 150,000 calls at 32
 *   connections then a 256 MiB S3 transfer: RSS under load 113-114 MB instead of 159-184, peak
 *   during the transfer 146-149 instead of 191-207, CPU per call 282-327 µs instead of 264-296,
 *   uploads through the gateway 670-690 MB/s instead of 1,070-1,200 (more collections while
 *   buffers stream). A 30% factor cut RSS by a further 8 MB for 10% more CPU per call.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--heap-growing-percent=60'];

/**
 * Flags for `airlock gateway` after `--data-dir` and `--port`. A flag is passed only when its
 * setting differs from the gateway's own default, so a gateway that predates a flag still starts
 * for users who never touched that setting.
 */
export function gatewayArgs(s: GatewaySettings, policyFile: string | undefined): string[] {
  const args: string[] = [];
  if (s.region.trim()) args.push('--region', s.region.trim());
  if (oidcConfigured(s))
    args.push(
      '--oidc-issuer',
      s.oidcIssuer!.trim(),
      '--oidc-client-id',
      s.oidcClientId!.trim(),
      '--oidc-role-arn',
      s.oidcRoleArn!.trim(),
      // The IdP may rotate refresh tokens: the gateway tells this process (its stdout is a pipe
      // only the extension reads), which keeps the new one in SecretStorage.
      '--report-refresh-tokens',
    );
  else if (s.profile.trim()) args.push('--profile', s.profile.trim());
  if (s.upstreamUrl.trim()) args.push('--upstream', s.upstreamUrl.trim());
  if (s.accountId.trim()) args.push('--account-id', s.accountId.trim());
  if (policyFile) args.push('--policy', policyFile);
  if (s.approvalTimeoutSeconds !== null && s.approvalTimeoutSeconds > 0)
    args.push('--approval-timeout', `${Math.round(s.approvalTimeoutSeconds)}s`);
  if (s.retentionDays > 0) args.push('--retention-days', String(s.retentionDays));
  if (s.syncResponses === true) args.push('--sync-responses');
  if (s.logLevel !== 'info') args.push('--log-level', s.logLevel);
  return args;
}

/** The gateway's environment: the editor's, run as plain Node (VS Code's runtime is Electron). */
export function gatewayEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ELECTRON_RUN_AS_NODE: '1' };
  // The extension host's own plumbing means nothing to the gateway.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_')) delete env[k];
  return env;
}
