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
