import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';

/**
 * Where "Export Session Bundle" proposes to save: the home folder, never inside the workspace. A
 * bundle holds a task's calls and parameters; saved in the workspace it is one `git add .` away
 * from being published. When the home folder is itself inside the workspace (a workspace opened
 * at `/` or at home), it goes under `.airlock/exports/`, whose `.gitignore` keeps it out of git
 * (`ensureIgnoredExportDir`).
 */
export function proposedExportPath(home: string, workspace: string | undefined, fileName: string): string {
  const inside = (dir: string, root: string): boolean => {
    const rel = relative(root, dir);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  if (workspace && inside(home, workspace)) return join(workspace, '.airlock', 'exports', fileName);
  return join(home, fileName);
}

/** Makes the in-workspace export folder, with a `.gitignore` that ignores everything in it. */
export async function ensureIgnoredExportDir(path: string, workspace: string): Promise<void> {
  const dir = dirname(path);
  if (dir !== join(workspace, '.airlock', 'exports')) return;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '.gitignore'), '# Airlock session bundles: not for the repository\n*\n', {
    flag: 'wx',
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
}
