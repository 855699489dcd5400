import type { EventBody } from '../../gateway/journal/events';

interface Row {
  at: string;
  service: string;
  operation: string;
  actions: string;
  decision: string;
  status: string;
  upstreamMs: string;
}

/** Parses a task journal (JSONL); lines that do not parse are counted, not fatal. */
export function parseJournal(text: string): { events: (EventBody & { ts: string })[]; unreadable: number } {
  const events: (EventBody & { ts: string })[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as EventBody & { ts: string });
    } catch {
      unreadable++;
    }
  }
  return { events, unreadable };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A plain Markdown view of one task's recorded calls, oldest first. */
export function renderTimeline(taskName: string, taskId: string, journalText: string): string {
  const { events, unreadable } = parseJournal(journalText);
  const rows = new Map<string, Row>();
  let started = '';
  let ended = '';
  for (const e of events) {
    switch (e.type) {
      case 'task.started':
        started = e.ts;
        break;
      case 'task.ended':
        ended = `${e.data.reason} at ${e.ts}`;
        break;
      case 'call.request':
        rows.set(e.data.callId, {
          at: e.ts,
          service: e.data.service,
          operation: e.data.operation ?? `${e.data.method} ${e.data.target}`,
          actions: e.data.actions.map((a) => a.action).join(', '),
          decision: '',
          status: '',
          upstreamMs: '',
        });
        break;
      case 'call.decision': {
        const r = rows.get(e.data.callId);
        if (r) r.decision = `${e.data.decision}${e.data.rule ? ` (${e.data.rule})` : ''}`;
        break;
      }
      case 'call.response': {
        const r = rows.get(e.data.callId);
        if (r) {
          r.status = `${e.data.status}${e.data.errorCode ? ` ${e.data.errorCode}` : ''}`;
          r.upstreamMs = e.data.upstreamMs === undefined ? '' : String(Math.round(e.data.upstreamMs));
        }
        break;
      }
      default:
        break;
    }
  }
  const lines = [
    `# Airlock task: ${taskName}`,
    '',
    `Task \`${taskId}\`${started ? `, started ${started}` : ''}${ended ? `, ${ended}` : ''}. ${rows.size} call${rows.size === 1 ? '' : 's'} recorded.`,
    '',
  ];
  if (unreadable > 0) lines.push(`> ${unreadable} journal line(s) could not be read.`, '');
  if (rows.size === 0) {
    lines.push(
      'No AWS calls yet. Run one in a terminal of this workspace, e.g. `aws sts get-caller-identity`.',
    );
    return lines.join('\n') + '\n';
  }
  lines.push(
    '| time | service | operation | IAM actions | decision | status | upstream ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of rows.values())
    lines.push(
      `| ${[r.at, r.service, r.operation, r.actions, r.decision, r.status, r.upstreamMs].map(cell).join(' | ')} |`,
    );
  return lines.join('\n') + '\n';
}
