/**
 * Least privilege from recorded sessions: an IAM policy that allows exactly the (action,
 * resource) pairs the calls that were let through needed, as the gateway mapped them when it
 * decided them (every action an operation needs, on the ARNs it touched, account, region and
 * names filled in). Pairs are grouped into one statement per service and set of resources, so a
 * reader sees "these actions on these resources". Wildcards appear only where the recording
 * itself has `*` (actions that name no resource) or where the caller asks to generalise.
 */
import { generaliseResource, type Generalise } from './generalise';
import { pairsOf, type SessionCalls } from './session-calls';

export interface SuggestOptions {
  readonly generalise?: readonly Generalise[];
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export interface LeftOut {
  readonly session: string;
  readonly callId: string;
  readonly why: string;
}

export interface Suggestion {
  readonly policy: PolicyDocument;
  /** Allowed calls the policy does not cover on purpose, and why. */
  readonly leftOut: readonly LeftOut[];
  readonly counts: {
    readonly statements: number;
    readonly actions: number;
    /** Resources with `*` or `?`: actions naming no resource, a secret's random suffix, generalised names. */
    readonly wildcardResources: number;
  };
}

function pascal(prefix: string): string {
  return prefix
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Suggests a policy covering the allowed calls of the given sessions. */
export function suggestPolicy(sessions: readonly SessionCalls[], o: SuggestOptions = {}): Suggestion {
  const generalise = o.generalise ?? [];
  const leftOut: LeftOut[] = [];
  // action (as first spelled) → resources, keyed case-insensitively like IAM matches actions.
  const byAction = new Map<string, { action: string; resources: Set<string> }>();
  for (const s of sessions) {
    for (const call of s.calls) {
      if (call.outcome !== 'allowed') continue;
      const op = call.request.operation;
      if (op === undefined) {
        leftOut.push({
          session: s.task.taskId,
          callId: call.callId,
          why: `unidentified ${call.request.method} ${call.request.target}: a person approved it; no IAM action can name it`,
        });
        continue;
      }
      // AWS answers GetCallerIdentity whatever the policies say (and so does the gateway).
      if (call.request.service === 'sts' && op === 'GetCallerIdentity') continue;
      for (const { action, resource } of pairsOf(call)) {
        const key = action.toLowerCase();
        let entry = byAction.get(key);
        if (!entry) byAction.set(key, (entry = { action, resources: new Set() }));
        entry.resources.add(generaliseResource(resource, generalise));
      }
    }
  }
  // A `*` already covers every other resource of the same action.
  for (const e of byAction.values()) if (e.resources.has('*')) e.resources = new Set(['*']);

  const groups = new Map<string, { prefix: string; actions: string[]; resources: string[] }>();
  for (const e of byAction.values()) {
    const prefix = e.action.slice(0, Math.max(0, e.action.indexOf(':'))).toLowerCase();
    const resources = [...e.resources].sort(cmp);
    const key = `${prefix}\u0000${resources.join('\u0000')}`;
    const g = groups.get(key);
    if (g) g.actions.push(e.action);
    else groups.set(key, { prefix, actions: [e.action], resources });
  }
  const sorted = [...groups.values()]
    .map((g) => ({ ...g, actions: g.actions.sort(cmp) }))
    .sort((a, b) => cmp(a.prefix, b.prefix) || cmp(a.actions[0] ?? '', b.actions[0] ?? ''));
  const perPrefix = new Map<string, number>();
  const statements = sorted.map((g): PolicyStatement => {
    const n = (perPrefix.get(g.prefix) ?? 0) + 1;
    perPrefix.set(g.prefix, n);
    return {
      Sid: `${pascal(g.prefix)}Access${n > 1 ? n : ''}`,
      Effect: 'Allow',
      Action: g.actions,
      Resource: g.resources,
    };
  });
  return {
    policy: { Version: '2012-10-17', Statement: statements },
    leftOut,
    counts: {
      statements: statements.length,
      actions: byAction.size,
      wildcardResources: statements.reduce(
        (n, st) => n + st.Resource.filter((r) => /[*?]/.test(r)).length,
        0,
      ),
    },
  };
}
