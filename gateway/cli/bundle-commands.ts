import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BundleError } from '../bundle/bundle-error';
import { exportBundle } from '../bundle/export-bundle';
import { importBundle } from '../bundle/import-bundle';
import { verifyBundle } from '../bundle/verify-bundle';
import { ControlClient } from '../control/control-client';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { readTaskStates } from './recording-store';

/** The workspace policy in force, asked of the running gateway; undefined when none answers. */
async function policyInForce(dataDir: string): Promise<{ policy: unknown; source?: unknown } | undefined> {
  try {
    const r = await (await ControlClient.fromDataDir(dataDir)).policy(2000);
    return { policy: r.policy, source: r.source };
  } catch {
    return undefined;
  }
}

function asCliError(e: unknown): never {
  if (e instanceof BundleError) throw new CliError(e.message, 1);
  throw e;
}

/** `airlock export TASK -o FILE.airlock`: the task's recording as one signed bundle. */
export async function runExportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      out: { type: 'string', short: 'o' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const taskId = positionals[0];
  if (!taskId || !values.out) throw new CliError('Usage: airlock export TASK -o FILE.airlock', 2);
  const dataDir = resolveDataDir(values['data-dir']);
  const state = (await readTaskStates(dataDir)).get(taskId);
  const r = await exportBundle({
    dataDir,
    taskId,
    out: resolve(values.out),
    workspacePolicy: await policyInForce(dataDir),
    state: state ? { state: state.state, endedAt: state.endedAt } : undefined,
  }).catch(asCliError);
  if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else
    process.stdout.write(
      `exported ${r.events} events of ${taskId} to ${r.file} (${r.bytes} bytes), signed by ${r.fingerprint}\n`,
    );
  return 0;
}

/** `airlock verify FILE`: offline; exit 0 when the bundle verifies, 1 naming what failed. */
export async function runVerifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    // --data-dir is accepted like every command's, and unused: verifying needs nothing but the file.
    options: {
      'data-dir': { type: 'string' },
      'expect-signer': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (!file) throw new CliError('Usage: airlock verify FILE.airlock [--expect-signer SHA256:...]', 2);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new CliError(`Cannot read ${file}: ${(e as Error).message}`, 1);
  }
  const v = await verifyBundle(bytes, { expectSigner: values['expect-signer'] });
  if (values.json) {
    const out = v.ok
      ? { ok: true, events: v.count, fingerprint: v.fingerprint, task: v.header.task }
      : { ok: false, fault: v.fault };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else if (v.ok) {
    process.stdout.write(`verified: ${v.count} events, signed by ${v.fingerprint}\n`);
  } else {
    process.stderr.write(`airlock: not verified: ${v.fault.message} [${v.fault.kind}]\n`);
  }
  return v.ok ? 0 : 1;
}

/** `airlock import FILE`: a verified bundle joins the local store as a read-only session. */
export async function runImportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      'expect-signer': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (!file) throw new CliError('Usage: airlock import FILE.airlock', 2);
  const r = await importBundle(resolveDataDir(values['data-dir']), file, values['expect-signer']).catch(
    asCliError,
  );
  if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else
    process.stdout.write(
      `${r.unchanged ? 'already imported' : 'imported'}: session ${r.session} (${r.events} events, read-only), signed by ${r.fingerprint}\n`,
    );
  return 0;
}
