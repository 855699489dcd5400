import { parseArgs } from 'node:util';
import { isRegion, regionProblem } from '../aws/region';
import { MAX_APPROVAL_TIMEOUT_SECONDS, PolicyFileError } from '../policy-file';
import type { ReadyLine, RefreshTokenLine } from '../protocol';
import { stderrLogger } from '../server/logger';
import { DataDirFileError } from '../storage/data-dir-error';
import { DataDirInUseError } from '../server/data-dir-lock';
import { startGateway } from '../server/start-gateway';
import { testJournalFault } from '../recording/test-fault';
import type { RetentionPolicy } from '../recording/retention';
import { parseDuration } from '../tasks/parse-duration';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { OIDC_FLAGS, oidcFromFlags } from './oidc-options';
import { stopRequest } from './stop-request';

function retentionFrom(days: string | undefined, mb: string | undefined): RetentionPolicy {
  const num = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0)
      throw new CliError(`${flag} must be a number of 0 or more, got ${v}`, 2);
    return n;
  };
  const maxMb = num(mb, '--retention-max-mb');
  return {
    maxAgeDays: num(days, '--retention-days'),
    maxTotalBytes: maxMb === undefined ? undefined : Math.floor(maxMb * 1024 * 1024),
  };
}

/** A rotated refresh token, to the process that launched the gateway with `--report-refresh-tokens`. */
function writeRefreshTokenLine(line: RefreshTokenLine): void {
  process.stdout.write(JSON.stringify(line) + '\n');
}

/**
 * `airlock gateway`: runs until SIGINT/SIGTERM/SIGHUP or its launcher's exit (stop-request.ts);
 * prints one ready line on stdout, and nothing more unless `--report-refresh-tokens` asks for
 * rotated refresh tokens there too.
 */
