// Runs inside VS Code's extension host, next to the Airlock extension loaded from the source
// folder (harness/in-host.ts). Checks what only the `vscode` API can see exactly: the commands
// the extension registered, the environment its collection gives real terminals, and settings
// reaching the gateway process.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runChecks } from '../harness/in-host-report';

const EXTENSION_ID = 'airlock-dev.airlock';

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(300);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs `script` in a real terminal (shell integration aside: bash -c) and returns its output. */
async function inTerminal(script: string): Promise<string> {
  const out = join(tmpdir(), `airlock-inhost-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const terminal = vscode.window.createTerminal({
    name: 'airlock in-host check',
    shellPath: '/bin/bash',
    shellArgs: ['-c', `{ ${script} ; } > ${out}.tmp 2>&1; mv ${out}.tmp ${out}`],
  });
  try {
    return await until(`terminal output of "${script}"`, () => readFile(out, 'utf8'), 60_000);
  } finally {
    terminal.dispose();
    await rm(out, { force: true });
  }
}

function parseEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env.set(line.slice(0, i), line.slice(i + 1));
  }
  return env;
}

/** A new terminal's environment once Airlock has set it (the gateway may still be starting). */
async function routedTerminalEnv(ready: (env: Map<string, string>) => boolean): Promise<Map<string, string>> {
  return until('a terminal environment routed through Airlock', async () => {
    const env = parseEnv(await inTerminal('env'));
    return ready(env) ? env : undefined;
  });
}

/** The gateway child process of this extension host, by its command line. */
async function gatewayArgv(): Promise<string[] | undefined> {
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== process.pid) continue;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv.some((a) => a.endsWith('gateway.js')) && argv.includes('gateway')) return argv;
  }
  return undefined;
}

export async function run(): Promise<void> {
  const report = process.env.AIRLOCK_INHOST_REPORT;
  if (!report) throw new Error('AIRLOCK_INHOST_REPORT is not set');
  const realSecret = process.env.AWS_SECRET_ACCESS_KEY ?? '';
  const realToken = process.env.AWS_SESSION_TOKEN ?? '';
  const config = vscode.workspace.getConfiguration('airlock');

  await runChecks(
    report,
    [
      [
        'the extension activates by itself and registers every command it contributes',
        async () => {
          const ext = await until('the Airlock extension', () =>
            Promise.resolve(vscode.extensions.getExtension(EXTENSION_ID)),
          );
          await until('activation', () => Promise.resolve(ext.isActive ? true : undefined));
          const contributed = (ext.packageJSON as { contributes: { commands: { command: string }[] } })
            .contributes.commands;
          const registered = new Set(await vscode.commands.getCommands(true));
          const missing = contributed.map((c) => c.command).filter((c) => !registered.has(c));
          assert.deepEqual(missing, []);
        },
      ],
      [
        'a new terminal gets the task key and the gateway, and none of the real credentials',
        async () => {
          const env = await routedTerminalEnv((e) => !!e.get('AWS_ENDPOINT_URL'));
          assert.match(env.get('AWS_ENDPOINT_URL') ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
          assert.match(env.get('AWS_ACCESS_KEY_ID') ?? '', /^AKAL/);
          assert.match(env.get('HTTPS_PROXY') ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
          assert.ok((env.get('AWS_CA_BUNDLE') ?? '').endsWith('ca.pem'));
          assert.equal(env.get('AWS_SESSION_TOKEN') ?? '', '', 'the real session token is emptied');
          const all = [...env.entries()].map(([k, v]) => `${k}=${v}`).join('\n');
          assert.ok(realSecret.length > 0 && !all.includes(realSecret), 'real secret key in a terminal');
          assert.ok(realToken.length > 0 && !all.includes(realToken), 'real session token in a terminal');
        },
      ],
      [
        'the AWS CLI in such a terminal is answered through the gateway',
        async () => {
          const out = await inTerminal('aws sts get-caller-identity --output json; echo "rc=$?"');
          assert.match(out, /rc=0/, out);
          assert.match(out, /"Account": "\d{12}"/, out);
        },
      ],
      [
        'turning proxy routing off takes the proxy variables out of new terminals',
        async () => {
          await config.update('routing.modes', ['endpoint'], vscode.ConfigurationTarget.Global);
          try {
            const env = await routedTerminalEnv((e) => !!e.get('AWS_ENDPOINT_URL') && !e.get('HTTPS_PROXY'));
            assert.equal(env.get('AWS_CA_BUNDLE') ?? '', '');
          } finally {
            await config.update('routing.modes', undefined, vscode.ConfigurationTarget.Global);
          }
        },
      ],
      [
        'the retention setting reaches a restarted gateway as --retention-days',
        async () => {
          await config.update('recording.retentionDays', 7, vscode.ConfigurationTarget.Global);
          const argv = await until('a gateway started with --retention-days 7', async () => {
            const a = await gatewayArgv();
            return a && a[a.indexOf('--retention-days') + 1] === '7' ? a : undefined;
          });
          assert.ok(argv.includes('--data-dir'));
          // And it answers: terminals keep working on the restarted gateway.
          const out = await inTerminal('aws sts get-caller-identity --output json; echo "rc=$?"');
          assert.match(out, /rc=0/, out);
        },
      ],
    ],
    (file, text) => writeFile(file, text),
  );
}
