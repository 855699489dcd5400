import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ControlClient, ControlClientError } from '../control/control-client';
import { compilePolicy, PolicyError } from '../policy';
import {
  compileWorkspacePolicy,
  defaultPolicy,
  type EffectivePolicy,
  loadPolicyFile,
  PolicyFileError,
} from '../policy-file';
import { collectCalls, type SessionCalls } from '../review/session-calls';
import { whatIf, whatIfDiff } from '../review/what-if';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { loadSession, localTaskIds, printWarnings } from './session-events';

const USAGE =
  'Usage: airlock what-if (--policy FILE | --scope FILE | both) (TASK… | --all) [--json] [--data-dir DIR]';

async function workspacePolicy(file: string | undefined, dataDir: string): Promise<EffectivePolicy> {
  if (file) {
    try {
      return await loadPolicyFile(file);
    } catch (e) {
      if (e instanceof PolicyFileError) throw new CliError(e.message);
      throw e;
    }
  }
  // Only the scope changes: decide with the policy the gateway runs with now.
  try {
    const p = await (await ControlClient.fromDataDir(dataDir)).policy();
    return compileWorkspacePolicy(p.policy, p.source);
  } catch (e) {
    if (!(e instanceof ControlClientError) || e.code !== 'GatewayNotRunning') throw e;
    process.stderr.write(
      'airlock: no gateway is running; deciding with the built-in default workspace policy\n',
    );
    return defaultPolicy();
  }
}

async function scopeFile(file: string): Promise<unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
    compilePolicy(doc);
  } catch (e) {
    if (e instanceof PolicyError || e instanceof SyntaxError) throw new CliError(`${file}: ${e.message}`);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`${file}: no such file`);
    throw e;
  }
  return doc;
}

/**
 * `airlock what-if`: decides the recorded calls of the tasks again under a proposed workspace
 * policy (--policy) and/or task scope (--scope, replacing each task's own), with the gateway's own
 * decider, and prints the calls whose judgement would change as a diff (or --json).
 */
export async function runWhatIfCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      policy: { type: 'string' },
      scope: { type: 'string' },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!values.policy && !values.scope) throw new CliError(USAGE, 2);
  if (values.all === positionals.length > 0) throw new CliError(USAGE, 2);
  const dataDir = resolveDataDir(values['data-dir']);
  const policy = await workspacePolicy(values.policy, dataDir);
  const scope = values.scope ? { scope: await scopeFile(values.scope) } : undefined;
  const sessions: SessionCalls[] = [];
  for (const wanted of values.all ? await localTaskIds(dataDir) : positionals) {
    const s = await loadSession(dataDir, wanted);
    printWarnings(s);
    sessions.push(collectCalls(s.events, s.session));
  }
  let result;
  try {
    result = whatIf(sessions, { policy, scope });
  } catch (e) {
    if (e instanceof PolicyError)
      throw new CliError(`a task's recorded scope does not compile: ${e.message}`);
    throw e;
  }
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : whatIfDiff(result));
  return 0;
}
