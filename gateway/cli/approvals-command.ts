import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { bodyBindingNote } from '../approvals/body-note';
import { cliClientName, ControlClient, ControlClientError } from '../control/control-client';
import type { ApprovalDecision, ApprovalInfo } from '../protocol';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';

function line(a: ApprovalInfo, now: number): string {
  const waited = Math.max(0, Math.round((now - Date.parse(a.requestedAt)) / 1000));
  const left = Math.max(0, Math.round((Date.parse(a.expiresAt) - now) / 1000));
  const tries = a.attempts > 1 ? `, ${a.attempts} attempts` : '';
  const note = bodyBindingNote(a.bodyBinding);
  const risk = a.risk?.level === 'high' ? `HIGH RISK: ${a.risk.reasons.join('; ')}\n    ` : '';
  const approvers = a.rule?.approvers
    ? `\n    only ${a.rule.approvers.join(', ')} may approve (anyone may deny)`
    : '';
  return `${a.approvalId}  task "${a.taskName}"  ${a.summary}\n    ${risk}${a.action} · rule ${a.rule?.id ?? '-'} · waiting ${waited}s, ${left}s left${tries}${note ? `\n    ${note}` : ''}${approvers}`;
}

/** `decided by alice (cli) through airlock-cli approve pid=… (process 4242: node …)`. */
function decidedLine(a: ApprovalInfo): string {
  const via = a.decidedVia;
  if (!via) return `decided by ${a.decidedBy ?? 'airlock'}`;
  const proc = via.process ? ` (process ${via.process.pid}: ${via.process.command})` : '';
  return `decided by ${a.decidedBy ?? '?'} through ${via.declared}${proc}`;
}

/** An exact id, or a unique prefix of a pending approval's id (ids are long to type). */
async function resolveId(client: ControlClient, given: string): Promise<string> {
  const { approvals } = await client.listApprovals();
  if (approvals.some((a) => a.approvalId === given)) return given;
  const matches = approvals.filter((a) => a.approvalId.startsWith(given));
  if (matches.length === 1 && matches[0]) return matches[0].approvalId;
  if (matches.length > 1)
    throw new CliError(`"${given}" matches ${matches.length} pending approvals; give more of the id.`);
  return given;
}

/**
 * `airlock approvals [--json]`, `airlock approve ID [--for-task]`, `airlock deny ID [--reason T]`:
 * approvals from a terminal, for CI and remote shells with no editor.
 */
export async function runApprovalsCommand(
  command: 'approvals' | 'approve' | 'deny',
  args: string[],
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      'for-task': { type: 'boolean', default: false },
      resource: { type: 'string', multiple: true },
      reason: { type: 'string' },
      by: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const client = await ControlClient.fromDataDir(resolveDataDir(values['data-dir']), cliClientName(command));
  if (command === 'approvals') {
    const { approvals } = await client.listApprovals();
    const now = Date.now();
    process.stdout.write(
      values.json
        ? JSON.stringify(approvals, null, 2) + '\n'
        : (approvals.map((a) => line(a, now)).join('\n') || 'no pending approvals') + '\n',
    );
    return 0;
  }
  const given = positionals[0];
  if (!given) throw new CliError(`${command} needs an approval id (see: airlock approvals)`, 2);
  if (command === 'approve' && values.reason !== undefined) throw new CliError('--reason goes with deny', 2);
  if (command === 'deny' && values['for-task']) throw new CliError('--for-task goes with approve', 2);
  if (values.resource && !values['for-task'])
    throw new CliError('--resource goes with approve --for-task (the ARN patterns the grant covers)', 2);
  const decision: ApprovalDecision =
    command === 'deny' ? 'deny' : values['for-task'] ? 'approve-for-task' : 'approve-once';
  const id = await resolveId(client, given);
  let approval: ApprovalInfo;
  try {
    ({ approval } = await client.decideApproval(id, {
      decision,
      reason: values.reason,
      decidedBy: values.by ?? `${userInfo().username} (cli)`,
      ...(values.resource ? { grant: { resources: values.resource } } : {}),
    }));
  } catch (e) {
    if (
      e instanceof ControlClientError &&
      (e.code === 'NotFound' || e.code === 'ApprovalNotPending' || e.code === 'InvalidRequest')
    )
      throw new CliError(e.message);
    throw e;
  }
  process.stdout.write(
    values.json
      ? JSON.stringify(approval, null, 2) + '\n'
      : `${approval.state} ${approval.approvalId}: ${approval.summary}${approval.grant ? ` (for the rest of the task: ${approval.action} on ${approval.grant.resources.join(', ')})` : ''}\n    ${decidedLine(approval)}\n`,
  );
  return 0;
}
