import * as vscode from 'vscode';
import { walkthroughDone } from '../ui/walkthrough';
import { WALKTHROUGH } from '../ui/walkthrough-progress';
import type { TimelineSource } from './timeline-source';
import type { TimelineHost } from './timeline-host';
import type { WebviewChannel } from './webview-channel';
import { webviewOptions } from './webview-channel';
import { eventMessages } from './wire-events';

export const SESSION_VIEW_TYPE = 'airlock.session';

interface Open {
  readonly panel: vscode.WebviewPanel;
  readonly channel: WebviewChannel;
}

/**
 * A live task's session in an editor panel: one panel per task, revealed when asked again. The
 * panel keeps no page while hidden (no retainContextWhenHidden): the webview says `ready` when it
 * comes back and gets everything again, then follows the task's new events.
 */
export class SessionPanels implements vscode.Disposable {
  private readonly open = new Map<string, Open>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: TimelineHost,
    private readonly source: TimelineSource,
  ) {
    this.unsubscribe = source.subscribe({
      events: (taskId, events, reset) => {
        const o = this.open.get(taskId);
        if (o) for (const m of eventMessages(taskId, events, reset)) o.channel.post(m);
      },
      tasks: (tasks) => {
        for (const [taskId, o] of this.open) {
          o.channel.post({ type: 'tasks', tasks });
          const name = tasks.find((t) => t.task.taskId === taskId)?.task.name;
          if (name) o.panel.title = title(name);
        }
      },
      approval: (approval) =>
        this.open.get(approval.taskId)?.channel.post({ type: 'approvalChanged', approval }),
    });
  }

  dispose(): void {
    this.unsubscribe();
    for (const o of [...this.open.values()]) o.panel.dispose();
  }

  /** Opens (or reveals) the task's session; with `callId`, selects that call and opens its details. */
  show(taskId: string, callId?: string): void {
    let o = this.open.get(taskId);
    if (o) o.panel.reveal(undefined, false);
    else o = this.create(taskId);
    if (callId) o.channel.post({ type: 'reveal', taskId, callId });
  }

  /** Opens (or reveals) the task's session on its Review tab. */
  showReview(taskId: string): void {
    this.show(taskId);
    this.open.get(taskId)?.channel.post({ type: 'showReview', taskId });
  }

  private create(taskId: string): Open {
    walkthroughDone(WALKTHROUGH.timelineShown);
    const name = this.source.task(taskId)?.task.name ?? taskId;
    const panel = vscode.window.createWebviewPanel(SESSION_VIEW_TYPE, title(name), vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
      enableFindWidget: true,
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'resources', 'airlock-activity.svg');
    const channel = this.host.connect(panel.webview, {
      surface: 'panel',
      onReady: async (send) => {
        const since = await this.source.gatewayStartedAt();
        send(this.host.init({ kind: 'session', taskId }, 'live', this.source.summaries, since));
        for (const m of eventMessages(taskId, await this.source.allEvents(taskId), true)) send(m);
      },
      detail: (t, callId) => this.source.detail(t, callId),
      recorded: (t) => this.source.recordedEvents(t),
    });
    const o = { panel, channel };
    this.open.set(taskId, o);
    panel.onDidDispose(() => {
      channel.dispose();
      this.open.delete(taskId);
      this.source.release(taskId);
    });
    return o;
  }
}

function title(name: string): string {
  return `Airlock: ${name.length > 40 ? `${name.slice(0, 39)}…` : name}`;
}
