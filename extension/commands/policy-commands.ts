import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_POLICY_DOCUMENT } from '../../gateway/policy-file/default-policy';
import { POLICY_RELATIVE_PATH } from '../policy/policy-file';

/**
 * "Airlock: Open Workspace Policy": opens .airlock/policy.json, creating it from the default on
 * demand. `created` runs once the new file is on disk: file watchers can miss a file written
 * into a directory that did not exist a moment ago, so the caller is told directly.
 */
export async function openPolicy(policyFile: string | undefined, created: () => void): Promise<void> {
  if (!policyFile) {
    void vscode.window.showInformationMessage(
      `Airlock: open a folder first — the workspace policy lives in <folder>/${POLICY_RELATIVE_PATH}.`,
    );
    return;
  }
  const uri = vscode.Uri.file(policyFile);
  let exists = true;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    exists = false;
  }
  if (!exists) {
    const create = await vscode.window.showInformationMessage(
      `This workspace has no ${POLICY_RELATIVE_PATH}. Create it from Airlock's default policy (ask before IAM writes, security-group changes, deletes and terminations; deny account and organization changes)?`,
      { modal: true },
      'Create Policy',
    );
    if (create !== 'Create Policy') return;
    await mkdir(dirname(policyFile), { recursive: true });
    // The gateway's built-in policy (what is in force without a file), made the workspace's own.
    const policy = {
      ...DEFAULT_POLICY_DOCUMENT,
      description:
        "This workspace's Airlock policy, started from Airlock's built-in one. Shared with everyone who opens the workspace.",
    };
    await writeFile(policyFile, JSON.stringify(policy, null, 2) + '\n', { flag: 'wx' });
    created();
  }
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
}
