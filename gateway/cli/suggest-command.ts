import { parseArgs } from 'node:util';
import { writeFileDurable } from '../storage/durable-file';
import { GENERALISE_KINDS, type Generalise, isGeneralise } from '../review/generalise';
import { collectCalls, type SessionCalls } from '../review/session-calls';
import { suggestPolicy } from '../review/suggest-policy';
import { verifySuggestion } from '../review/verify-suggestion';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { loadSession, printWarnings } from './session-events';

const USAGE = `Usage: airlock policy suggest TASK… [--out FILE] [--generalise ${GENERALISE_KINDS.join('|')}] [--data-dir DIR]`;

/**
 * `airlock policy suggest TASK…`: the least-privilege IAM policy for what the tasks did and were
 * allowed to do, checked by the gateway's evaluator against every recorded call. The policy goes
 * to stdout (or --out FILE, usable as `task start --scope FILE`); what it covers, what it leaves
 * out and the check's outcome go to stderr. Exit 1 when the check fails (the policy is still
 * written, for a person to resolve the conflict it names).
 */
export async function runSuggestCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      out: { type: 'string', short: 'o' },
      generalise: { type: 'string', multiple: true },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new CliError(USAGE, 2);
  const generalise: Generalise[] = [];
  for (const g of values.generalise ?? []) {
    if (!isGeneralise(g))
      throw new CliError(`--generalise takes ${GENERALISE_KINDS.join(', ')}, not "${g}"`, 2);
    generalise.push(g);
  }
  const dataDir = resolveDataDir(values['data-dir']);
  const sessions: SessionCalls[] = [];
  for (const wanted of positionals) {
    const s = await loadSession(dataDir, wanted, 'decisions');
    printWarnings(s);
    sessions.push(collectCalls(s.events, s.session));
  }
  const suggestion = suggestPolicy(sessions, { generalise });
  const check = verifySuggestion(suggestion.policy, sessions);
  const text = `${JSON.stringify(suggestion.policy, null, 2)}\n`;
  if (values.out) await writeFileDurable(values.out, Buffer.from(text), { mode: 0o644 });
  else process.stdout.write(text);
  const { statements, actions, wildcardResources } = suggestion.counts;
  const err = (line: string): boolean => process.stderr.write(`airlock: ${line}\n`);
  err(`${statements} statements, ${actions} actions, ${wildcardResources} resources with a wildcard`);
  for (const l of suggestion.leftOut) err(`left out ${l.session} call ${l.callId}: ${l.why}`);
  for (const v of check.violations)
    err(
      v.kind === 'still-denied'
        ? `check failed: call ${v.callId} of ${v.session} was allowed but the policy refuses ${v.action} on ${v.resource}`
        : `check failed: call ${v.callId} of ${v.session} was denied${v.recordedRule ? ` (rule: ${v.recordedRule})` : ''} but the policy allows ${v.action} on ${v.resource}; narrow or drop that grant`,
    );
  if (check.violations.length > 0) return 1;
  err(
    `checked by the evaluator: ${check.checkedAllowed} allowed calls still allowed, ${check.checkedDenied} denied calls still denied`,
  );
  return 0;
}
