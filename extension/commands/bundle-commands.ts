import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { BundleError } from '../../gateway/bundle/bundle-error';
import { exportBundle } from '../../gateway/bundle/export-bundle';
import { importBundle, type ImportResult } from '../../gateway/bundle/import-bundle';
import { describeSigner } from '../../gateway/bundle/signer-trust';
import type { TaskInfo } from '../../gateway/protocol';
import type { AirlockClient } from '../control/airlock-client';
import { BUNDLE_VIEW_TYPE } from '../timeline/bundle-editor';
import { ensureIgnoredExportDir, proposedExportPath } from './export-location';
import { REFRESH_TIMELINE_COMMAND } from '../timeline/register-timeline';
import { signerTrustSource } from '../timeline/signer-trust';

export interface BundleCommandDeps {
  readonly dataDir: string;
  /** The running gateway, when there is one: task names and states, the policy in force. */
  readonly client: () => AirlockClient | undefined;
  /** The task new terminals use, offered first. */
  readonly currentTaskId: () => string | undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Tasks with a recording: the gateway's registry when it runs, else the journal files. */
async function recordedTasks(deps: BundleCommandDeps): Promise<readonly TaskInfo[] | readonly string[]> {
  const client = deps.client();
  if (client) {
    const tasks = await client.listTasks().catch(() => undefined);
    if (tasks) return [...tasks].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }
  const files = await readdir(join(deps.dataDir, 'journal')).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.jsonl')).map((f) => f.slice(0, -'.jsonl'.length));
}

async function pickTask(
  deps: BundleCommandDeps,
  tasks: readonly TaskInfo[] | readonly string[],
): Promise<TaskInfo | string | undefined> {
  if (tasks.length === 0) {
    void vscode.window.showInformationMessage(
      'Airlock: there is no recorded task to export yet. Make a call in a terminal, then try again.',
    );
    return undefined;
  }
  const current = deps.currentTaskId();
  const items = tasks.map((t) =>
    typeof t === 'string'
      ? { label: t, task: t as TaskInfo | string }
      : {
          label: t.name,
          description: `${t.state}${t.taskId === current ? ' · current' : ''}`,
          detail: `${t.taskId} · started ${new Date(t.startedAt).toLocaleString()}`,
          task: t as TaskInfo | string,
        },
  );
  items.sort((a, b) => Number(idOf(b.task) === current) - Number(idOf(a.task) === current));
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Airlock: Export Session Bundle',
    placeHolder: 'Which task’s session should be exported as a signed bundle?',
  });
  return pick?.task;
}

function idOf(t: TaskInfo | string): string {
  return typeof t === 'string' ? t : t.taskId;
}

function fileNameFor(t: TaskInfo | string): string {
  const name = typeof t === 'string' ? t : t.name;
  const safe = name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'session';
  return `${safe}.airlock`;
}

/**
 * "Airlock: Export Session Bundle…": the task's recording as one signed `.airlock` file (the
 * gateway's own bundle writer, in process: it needs only the data folder). `taskId` comes from
 * the timeline's export button; from the palette the user picks the task.
 */
