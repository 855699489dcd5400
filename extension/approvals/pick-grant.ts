import * as vscode from 'vscode';
import {
  arnGlobMatches,
  grantPatternProblem,
  suggestedPatterns,
} from '../../gateway/approvals/grant-pattern';
import type { ApprovalInfo } from '../../gateway/protocol';

export interface PickedGrant {
  /** The ARN patterns the grant covers. */
  readonly resources: string[];
  /** Exactly this call's resources (the gateway's default grant). */
  readonly exact: boolean;
}

interface GrantItem extends vscode.QuickPickItem {
  readonly resources?: string[];
  readonly exact?: boolean;
}

/**
 * "Approve for Task…": which resources the grant covers, said exactly. This call's resources, a
 * pattern of the same kind (`role/deploy-*`, `role/*`), or one the person types; the gateway
 * accepts only patterns that keep the call's partition, service, region and account and match
 * the call (gateway/approvals/grant-pattern.ts), and the input box checks the same rule.
 */
export async function pickGrant(a: ApprovalInfo): Promise<PickedGrant | undefined> {
  const named = a.resources.filter((r) => r !== '*');
  const items: GrantItem[] = [
    {
      label: `$(pass) ${a.action} on ${named.length === 0 ? 'calls without a resource' : named.length === 1 ? 'this resource only' : `these ${named.length} resources only`}`,
      detail: named.join(', ') || '*',
      resources: [...a.resources],
      exact: true,
    },
  ];
  if (named.length === 1) {
    for (const pattern of suggestedPatterns(named[0]!).slice(1))
      items.push({
        label: `$(symbol-misc) ${a.action} on ${pattern}`,
        detail: `any resource matching the pattern, in this account and region only`,
        resources: [pattern],
        exact: false,
      });
    items.push({
      label: '$(edit) A pattern of my own…',
      detail: 'wildcards (* and ?) in the resource part only',
    });
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: `Approve ${a.action} for the rest of task "${a.taskName}" — on which resources?`,
    placeHolder:
      'Later calls of this action on these resources go through without asking, until the task ends',
    matchOnDetail: true,
  });
  if (!pick) return undefined;
  if (pick.resources) return { resources: pick.resources, exact: pick.exact === true };
  const typed = await vscode.window.showInputBox({
    title: `Approve ${a.action} for the rest of task "${a.taskName}" on…`,
    prompt: 'An ARN pattern that matches this call, with * or ? in the resource part only',
    value: suggestedPatterns(named[0]!).at(-1),
    ignoreFocusOut: true,
    validateInput: (v) =>
      grantPatternProblem(v.trim(), a.resources) ??
      (matchesAll(v.trim(), named) ? undefined : `the pattern must match ${named[0]!}`),
  });
  if (typed === undefined) return undefined;
  return { resources: [typed.trim()], exact: false };
}

function matchesAll(pattern: string, resources: readonly string[]): boolean {
  return resources.every((r) => arnGlobMatches(pattern, r));
}
