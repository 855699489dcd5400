/** A task review as Markdown, for an auditor: the same facts as the JSON, in reading order. */
import type { TaskReview } from './task-review';

/** Table cells: pipes and line breaks would break the table; everything recorded is untrusted text. */
function cell(v: string | number | undefined): string {
  const s = v === undefined ? '' : String(v);
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/`/g, "'");
}

function table(head: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]): string {
  if (rows.length === 0) return '_none_\n';
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

export function reviewMarkdown(r: TaskReview): string {
  const t = r.task;
  const out: string[] = [];
  out.push(`# Access review: ${cell(t.name ?? t.taskId)}\n`);
  for (const w of r.warnings ?? []) out.push(`> **Warning:** ${cell(w)}\n`);
  out.push(
    [
      `- Task: \`${cell(t.taskId)}\``,
      `- Started by: ${cell(r.identity.startedBy ?? 'unknown')}${r.identity.agent ? ` (agent: ${cell(r.identity.agent)})` : ''}`,
      `- Started: ${cell(t.startedAt ?? 'unknown')}; ${t.endedAt ? `${t.endReason ?? 'ended'}: ${cell(t.endedAt)}` : 'not ended in this recording'}`,
      `- Calls made under: ${r.identity.callIdentities.map(cell).join(', ') || 'none'}`,
      `- Calls: ${r.totals.calls} (allowed ${r.totals.allowed}, denied ${r.totals.denied}, held for a human ${r.totals.asked}, undecided ${r.totals.undecided}, unidentified ${r.totals.unidentified}); refused before a decision: ${r.totals.refused}`,
      `- Scope: ${r.scope.granted ? `${r.scope.grants.length} grants, ${r.unusedGrants.length} never used, ${r.totals.outsideScope} calls outside it` : 'none (everything the workspace rules did not deny or ask about was allowed)'}`,
      `- Secrets masked: ${r.masked.total}`,
    ].join('\n') + '\n',
  );
  out.push('## Scope granted and used\n');
  out.push(
    table(
      ['Statement', 'Effect', 'Action', 'Resource', 'Conditional', 'Pairs matched', 'Calls'],
      r.scope.grants.map((g) => [
        g.statement,
        g.effect,
        g.action,
        g.resource,
        g.conditional ? 'yes' : 'no',
        g.matched,
        g.calls,
      ]),
    ),
  );
  out.push('## Grants never used\n');
  out.push(
    table(
      ['Statement', 'Action', 'Resource'],
      r.unusedGrants.map((g) => [g.statement, g.action, g.resource]),
    ),
  );
  out.push('## Actions and resources used\n');
  out.push(
    table(
      ['Action', 'Resource', 'Allowed', 'Denied', 'First', 'Last'],
      r.used.map((u) => [u.action, u.resource, u.allowed, u.denied, u.first, u.last]),
    ),
  );
  out.push('## Calls denied or held for a human\n');
  out.push(
    table(
      ['Time', 'Action', 'Resources', 'Verdict', 'Outcome', 'Rule', 'Decided by', 'Decided at', 'Reason'],
      r.judged.map((j) => [
        j.ts,
        j.action,
        j.resources.join(', '),
        j.verdict,
        j.outcome,
        j.rule,
        j.decidedVia ? `${j.decidedBy} (${j.decidedVia})` : j.decidedBy,
        j.decidedAt,
        j.reason,
      ]),
    ),
  );
  out.push('## Calls outside the scope\n');
  out.push(
    table(
      ['Time', 'Action', 'Resource', 'Scope says', 'Outcome', 'Decided by'],
      r.outsideScope.map((o) => [o.ts, o.action, o.resource, o.scopeDecision, o.outcome, o.decidedBy]),
    ),
  );
  out.push('## Secrets masked\n');
  out.push(
    table(
      ['Where', 'Field', 'Kind', 'Values'],
      r.masked.fields.map((f) => [f.where, f.field, f.source, f.count]),
    ),
  );
  if (r.refused.length > 0) {
    out.push('## Requests refused before a decision\n');
    out.push(
      table(
        ['Code', 'Count'],
        r.refused.map((x) => [x.code, x.count]),
      ),
    );
  }
  return out.join('\n');
}
