import * as vscode from 'vscode';
import type { IdentityStatus } from '../../gateway/protocol';
import type { GatewayState } from '../gateway/gateway-supervisor';
import { identityPresentation } from '../identity/identity-view';

export const STATUS_MENU_COMMAND = 'airlock.showMenu';

export interface StatusView {
  readonly gateway: GatewayState;
  readonly taskName?: string;
  readonly pending: number;
  readonly dataDir: string;
  /** Where the gateway's credentials come from, and who is signed in (OIDC mode). */
  readonly identity?: IdentityStatus;
}

function short(text: string, max = 32): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The status bar item's text, tooltip and colour for a state (pure, so it reads like a table). */
export function statusPresentation(v: StatusView): {
  text: string;
  tooltip: string;
  tone: 'normal' | 'warning' | 'error';
} {
  const pending = v.pending > 0 ? ` $(bell-dot) ${v.pending}` : '';
  const pendingLine =
    v.pending > 0 ? `\n\n${v.pending} call${v.pending === 1 ? '' : 's'} waiting for your approval.` : '';
  switch (v.gateway.kind) {
    case 'running': {
      const id = identityPresentation(v.identity);
      return {
        text: `$(shield) Airlock · ${short(v.taskName ?? 'no task')}${id.text}${pending}`,
        tooltip: `Airlock gateway running on 127.0.0.1:${v.gateway.port}.\n\nCurrent task: ${v.taskName ?? 'none'}.${id.line ? `\n\n${id.line}` : ''}${pendingLine}`,
        tone: v.pending > 0 || id.signedOut ? 'warning' : 'normal',
      };
    }
    case 'starting':
      return {
        text: '$(sync~spin) Airlock · starting',
        tooltip: 'Starting the Airlock gateway…',
        tone: 'normal',
      };
    case 'restarting':
      return {
        text: '$(warning) Airlock · restarting',
        tooltip: `${v.gateway.reason} Restarting it in ${Math.round(v.gateway.delayMs / 1000)} s (attempt ${v.gateway.attempt}). AWS calls from terminals fail until it is back.`,
        tone: 'warning',
      };
    case 'failed':
      return {
        text: '$(error) Airlock · gateway stopped',
        tooltip: `${v.gateway.reason}\n\nAWS calls from terminals fail. See "Airlock: Show Gateway Log", fix the setting, then "Airlock: Restart Gateway".`,
        tone: 'error',
      };
    case 'stopped':
      return {
        text: '$(circle-slash) Airlock · stopped',
        tooltip: 'The Airlock gateway is not running.',
        tone: 'warning',
      };
  }
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'airlock.status',
    vscode.StatusBarAlignment.Left,
    50,
  );

  constructor() {
    this.item.name = 'Airlock';
    this.item.command = STATUS_MENU_COMMAND;
    this.item.show();
  }

  update(v: StatusView): void {
    const p = statusPresentation(v);
    this.item.text = p.text;
    const tooltip = new vscode.MarkdownString(`${p.tooltip}\n\nData: \`${v.dataDir}\``);
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      p.tone === 'normal'
        ? undefined
        : new vscode.ThemeColor(
            p.tone === 'error' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground',
          );
  }

  dispose(): void {
    this.item.dispose();
  }
}
