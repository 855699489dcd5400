import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { timelineHtml } from '../../webview/src/host-html';
import type { HostMessage, WebviewMessage } from '../../webview/src/protocol';
import { parseWebviewMessage } from '../../webview/src/protocol-guards';

export type Surface = 'sidebar' | 'panel';

/** Everything the webview may load comes from here: the built timeline, nothing else. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

/** The page (webview/src/host-html.ts): strict CSP, a fresh nonce per load. */
export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, surface: Surface): string {
  const root = webviewRoot(extensionUri);
  const uri = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
  return timelineHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    scriptUri: uri('timeline.js'),
    styleUri: uri('timeline.css'),
    codiconUri: uri('codicon.css'),
    surface,
  });
}

export interface ChannelHooks {
  /**
   * The webview (re)loaded and listens: send `init` and every event through `send` (which goes
   * out ahead of anything queued meanwhile).
   */
  onReady(send: (message: HostMessage) => void): Promise<void>;
  onMessage(message: Exclude<WebviewMessage, { type: 'ready' }>): void;
}

/**
 * One webview's end of the protocol (webview/src/protocol.ts): messages wait until the webview
 * says `ready`, every `ready` is answered by a full re-send (so a hidden view can drop its page
 * and no `retainContextWhenHidden` is needed), and what the webview posts is checked with
 * `parseWebviewMessage` before anyone sees it.
 */
export class WebviewChannel implements vscode.Disposable {
  private listening = false;
  private queue: HostMessage[] = [];
  private generation = 0;
  private readonly subscription: vscode.Disposable;

  constructor(
    readonly webview: vscode.Webview,
    private readonly hooks: ChannelHooks,
    private readonly onError: (message: string) => void,
    private readonly onDispose?: () => void,
  ) {
    this.subscription = webview.onDidReceiveMessage((data: unknown) => this.receive(data));
  }

  /** Sends now, or after the next `ready` (in order) while the webview is not listening. */
  post(message: HostMessage): void {
    if (this.listening) void this.webview.postMessage(message);
    else this.queue.push(message);
  }

  dispose(): void {
    this.subscription.dispose();
    this.queue = [];
    this.onDispose?.();
  }

  private receive(data: unknown): void {
    const msg = parseWebviewMessage(data);
    if (!msg) {
      this.onError('the timeline webview posted a message that is not in the protocol; ignored');
      return;
    }
    if (msg.type === 'ready') void this.reset();
    else this.hooks.onMessage(msg);
  }

  private async reset(): Promise<void> {
    const gen = ++this.generation;
    this.listening = false;
    // The re-send replaces queued events, tasks, approvals, theme and details; a reveal is kept.
    const kept = this.queue.filter((m) => m.type === 'reveal' || m.type === 'showReview');
    this.queue = [];
    try {
      await this.hooks.onReady((m) => {
        if (gen === this.generation) void this.webview.postMessage(m);
      });
    } catch (e) {
      this.onError(`the timeline could not be sent: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (gen !== this.generation) return;
    // Batches that arrived during the re-send may go past it; the webview skips repeated seqs.
    const later = this.queue;
    this.queue = [];
    this.listening = true;
    for (const m of [...later, ...kept]) void this.webview.postMessage(m);
  }
}
