/**
 * "What would this policy have done": the last tasks' recorded calls decided again under a
 * proposed workspace policy (gateway/review/what-if.ts), as the diff the CLI's `airlock what-if`
 * prints, with a header naming what was compared. vscode-free, so it is tested without an editor.
 */
import { loadSession, localTaskIds } from '../../gateway/cli/session-events';
import type { EffectivePolicy } from '../../gateway/policy-file';
import { collectCalls, type SessionCalls } from '../../gateway/review/session-calls';
import { whatIf, whatIfDiff } from '../../gateway/review/what-if';

export const WHAT_IF_LAST_TASKS = 10;

export interface WhatIfReport {
  readonly text: string;
  readonly tasks: number;
  readonly calls: number;
  readonly changed: number;
}

export async function whatIfReport(
  dataDir: string,
  policy: EffectivePolicy,
  label: string,
  last = WHAT_IF_LAST_TASKS,
): Promise<WhatIfReport> {
  // Task ids begin with their start time in base 36, so name order is start order.
  const ids = (await localTaskIds(dataDir)).slice(-last);
  const sessions: SessionCalls[] = [];
  for (const id of ids) sessions.push(collectCalls((await loadSession(dataDir, id, 'decisions')).events, id));
  return whatIfText(sessions, policy, label, `the last ${ids.length} task(s)`);
}

/** The diff for the given sessions, headed by what was compared with what. */
export function whatIfText(
  sessions: readonly SessionCalls[],
  policy: EffectivePolicy,
  label: string,
  what: string,
): WhatIfReport {
  const result = whatIf(sessions, { policy });
  const header =
    `# What ${label} would have done to ${what}\n` +
    `# (their recorded calls, decided again by the gateway's decider; "-" as recorded, "+" under ${label})\n`;
  return {
    text: header + whatIfDiff(result),
    tasks: sessions.length,
    calls: result.calls,
    changed: result.changed.length,
  };
}
