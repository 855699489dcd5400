import { ControlClientError } from '../control/control-client';
import { DataDirFileError } from '../storage/data-dir-error';
import { CliError } from './cli-error';

const USAGE = `Usage: airlock <command> [options]

Commands:
  gateway   --data-dir DIR [--port N] [--host H] [--region R] [--profile P] [--upstream URL] [--account-id ID]
             [--policy FILE] [--approval-timeout 50s] [--log-level info] [--no-tunnel]
             [--retention-days N] [--retention-max-mb N] [--upstream-ca FILE]
             [--upstream-timeout 960] [--idle-timeout 120]  (seconds AWS may stay silent in a call;
                                     an agent connection may stay silent outside one)
             [--oidc-issuer URL --oidc-client-id ID --oidc-role-arn ARN | --oidc-config FILE]
             [--report-refresh-tokens]  (for the extension: rotated refresh tokens of its sign-in as
                                     JSON lines on stdout, after the ready line)
  login [--device] [--no-browser] [--oidc-* as for gateway]   sign in (OIDC); the refresh token goes
                                     to <data-dir>/oidc-refresh-token.json (0600)
  logout                             drop the sign-in and the gateway's credentials at once
  whoami [--json]                    credential mode and who is signed in
  task start --name NAME [--scope FILE | --scope-template NAME] [--ttl 30m] [--json]
  task end ID [--json]
  task list [--json]
  task trail ID [--json]             aws cloudtrail lookup-events commands for the task's STS session
  approvals [--json]                 calls waiting for a human
  approve ID [--for-task [--resource ARN-PATTERN]...] [--json]
                                     let it through (once, or this action for the rest of the task on
                                     this resource, or on resources matching the patterns)
  deny ID [--reason TEXT] [--json]
  policy show --effective [--policy FILE]   the workspace policy in force, as JSON
  policy check FILE                  validate a policy file
  policy suggest TASK… [--out FILE] [--generalise names]   least-privilege IAM policy from recorded calls
  sessions [--json]                  recorded tasks (local and imported) with counts
  show TASK [--json] [--service S] [--action A] [--decision allow|deny] [--status 4xx] [--text WORDS]
  calls [--json] [--session TASK] [same filters] [--identity U] [--since T] [--until T] [--limit N]
  export TASK -o FILE.airlock [--allow-truncated]   a signed session bundle
  verify FILE.airlock [--expect-signer FP] [--policy FILE]   offline; exit 0 when intact, 3 when incomplete
  import FILE.airlock [--expect-signer FP | --allow-unknown-signer] [--policy FILE]
                                     add a verified bundle as a read-only session
  review TASK|FILE.airlock [--json | --markdown]   scope granted vs used, denials, approvals, masking
  what-if (--policy FILE | --scope FILE) (TASK… | --all) [--json]   recorded calls decided again

Every command takes --data-dir DIR (default: $AIRLOCK_DATA_DIR or ~/.airlock).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  // Each command's code is loaded when it runs: `airlock sessions` does not pay for the
  // gateway's HTTP stack (a tenth of a second of a query meant to take well under one).
  switch (command) {
    case 'gateway':
      return (await import('./gateway-command')).runGatewayCommand(rest);
    case 'task':
      return (await import('./task-command')).runTaskCommand(rest);
    case 'login':
    case 'logout':
    case 'whoami':
      return (await import('./login-command')).runLoginCommand(command, rest);
    case 'approvals':
    case 'approve':
    case 'deny':
      return (await import('./approvals-command')).runApprovalsCommand(command, rest);
    case 'policy':
      return (await import('./policy-command')).runPolicyCommand(rest);
    case 'sessions':
      return (await import('./sessions-command')).runSessionsCommand(rest);
    case 'show':
      return (await import('./show-command')).runShowCommand(rest);
    case 'calls':
      return (await import('./sessions-command')).runCallsCommand(rest);
    case 'export':
      return (await import('./bundle-commands')).runExportCommand(rest);
    case 'verify':
      return (await import('./bundle-commands')).runVerifyCommand(rest);
    case 'import':
      return (await import('./bundle-commands')).runImportCommand(rest);
    case 'review':
      return (await import('./review-command')).runReviewCommand(rest);
    case 'what-if':
      return (await import('./what-if-command')).runWhatIfCommand(rest);
    default:
      throw new CliError(`Unknown command "${command}".\n\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof CliError || e instanceof ControlClientError) {
      process.stderr.write(`airlock: ${e.message}\n`);
      process.exitCode = e instanceof CliError ? e.exitCode : 1;
    } else if (e instanceof DataDirFileError) {
      process.stderr.write(`airlock: [${e.code}] ${e.message}\n`);
      process.exitCode = 1;
    } else if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`airlock: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`airlock: unexpected error: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
