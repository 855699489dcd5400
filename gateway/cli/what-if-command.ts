import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ControlClient, ControlClientError } from '../control/control-client';
import { compilePolicy, PolicyError } from '../policy';
import {
  compileWorkspacePolicy,
  defaultPolicy,
  type EffectivePolicy,
  loadPolicyFile,
  loadPolicyText,
  PolicyFileError,
} from '../policy-file';
import { collectCalls, type SessionCalls } from '../review/session-calls';
import { whatIf, whatIfDiff } from '../review/what-if';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { type LoadedSession, loadSession, localTaskIds, printWarnings } from './session-events';

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

/** The workspace policy a bundle recorded as in force at export, compiled; undefined when it has none. */
function recordedPolicy(s: LoadedSession): EffectivePolicy | undefined {
  const doc = s.policy?.workspace;
  if (doc === undefined || doc === null) return undefined;
  try {
    const p = loadPolicyText(JSON.stringify(doc), `${s.session} (workspace policy recorded in the bundle)`);
    process.stderr.write(`airlock: ${s.session}: deciding with the workspace policy the bundle recorded\n`);
    return p;
  } catch (e) {
    if (e instanceof PolicyFileError)
      throw new CliError(`${s.session}: the recorded workspace policy is invalid: ${e.message}`);
    throw e;
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
 * decider, and prints the calls whose judgement would change as a diff (or --json). With only
 * --scope, a bundle is decided under the workspace policy it recorded; a local task under the
 * running gateway's (or the built-in default).
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
  const scope = values.scope ? { scope: await scopeFile(values.scope) } : undefined;
  const sessions: SessionCalls[] = [];
  const recorded = new Map<SessionCalls, EffectivePolicy>();
  for (const wanted of values.all ? await localTaskIds(dataDir) : positionals) {
    const s = await loadSession(dataDir, wanted, 'decisions');
    printWarnings(s);
    const calls = collectCalls(s.events, s.session);
    sessions.push(calls);
    // Only the scope is proposed: a bundle's calls are decided under the policy it says was in force.
    const inForce = values.policy ? undefined : recordedPolicy(s);
    if (inForce) recorded.set(calls, inForce);
  }
  // Asked for only when some session has no recorded policy to decide with.
  const fallback = [...recorded.values()][0];
  const policy =
    fallback && recorded.size === sessions.length ? fallback : await workspacePolicy(values.policy, dataDir);
  let result;
  try {
    result = whatIf(sessions, { policy, scope, policyFor: (s) => recorded.get(s) });
  } catch (e) {
    if (e instanceof PolicyError)
      throw new CliError(`a task's recorded scope does not compile: ${e.message}`);
    throw e;
  }
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : whatIfDiff(result));
  return 0;
}
