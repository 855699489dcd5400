import * as vscode from 'vscode';
import type { ApprovalDecision, ApprovalInfo } from '../../gateway/protocol';
import type {
  BodyDetail,
  HostMessage,
  InitMessage,
  ThemeKind,
  TimelineView,
  WebviewMessage,
} from '../../webview/src/protocol';
import { WEBVIEW_PROTOCOL_VERSION } from '../../webview/src/protocol';
import type { ApprovalStore } from '../approvals/approval-store';
import { cloudTrailCopy } from './cloudtrail-copy';
import { copyCliCommand, openRuleInPolicy } from '../policy/open-rule';
import { answerReview, type RecordedEvents } from './review-answer';
import { compareSessionWithPolicy, openSuggestedPolicy } from './review-requests';
import { themeKindOf } from './theme-kind';
import { type ChannelHooks, pageHtml, type Surface, WebviewChannel } from './webview-channel';

export interface TimelineHostDeps {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly approvals: ApprovalStore;
  /**
   * Decides a pending approval as the notification's buttons do (reason given: no prompt);
   * resolves with the approval as it stands afterwards.
   */
  readonly decide: (
    approvalId: string,
    decision: ApprovalDecision,
    reason: string | undefined,
  ) => Promise<ApprovalInfo | undefined>;
  readonly openTask: (taskId: string) => Promise<void>;
  /** The workspace policy file, offered first when comparing a session with a policy. */
  readonly policyFile?: () => string | undefined;
}

/** The command a task list row's End Task runs (it confirms, then ends the task). */
export const END_TASK_COMMAND = 'airlock.endTask';

/** What one surface answers on its own: its first messages, and its calls' bodies. */
export interface SurfaceSpec {
  readonly surface: Surface;
  /** `init` and the rest of the first messages, on every `ready`. */
  readonly onReady: (send: (m: HostMessage) => void) => Promise<void>;
  readonly detail: (
    taskId: string,
    callId: string,
  ) => Promise<{ request?: BodyDetail; response?: BodyDetail }>;
  /** The session's verified events, for its access review (absent: the surface has none). */
  readonly recorded?: RecordedEvents;
  /** A recording (bundle): approvals cannot be decided, nothing is exported from it. */
  readonly readOnly?: boolean;
}

/**
 * What the three timeline surfaces (task list view, session panels, bundle editors) share: the
 * page, the theme, the open channels, and how webview messages turn into actions. Every message
 * has been checked by `parseWebviewMessage` (WebviewChannel) before it gets here.
 */
export class TimelineHost implements vscode.Disposable {
  private readonly channels = new Set<WebviewChannel>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: TimelineHostDeps) {
    this.subscriptions.push(
      vscode.window.onDidChangeActiveColorTheme(() => this.broadcast({ type: 'theme', theme: this.theme })),
    );
    // However an approval stopped waiting (decided here or elsewhere, expired, a refused late
    // decision), every page hears it, so no detail pane keeps offering a decision.
    const unsubscribe = deps.approvals.onChange(({ removed }) => {
      for (const a of removed)
        this.broadcast({ type: 'approvalChanged', approval: deps.approvals.last(a.approvalId) ?? a });
    });
    this.subscriptions.push({ dispose: unsubscribe });
  }

  get theme(): ThemeKind {
    return themeKindOf(vscode.window.activeColorTheme.kind);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const c of [...this.channels]) c.dispose();
  }

  init(
    view: TimelineView,
    mode: InitMessage['mode'],
    tasks: InitMessage['tasks'],
    gatewayStartedAt?: string,
  ): InitMessage {
    return {
      type: 'init',
      protocol: WEBVIEW_PROTOCOL_VERSION,
      mode,
      theme: this.theme,
      view,
      tasks,
      approvals: mode === 'live' ? this.deps.approvals.all : [],
      ...(gatewayStartedAt !== undefined ? { gatewayStartedAt } : {}),
    };
  }

  broadcast(message: HostMessage, filter?: (c: WebviewChannel) => boolean): void {
    for (const c of this.channels) if (!filter || filter(c)) c.post(message);
  }

  /** Puts the timeline page into `webview` and connects it; disposing the result disconnects. */
  connect(webview: vscode.Webview, spec: SurfaceSpec): WebviewChannel {
    const hooks: ChannelHooks = {
      onReady: spec.onReady,
      onMessage: (m) => void this.handle(channel, spec, m),
    };
    const channel: WebviewChannel = new WebviewChannel(
      webview,
      hooks,
      (message) => this.deps.log.warn(`timeline: ${message}`),
      () => this.channels.delete(channel),
    );
    this.channels.add(channel);
    webview.html = pageHtml(webview, this.deps.extensionUri, spec.surface);
    return channel;
  }

  private async handle(
    channel: WebviewChannel,
    spec: SurfaceSpec,
    m: Exclude<WebviewMessage, { type: 'ready' }>,
  ): Promise<void> {
    try {
      switch (m.type) {
        case 'requestDetail': {
          const d = await spec.detail(m.taskId, m.callId);
          channel.post({ type: 'detail', taskId: m.taskId, callId: m.callId, ...d });
          break;
        }
        case 'openTask':
          await this.deps.openTask(m.taskId);
          break;
        case 'decideApproval': {
          if (spec.readOnly) break;
          // The page waits for word on this approval ("Decision sent…"): it always gets one.
          const after = await this.deps.decide(m.approvalId, m.decision, m.reason ?? '');
          if (after) channel.post({ type: 'approvalChanged', approval: after });
          break;
        }
        case 'exportBundle':
          if (!spec.readOnly) await vscode.commands.executeCommand('airlock.exportBundle', m.taskId);
          break;
        case 'requestReview':
          channel.post(await answerReview(spec.recorded, m.taskId));
          break;
        case 'suggestPolicy':
          await openSuggestedPolicy(spec.recorded, m.taskId);
          break;
        case 'comparePolicy':
          await compareSessionWithPolicy(spec.recorded, m.taskId, this.deps.policyFile?.());
          break;
        case 'copyCloudTrail': {
          const c = await cloudTrailCopy(spec.recorded, m.taskId, m.callId);
          if ('error' in c) {
            void vscode.window.showWarningMessage(`Airlock: ${c.error}`);
            break;
          }
          await vscode.env.clipboard.writeText(c.text);
          vscode.window.setStatusBarMessage(`Airlock: ${c.note}`, 5000);
          break;
        }
        case 'endTask':
          if (!spec.readOnly) await vscode.commands.executeCommand(END_TASK_COMMAND, m.taskId);
          break;
        case 'copyCliCommand':
          await copyCliCommand(m.text);
          break;
        case 'openRule':
          await openRuleInPolicy(this.deps.policyFile?.(), m.ruleId);
          break;
      }
    } catch (e) {
      this.deps.log.warn(`timeline: ${m.type} failed: ${e instanceof Error ? e.message : String(e)}`);
      if (m.type === 'requestDetail') channel.post({ type: 'detail', taskId: m.taskId, callId: m.callId });
    }
  }
}
