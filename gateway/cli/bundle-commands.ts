import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BundleError } from '../bundle/bundle-error';
import { exportBundle } from '../bundle/export-bundle';
import { importBundle } from '../bundle/import-bundle';
import { describeSigner } from '../bundle/signer-trust';
import { verifyBundle } from '../bundle/verify-bundle';
import { ControlClient } from '../control/control-client';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { readTaskStates } from './recording-store';
import { signerTrustFor } from './signer-trust-source';

/** `airlock verify` exits with this when the bundle is intact but says its session is not whole. */
export const EXIT_INCOMPLETE = 3;

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
      'allow-truncated': { type: 'boolean', default: false },
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
    allowTruncated: values['allow-truncated'],
  }).catch(asCliError);
  if (r.incomplete)
    process.stderr.write(
      `airlock: warning: ${r.incomplete}; the bundle is marked INCOMPLETE in its signed header\n`,
    );
  if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else
    process.stdout.write(
      `exported ${r.events} events of ${taskId} to ${r.file} (${r.bytes} bytes)${r.incomplete ? ', INCOMPLETE' : ''}, signed by ${r.fingerprint}\n`,
    );
  return 0;
}

/**
 * `airlock verify FILE`: offline; exit 0 when the bundle verifies, 1 naming what failed, 3 when it
 * verifies but says its session is incomplete. The signer is named, known or UNKNOWN (a warning:
 * a valid signature by a fresh key proves nothing about who recorded the session).
 */
export async function runVerifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    // --data-dir: whose own signing key counts as known (verifying itself needs only the file).
    options: {
      'data-dir': { type: 'string' },
      'expect-signer': { type: 'string' },
      policy: { type: 'string' },
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
  const trust = await signerTrustFor(resolveDataDir(values['data-dir']), values.policy);
  const v = await verifyBundle(bytes, { expectSigner: values['expect-signer'], trust });
  if (values.json) {
    const out = v.ok
      ? {
          ok: true,
          events: v.count,
          fingerprint: v.fingerprint,
          signer: v.signer,
          incomplete: v.incomplete,
          review: v.review
            ? 'carried, matches the events'
            : (v.reviewNote ?? 'not carried (version 1 bundle)'),
          task: v.header.task,
        }
      : { ok: false, fault: v.fault };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else if (v.ok) {
    const who = v.signer.known ? `known: ${v.signer.name ?? 'expected'}` : 'UNKNOWN signer';
    process.stdout.write(
      `verified${v.incomplete ? ' (INCOMPLETE)' : ''}: ${v.count} events, signed by ${v.fingerprint} (${who})\n`,
    );
  } else {
    process.stderr.write(`airlock: not verified: ${v.fault.message} [${v.fault.kind}]\n`);
  }
  if (v.ok && !v.signer.known) process.stderr.write(`airlock: warning: ${describeSigner(v.signer)}\n`);
  if (v.ok && v.incomplete) process.stderr.write(`airlock: warning: INCOMPLETE: ${v.incomplete}\n`);
  if (v.ok && v.reviewNote) process.stderr.write(`airlock: note: ${v.reviewNote}\n`);
  return v.ok ? (v.incomplete ? EXIT_INCOMPLETE : 0) : 1;
}

/** `airlock import FILE`: a verified bundle joins the local store as a read-only session. */
export async function runImportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      'expect-signer': { type: 'string' },
      'allow-unknown-signer': { type: 'boolean', default: false },
      policy: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (!file)
    throw new CliError('Usage: airlock import FILE.airlock [--expect-signer FP | --allow-unknown-signer]', 2);
  const dataDir = resolveDataDir(values['data-dir']);
  const r = await importBundle(dataDir, file, {
    expectSigner: values['expect-signer'],
    allowUnknownSigner: values['allow-unknown-signer'],
    trust: await signerTrustFor(dataDir, values.policy),
  }).catch(asCliError);
  if (!r.signer.known) process.stderr.write(`airlock: warning: ${describeSigner(r.signer)}\n`);
  if (r.incomplete) process.stderr.write(`airlock: warning: INCOMPLETE: ${r.incomplete}\n`);
  if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else
    process.stdout.write(
      `${r.unchanged ? 'already imported' : 'imported'}: session ${r.session} (${r.events} events, read-only${r.incomplete ? ', INCOMPLETE' : ''}), ${describeSigner(r.signer)}\n`,
    );
  return 0;
}
