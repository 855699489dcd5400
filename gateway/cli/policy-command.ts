import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { iamActionNames } from '../aws/iam-action-names';
import { ControlClient, ControlClientError } from '../control/control-client';
import { defaultPolicy, loadPolicyFile, PolicyFileError } from '../policy-file';
import { policyWarnings } from '../policy-file/policy-warnings';
import type { EffectivePolicyResponse } from '../protocol';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { runSuggestCommand } from './suggest-command';

const USAGE =
  'Usage: airlock policy show --effective [--policy FILE] [--data-dir DIR] | airlock policy check FILE | airlock policy suggest TASK…';

async function fromFile(file: string): Promise<EffectivePolicyResponse> {
  try {
    const p = await loadPolicyFile(file);
    return { source: p.source, policy: p.policy, approvalTimeoutSeconds: p.policy.approvalTimeoutSeconds };
  } catch (e) {
    if (e instanceof PolicyFileError) throw new CliError(e.message);
    throw e;
  }
}

/**
 * `airlock policy show --effective`: the policy in force as JSON. With --policy FILE, that file
 * as the gateway would load it; else what the running gateway uses; with no gateway running, the
 * built-in default (said on stderr). `airlock policy check FILE` validates a file (exit 1 + the
 * file:line:column error when it would be refused) and warns, file:line:column, of patterns that
 * match nothing AWS has (exit 0: the gateway loads such a file).
 */
export async function runPolicyCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'suggest') return runSuggestCommand(rest);
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      policy: { type: 'string' },
      effective: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (sub === 'check') {
    const file = positionals[0] ?? values.policy;
    if (!file) throw new CliError(USAGE, 2);
    const p = await fromFile(file);
    const { denyRules, askRules, maskRules, scopeTemplates } = p.policy;
    // Valid but meaningless (a pattern that matches no AWS action): said, not refused.
    const warnings = policyWarnings(await readFile(file, 'utf8'), iamActionNames());
    for (const w of warnings) {
      const where = w.position ? `${file}:${w.position.line}:${w.position.column}` : file;
      process.stdout.write(`${where}: warning: ${w.path}: ${w.message}\n`);
    }
    const warned =
      warnings.length > 0 ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : '';
    process.stdout.write(
      `${file}: ok (${denyRules.length} deny rules, ${askRules.length} ask rules, ${maskRules.length} mask rules, ${Object.keys(scopeTemplates).length} scope templates${warned})\n`,
    );
    return 0;
  }
  if (sub !== 'show' || !values.effective) throw new CliError(USAGE, 2);
  let out: EffectivePolicyResponse;
  if (values.policy) {
    out = await fromFile(values.policy);
  } else {
    try {
      out = await (await ControlClient.fromDataDir(resolveDataDir(values['data-dir']))).policy();
    } catch (e) {
      if (!(e instanceof ControlClientError) || e.code !== 'GatewayNotRunning') throw e;
      process.stderr.write('airlock: no gateway is running; this is the built-in default policy\n');
      const p = defaultPolicy();
      out = { source: p.source, policy: p.policy, approvalTimeoutSeconds: p.policy.approvalTimeoutSeconds };
    }
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return 0;
}