export async function exportSessionBundle(deps: BundleCommandDeps, taskId?: string): Promise<void> {
  const known = await recordedTasks(deps);
  const task: TaskInfo | string | undefined =
    typeof taskId === 'string'
      ? (known.find((t) => idOf(t) === taskId) ?? taskId)
      : await pickTask(deps, known);
  if (task === undefined) return;
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  const proposed = proposedExportPath(homedir(), folder, fileNameFor(task));
  if (folder) await ensureIgnoredExportDir(proposed, folder);
  const target = await vscode.window.showSaveDialog({
    title: 'Airlock: Save Session Bundle',
    defaultUri: vscode.Uri.file(proposed),
    filters: { 'Airlock session bundles': ['airlock'] },
    saveLabel: 'Export',
  });
  if (!target) return;
  const client = deps.client();
  const policy = client ? await client.policy().catch(() => undefined) : undefined;
  const exportIt = (allowTruncated: boolean): ReturnType<typeof exportBundle> =>
    exportBundle({
      dataDir: deps.dataDir,
      taskId: idOf(task),
      out: target.fsPath,
      workspacePolicy: policy ? { policy: policy.policy, source: policy.source } : undefined,
      state: typeof task === 'string' ? undefined : { state: task.state, endedAt: task.endedAt },
      allowTruncated,
    });
  try {
    let r;
    try {
      r = await exportIt(false);
    } catch (e) {
      if (!(e instanceof BundleError) || e.code !== 'JournalTruncated') throw e;
      // Events were removed from the journal: exporting what is left is evidence too, marked as such.
      const pick = await vscode.window.showWarningMessage(
        `Airlock: ${e.message.replace(/ To export what is left.*$/, '')}`,
        { modal: true, detail: 'The bundle can hold what is left, marked INCOMPLETE in its signed header.' },
        'Export Marked Incomplete',
      );
      if (pick !== 'Export Marked Incomplete') return;
      r = await exportIt(true);
    }
    const pick = await vscode.window.showInformationMessage(
      `Airlock: exported ${r.events} events of ${typeof task === 'string' ? task : task.name} to ${basename(r.file)}, signed by ${r.fingerprint}.`,
      'Open Bundle',
    );
    if (pick === 'Open Bundle')
      await vscode.commands.executeCommand('vscode.openWith', target, BUNDLE_VIEW_TYPE);
  } catch (e) {
    void vscode.window.showErrorMessage(
      e instanceof BundleError
        ? `Airlock could not export the session: ${e.message}`
        : `Airlock could not export the session (${errorText(e)}). Check that the folder is writable and try again.`,
    );
  }
}

/**
 * "Airlock: Import Session Bundle…": verifies a bundle a teammate sent, keeps it read-only in the
 * recording store (it then appears in the task list with its signer) and opens it. A bundle that
 * does not verify is not imported; it still opens, so the user sees exactly what failed.
 */
export async function importSessionBundle(deps: BundleCommandDeps, uri?: vscode.Uri): Promise<void> {
  const file =
    uri ??
    (
      await vscode.window.showOpenDialog({
        title: 'Airlock: Import Session Bundle',
        filters: { 'Airlock session bundles': ['airlock'] },
        canSelectMany: false,
        openLabel: 'Import',
      })
    )?.[0];
  if (!file) return;
  const trust = await signerTrustSource(deps.dataDir, deps.client)();
  try {
    let r: ImportResult;
    try {
      r = await importBundle(deps.dataDir, file.fsPath, { trust });
    } catch (e) {
      if (!(e instanceof BundleError) || e.code !== 'UnknownSigner') throw e;
      // A valid signature by a key nobody here knows: the user decides, having seen the fingerprint.
      const pick = await vscode.window.showWarningMessage(
        `Airlock: ${basename(file.fsPath)} is signed by a key that is not this gateway's and not pinned in the workspace policy's trustedSigners.`,
        {
          modal: true,
          detail: `${e.message.replace(/^not imported: /, '')}`,
        },
        'Import Anyway',
      );
      if (pick !== 'Import Anyway') {
        await vscode.commands.executeCommand('vscode.openWith', file, BUNDLE_VIEW_TYPE);
        return;
      }
      r = await importBundle(deps.dataDir, file.fsPath, { trust, allowUnknownSigner: true });
    }
    // A task list that fails to re-list must not turn a good import into an error.
    await vscode.commands.executeCommand(REFRESH_TIMELINE_COMMAND).then(undefined, () => undefined);
    void vscode.window.showInformationMessage(
      r.unchanged
        ? `Airlock: ${basename(file.fsPath)} was already imported (signed by ${r.fingerprint}).`
        : `Airlock: imported ${r.events} events from ${basename(file.fsPath)}${r.incomplete ? ' (INCOMPLETE: events were removed before export)' : ''}, ${describeSigner(r.signer)}.`,
    );
  } catch (e) {
    void vscode.window.showErrorMessage(
      e instanceof BundleError
        ? `Airlock did not import ${basename(file.fsPath)}: ${e.message.replace(/^not imported: /, '')}. The bundle is opened so you can see what failed.`
        : `Airlock could not read ${basename(file.fsPath)} (${errorText(e)}).`,
    );
  }
  await vscode.commands.executeCommand('vscode.openWith', file, BUNDLE_VIEW_TYPE);
}
