import type { AgentEnv } from '../../gateway/protocol';

export type RoutingMode = 'endpoint' | 'proxy';

/** Variables that route a client through the gateway, by routing mode (DESIGN.md section 2). */
const MODE_VARIABLES: Readonly<Record<RoutingMode, readonly string[]>> = {
  endpoint: ['AWS_ENDPOINT_URL'],
  proxy: ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'AWS_CA_BUNDLE', 'NO_PROXY', 'no_proxy'],
};

/**
 * Profile variables are never blanked: botocore (AWS CLI, boto3) treats an empty AWS_PROFILE as a
 * profile named "" and fails every call. Left set, botocore still prefers the task key in
 * AWS_ACCESS_KEY_ID; only SDKs that prefer the profile would sign with real credentials, which
 * the gateway refuses.
 */
export const PROFILE_VARIABLES: readonly string[] = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'];

/** The task's environment without the variables of routing modes the user turned off. */
export function routedEnv(env: AgentEnv, modes: readonly RoutingMode[]): Record<string, string> {
  const off = new Set<string>();
  for (const mode of ['endpoint', 'proxy'] as const)
    if (!modes.includes(mode)) for (const v of MODE_VARIABLES[mode]) off.add(v);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (!off.has(k)) out[k] = v;
  return out;
}

/** What the terminal environment collection does for one task. */
export interface CollectionPlan {
  readonly replace: Readonly<Record<string, string>>;
  /** Replaced with "" (a collection cannot delete a variable). */
  readonly blanked: readonly string[];
  /** Set in the editor's own environment but left alone (see PROFILE_VARIABLES). */
  readonly keptProfile: readonly string[];
}

export function collectionPlan(
  env: Readonly<Record<string, string>>,
  unset: readonly string[],
  hostEnv: NodeJS.ProcessEnv,
): CollectionPlan {
  const blanked: string[] = [];
  const keptProfile: string[] = [];
  for (const name of unset) {
    if (name in env) continue;
    if (PROFILE_VARIABLES.includes(name)) {
      if (hostEnv[name]) keptProfile.push(name);
    } else {
      blanked.push(name);
    }
  }
  return { replace: { ...env }, blanked, keptProfile };
}

/** The collection's description: what Airlock changed in new terminals, and why. */
export function describeCollection(taskName: string, plan: CollectionPlan): string {
  const set = Object.keys(plan.replace).join(', ');
  let text = `Airlock routes AWS calls of new terminals through its gateway as task "${taskName}": sets ${set}`;
  if (plan.blanked.length > 0)
    text += `; empties ${plan.blanked.join(', ')} (real credentials stay out of reach)`;
  if (plan.keptProfile.length > 0)
    text += `. ${plan.keptProfile.join(' and ')} is set in VS Code's environment and kept: the AWS CLI uses the task key anyway`;
  return `${text}.`;
}

/**
 * The complete environment of a task terminal (created with `strictEnv`, so the collection —
 * which follows the current task — never rewrites it): the editor's environment without the
 * real-credential variables (deleted, not blanked) and without the extension host's plumbing,
 * plus the task's variables.
 */
export function terminalEnv(
  hostEnv: NodeJS.ProcessEnv,
  env: Readonly<Record<string, string>>,
  unset: readonly string[],
): Record<string, string> {
  const drop = new Set(unset);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(hostEnv)) {
    if (v === undefined || drop.has(k) || k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') continue;
    out[k] = v;
  }
  return { ...out, ...env };
}

/** Points a task's env at a gateway that came back on another port. */
export function rebaseEnv(env: Readonly<Record<string, string>>, port: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = v.replace(/^(https?:\/\/127\.0\.0\.1:)\d+/, `$1${port}`);
  return out;
}
