import { basename } from 'node:path';
import * as vscode from 'vscode';
import { type BundleSession, openBundle } from './bundle-session';
import type { TrustSource } from './signer-trust';
import type { TimelineHost } from './timeline-host';
import { webviewOptions } from './webview-channel';
import { eventMessages } from './wire-events';

export const BUNDLE_VIEW_TYPE = 'airlock.bundle';

class BundleDocument implements vscode.CustomDocument {
  private session: Promise<BundleSession> | undefined;

  constructor(
    readonly uri: vscode.Uri,
    private readonly trust: TrustSource,
  ) {}

  /** Verified once per document (in process, offline), whatever the number of editors on it. */
  open(): Promise<BundleSession> {
    const session =
      this.session ??
      Promise.all([vscode.workspace.fs.readFile(this.uri), this.trust()]).then(([bytes, trust]) =>
        openBundle(Buffer.from(bytes), basename(this.uri.path, '.airlock'), trust),
      );
    this.session = session;
    return session;
  }

  dispose(): void {
    this.session = undefined;
  }
}

/**
 * `*.airlock` files open here: the bundle is verified with the gateway's own verifier (signature,
 * then every event against the signed chain) and shown read-only with a banner that says who
 * signed it and whether that key is known (this gateway's, or pinned in trustedSigners), or
 * exactly what failed. A bundle that fails still opens, showing what can be read.
 */
export class BundleEditorProvider implements vscode.CustomReadonlyEditorProvider<BundleDocument> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: TimelineHost,
    private readonly log: vscode.LogOutputChannel,
    private readonly trust: TrustSource,
  ) {}

  openCustomDocument(uri: vscode.Uri): BundleDocument {
    return new BundleDocument(uri, this.trust);
  }

  resolveCustomEditor(doc: BundleDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    const channel = this.host.connect(panel.webview, {
      surface: 'panel',
      readOnly: true,
      onReady: async (send) => {
        let s: BundleSession;
        try {
          s = await doc.open();
        } catch (e) {
          // Unreadable file: still a page that says so.
          const message = e instanceof Error ? e.message : String(e);
          this.log.warn(`timeline: could not read ${doc.uri.fsPath}: ${message}`);
          const taskId = basename(doc.uri.path, '.airlock') || 'bundle';
          send(this.host.init({ kind: 'session', taskId }, 'bundle', []));
          send({
            type: 'bundleVerification',
            taskId,
            verification: { state: 'failed', code: 'unreadable', message },
          });
          return;
        }
        send(this.host.init({ kind: 'session', taskId: s.sessionId }, 'bundle', [s.summary]));
        send({ type: 'bundleVerification', taskId: s.sessionId, verification: s.verification });
        for (const m of eventMessages(s.sessionId, s.events, true)) send(m);
      },
      detail: async (_taskId, callId) => (await doc.open()).detail(callId),
      recorded: async () => {
        const s = await doc.open();
        if (!s.verifiedEvents) throw new Error('the bundle does not verify, so it has no review');
        const incomplete = s.verification.state === 'verified' ? s.verification.incomplete : undefined;
        const warnings = [incomplete, s.reviewNote].filter((w): w is string => w !== undefined);
        return { events: s.verifiedEvents, warnings, carried: s.carriedReview };
      },
    });
    panel.onDidDispose(() => channel.dispose());
    void doc.open().then(
      (s) => {
        if (s.verification.state === 'failed')
          this.log.warn(`bundle ${doc.uri.fsPath} failed verification: ${s.verification.message}`);
        else if (s.verification.known === false)
          this.log.warn(
            `bundle ${doc.uri.fsPath} verified, but signed by an unknown key ${s.verification.fingerprint}`,
          );
        else this.log.info(`bundle ${doc.uri.fsPath} verified, signed by ${s.verification.fingerprint}`);
      },
      () => undefined,
    );
  }
}