export async function runGatewayCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      region: { type: 'string' },
      profile: { type: 'string' },
      upstream: { type: 'string' },
      'upstream-ca': { type: 'string' },
      'account-id': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      // The workspace policy (.airlock/policy.json); the built-in default without it.
      policy: { type: 'string' },
      'approval-timeout': { type: 'string' },
      // Proxy mode: refuse CONNECT / plain-HTTP proxying to non-AWS hosts.
      'no-tunnel': { type: 'boolean', default: false },
      'report-refresh-tokens': { type: 'boolean', default: false },
      'proxy-handshake-timeout': { type: 'string' },
      'proxy-idle-timeout': { type: 'string' },
      // How long AWS may stay silent before a call fails; an agent connection silent outside a call.
      'upstream-timeout': { type: 'string' },
      'idle-timeout': { type: 'string' },
      // Retention of ended tasks' recordings: by age (days) and/or total size (MB); 0 or absent keeps all.
      'retention-days': { type: 'string' },
      'retention-max-mb': { type: 'string' },
      // Answers wait for their own record's fdatasync, as well as the request's (slower; see README).
      'sync-responses': { type: 'boolean', default: false },
      // OIDC mode: credentials from the signed-in user's role session instead of --profile.
      ...OIDC_FLAGS,
    },
    strict: true,
  });
  const oidc = await oidcFromFlags(values);
  if (oidc && values.profile !== undefined)
    throw new CliError(
      'give --profile or the --oidc-* settings, not both: they are two ways to get credentials',
      2,
    );
  const retention = retentionFrom(values['retention-days'], values['retention-max-mb']);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be 0..65535, got ${values.port}`, 2);
  let upstream: URL | undefined;
  if (values.upstream) {
    try {
      upstream = new URL(values.upstream);
    } catch {
      throw new CliError(`--upstream is not a URL: ${values.upstream}`, 2);
    }
    if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:')
      throw new CliError('--upstream must be an http:// or https:// URL', 2);
  }
  const seconds = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || n > 3600)
      throw new CliError(`--${flag} must be 0 < seconds <= 3600`, 2);
    return Math.round(n * 1000);
  };
  const handshakeMs = seconds('proxy-handshake-timeout', values['proxy-handshake-timeout']);
  const firstRequestMs = seconds('proxy-idle-timeout', values['proxy-idle-timeout']);
  const upstreamTimeoutMs = seconds('upstream-timeout', values['upstream-timeout']);
  const idleTimeoutMs = seconds('idle-timeout', values['idle-timeout']);
  const approvalTimeout = values['approval-timeout'];
  const approvalTimeoutSeconds = approvalTimeout === undefined ? undefined : parseDuration(approvalTimeout);
  if (
    approvalTimeout !== undefined &&
    (approvalTimeoutSeconds === undefined || approvalTimeoutSeconds > MAX_APPROVAL_TIMEOUT_SECONDS)
  )
    throw new CliError(`--approval-timeout must be 1s to ${MAX_APPROVAL_TIMEOUT_SECONDS}s (e.g. 50s, 2m)`, 2);
  const accountId = values['account-id'];
  if (accountId !== undefined && !/^\d{12}$/.test(accountId))
    throw new CliError(`--account-id must be a 12-digit AWS account id, got ${accountId}`, 2);
  const level = values['log-level'];
  if (level !== 'debug' && level !== 'info' && level !== 'warn' && level !== 'error')
    throw new CliError('--log-level must be debug, info, warn or error', 2);
  const log = stderrLogger(level);
  const dataDir = resolveDataDir(values['data-dir']);
  const regionFrom =
    values.region !== undefined
      ? '--region'
      : process.env.AWS_REGION
        ? 'AWS_REGION'
        : process.env.AWS_DEFAULT_REGION
          ? 'AWS_DEFAULT_REGION'
          : undefined;
  const region = values.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1');
  // Tasks get this region (AWS_REGION) and calls are forwarded to hosts named after it.
  if (!isRegion(region)) throw new CliError(`${regionProblem(region, regionFrom ?? 'the region')}.`, 2);

  let gateway;
  try {
    gateway = await startGateway({
      dataDir,
      port,
      host: values.host,
      region,
      profile: values.profile,
      oidc,
      upstream,
      upstreamCaFile: values['upstream-ca'],
      accountId,
      log,
      policyFile: values.policy,
      approvalTimeoutSeconds,
      journalFault: testJournalFault(process.env),
      syncResponses: values['sync-responses'],
      retention,
      noTunnel: values['no-tunnel'],
      // Only for a launching process that reads stdout (the extension): never a terminal's.
      ...(values['report-refresh-tokens'] ? { reportRefreshToken: writeRefreshTokenLine } : {}),
      upstreamTimeoutMs,
      idleTimeoutMs,
      proxyTimeouts: {
        ...(handshakeMs !== undefined ? { handshakeMs } : {}),
        ...(firstRequestMs !== undefined ? { firstRequestMs } : {}),
      },
    });
  } catch (e) {
    if (e instanceof DataDirInUseError) throw new CliError(e.message);
    if (e instanceof DataDirFileError)
      throw new CliError(`the gateway did not start [${e.code}]: ${e.message}`);
    if (e instanceof PolicyFileError)
      throw new CliError(`the workspace policy was refused, so the gateway did not start: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(`Port ${port} is already in use; pick another with --port (0 = any).`);
    if (code === 'EACCES')
      throw new CliError(`Not allowed to use ${dataDir} or port ${port}: ${(e as Error).message}`);
    throw e;
  }
  const stopping = stopRequest();
  const ready: ReadyLine = { ready: true, port: gateway.port, dataDir };
  process.stdout.write(JSON.stringify(ready) + '\n');
  log.log('info', 'gateway ready', {
    port: gateway.port,
    host: values.host,
    upstream: upstream?.origin,
    region,
    credentials: oidc ? `oidc ${oidc.issuer} → ${oidc.roleArn}` : 'profile',
  });

  log.log('info', 'stopping', { reason: await stopping });
  await gateway.close().catch((e: unknown) => {
    log.log('error', 'error while stopping', { error: String(e) });
  });
  return 0;
}
