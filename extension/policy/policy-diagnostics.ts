import * as vscode from 'vscode';
import { policyProblems } from './policy-problems';

/**
 * Marks the workspace policy's problems where they are written, as the user types: what the
 * gateway would refuse (error) and patterns that match nothing AWS has (warning), the same
 * findings `airlock policy check` prints.
 */
export class PolicyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('airlock-policy');
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly policyFile: () => string | undefined) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.check(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
    );
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  private check(document: vscode.TextDocument): void {
    const file = this.policyFile();
    if (!file || document.uri.scheme !== 'file' || document.uri.fsPath !== vscode.Uri.file(file).fsPath)
      return;
    const problems = policyProblems(document.getText(), file);
    this.collection.set(
      document.uri,
      problems.map((p) => {
        const start = new vscode.Position(p.line, p.column);
        const d = new vscode.Diagnostic(
          new vscode.Range(start, start.translate(0, p.length)),
          p.message,
          p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'Airlock';
        return d;
      }),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
