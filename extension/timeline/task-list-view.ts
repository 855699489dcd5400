import * as vscode from 'vscode';
import type { TaskSummary } from '../../webview/src/protocol';
import type { TimelineHost } from './timeline-host';
import type { TimelineSource } from './timeline-source';
import type { WebviewChannel } from './webview-channel';
import { webviewOptions } from './webview-channel';

export const TASKS_VIEW_ID = 'airlock.timeline';

/**
 * The "Tasks" view in Airlock's activity-bar container: the workspace's tasks and imported
 * sessions with their counts. Opening one is the host's business (`openTask`): a live task opens
 * its session panel, an imported one its bundle in the custom editor.
 */
export class TaskListView implements vscode.WebviewViewProvider, vscode.Disposable {
  private channel: WebviewChannel | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: TimelineHost,
    private readonly source: TimelineSource,
    /** Whether the user may end this task here (agent tasks, not the always-on workspace task). */
    private readonly endable: (taskId: string) => boolean,
  ) {
    this.unsubscribe = source.subscribe({
      tasks: (tasks) => this.channel?.post({ type: 'tasks', tasks: this.marked(tasks) }),
      approval: (approval) => this.channel?.post({ type: 'approvalChanged', approval }),
    });
  }

  dispose(): void {
    this.unsubscribe();
    this.channel?.dispose();
  }

  private marked(tasks: readonly TaskSummary[]): TaskSummary[] {
    return tasks.map((t) =>
      !t.imported && t.task.state === 'active' && this.endable(t.task.taskId) ? { ...t, endable: true } : t,
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    this.channel?.dispose();
    const channel = this.host.connect(view.webview, {
      surface: 'sidebar',
      onReady: async (send) => {
        await this.source.refresh();
        send(this.host.init({ kind: 'tasks' }, 'live', this.marked(this.source.summaries)));
      },
      detail: () => Promise.resolve({}),
    });
    this.channel = channel;
    view.onDidDispose(() => {
      channel.dispose();
      if (this.channel === channel) this.channel = undefined;
    });
  }
}
