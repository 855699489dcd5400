import * as vscode from 'vscode';
import { statusPresentation, type StatusView } from './status-presentation';

export type { StatusView } from './status-presentation';

export const STATUS_MENU_COMMAND = 'airlock.showMenu';

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
