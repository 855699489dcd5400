import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const VSIX_PATH = join(REPO_ROOT, 'airlock.vsix');

function newer(a: string, b: string): boolean {
  return existsSync(a) && existsSync(b) && statSync(a).mtimeMs > statSync(b).mtimeMs;
}

/**
 * The packaged extension as `npm run build` leaves it. Repackaged here only when the bundles are
 * newer than the .vsix (the bundles themselves come from `npm run build`, which e2e never runs).
 */
export async function ensureVsix(): Promise<string> {
  // The timeline webview too: a change to it alone must not leave the old page in the package.
  const bundles = ['extension.js', 'gateway.js', 'webview/timeline.js', 'webview/timeline.css'].map((f) =>
    join(REPO_ROOT, 'dist', f),
  );
  for (const b of bundles) if (!existsSync(b)) throw new Error(`${b} is missing: run "npm run build" first.`);
  if (existsSync(VSIX_PATH) && !bundles.some((b) => newer(b, VSIX_PATH))) return VSIX_PATH;
  await new Promise<void>((done, fail) => {
    const p = spawn('npm', ['run', '--silent', 'build:vsix'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', fail);
    p.on('close', (code) =>
      code === 0 ? done() : fail(new Error(`npm run build:vsix failed (${code}):\n${out}`)),
    );
  });
  return VSIX_PATH;
}
