import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ApprovalInfo } from '../../gateway/protocol';
import { renderTimeline } from './timeline-render';

export const AIRLOCK_SCHEME = 'airlock';

/** A file-name-safe tab title. */
function title(text: string): string {
  return text
    .replace(/[^\w .,()-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
}

/**
 * Read-only documents: a task's recorded calls (`airlock:/timeline/<taskId>.md`, read from the
 * journal in the data dir) and an approval's details (`airlock:/approval/<id>.json`). The Svelte
 * timeline will replace the first.
 */
export class AirlockDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly taskNames = new Map<string, string>();
  private readonly approvals = new Map<string, ApprovalInfo>();
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly dataDir: string) {}

  dispose(): void {
    this.changed.dispose();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
  }

  timelineUri(taskId: string, taskName: string): vscode.Uri {
    this.taskNames.set(taskId, taskName);
    // The last segment is the tab's title; the id before it is what the provider reads.
    return vscode.Uri.from({
      scheme: AIRLOCK_SCHEME,
      path: `/timeline/${taskId}/${title(`Calls of ${taskName}`)}.md`,
    });
  }

  approvalUri(approval: ApprovalInfo): vscode.Uri {
    this.approvals.set(approval.approvalId, approval);
    return vscode.Uri.from({
      scheme: AIRLOCK_SCHEME,
      path: `/approval/${approval.approvalId}/${title(`Approval ${approval.action}`)}.json`,
    });
  }

  /** A call of `taskId` was recorded: refresh its open timeline (coalesced). */
  callRecorded(taskId: string): void {
    if (!this.taskNames.has(taskId)) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.changed.fire(this.timelineUri(taskId, this.taskNames.get(taskId) ?? taskId));
    }, 300);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const m = /^\/(timeline|approval)\/([\w.-]+)\//.exec(uri.path);
    if (!m) return `Unknown Airlock document ${uri.toString()}`;
    const [, kind, id] = m as unknown as [string, string, string];
    if (kind === 'approval') {
      const a = this.approvals.get(id);
      return a ? JSON.stringify(a, null, 2) + '\n' : `{ "error": "approval ${id} is no longer known" }\n`;
    }
    const text = await readFile(join(this.dataDir, 'journal', `${id}.jsonl`), 'utf8').catch(() => '');
    return renderTimeline(this.taskNames.get(id) ?? id, id, text);
  }
}
