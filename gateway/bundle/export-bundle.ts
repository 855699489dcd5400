import { sign } from 'node:crypto';
import { rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { canonicalJson } from '../journal/canonical-json';
import { readJournalFile } from '../journal/read-journal';
import { BundleError } from './bundle-error';
import { BUNDLE_FORMAT, BUNDLE_MAGIC, BUNDLE_VERSION, type BundleHeader, type BundlePolicy } from './format';
import { loadOrCreateSigningKey } from './signing-key';
import { summariseEvents } from './summarise';

const gzip = promisify(zlib.gzip);
const SAFE_ID = /^[A-Za-z0-9_.-]{1,128}$/;

export interface ExportOptions {
  readonly dataDir: string;
  readonly taskId: string;
  readonly out: string;
  /** The workspace policy in force, when the exporter knows it (the running gateway's GET /policy). */
  readonly workspacePolicy?: { readonly policy: unknown; readonly source?: unknown };
  /** The task's current state from the registry (an expired task has no task.ended event). */
  readonly state?: { readonly state: string; readonly endedAt?: string };
  readonly now?: Date;
}

export interface ExportResult {
  readonly file: string;
  readonly events: number;
  readonly bytes: number;
  readonly fingerprint: string;
  readonly head: { readonly seq: number; readonly hash: string };
}

/**
 * Writes a task's recording as one signed bundle (format.ts). The journal is verified on the way
 * (a tampered journal is not exported); its lines already are the canonical bytes each hash
 * covers, so export re-serialises nothing but the header.
 */
export async function exportBundle(o: ExportOptions): Promise<ExportResult> {
  if (!SAFE_ID.test(o.taskId)) throw new BundleError('NoSuchTask', `"${o.taskId}" is not a task id.`);
  const journalFile = join(o.dataDir, 'journal', `${o.taskId}.jsonl`);
  const exists = await stat(journalFile).catch(() => undefined);
  if (!exists) throw new BundleError('NoSuchTask', `No recording for task ${o.taskId} in ${o.dataDir}.`);
  const key = await loadOrCreateSigningKey(o.dataDir);
  const contents = await readJournalFile(journalFile, { keepCanonical: true });
  if (contents.fault)
    throw new BundleError(
      'JournalCorrupt',
      `The journal of task ${o.taskId} fails verification at line ${contents.fault.line} (${contents.fault.kind}); it is not exported.`,
    );
  const head = contents.head;
  const lines = contents.canonical ?? [];
  if (!head || lines.length === 0)
    throw new BundleError('EmptyTask', `Task ${o.taskId} has no recorded events.`);
  const summary = summariseEvents(o.taskId, contents.events);
  const policy: BundlePolicy = {
    taskScope: summary.taskScope,
    workspace: o.workspacePolicy?.policy,
    workspaceSource: o.workspacePolicy?.source,
    note: o.workspacePolicy
      ? 'workspace policy as in force at export time'
      : 'workspace policy unknown (the gateway was not running at export)',
  };
  const task = o.state ? { ...summary.task, ...o.state } : summary.task;
  const header: BundleHeader = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: (o.now ?? new Date()).toISOString(),
    task,
    policy,
    approvals: summary.approvals,
    masked: summary.masked,
    events: { count: lines.length, head, formatVersions: summary.formatVersions },
    signer: {
      algorithm: 'ed25519',
      publicKey: key.publicKeyDer.toString('base64'),
      fingerprint: key.fingerprint,
    },
  };
  const headerLine = canonicalJson(header);
  const signature = sign(null, Buffer.from(headerLine), key.privateKey).toString('base64');
  const body = `${headerLine}\n${lines.join('\n')}\n${JSON.stringify({ signature })}\n`;
  const packed = Buffer.concat([
    Buffer.from(`${BUNDLE_MAGIC}${BUNDLE_VERSION}\n`),
    await gzip(body, { level: 6 }),
  ]);
  const tmp = `${o.out}.tmp-${process.pid}`;
  await writeFile(tmp, packed, { mode: 0o644 });
  await rename(tmp, o.out);
  return { file: o.out, events: lines.length, bytes: packed.length, fingerprint: key.fingerprint, head };
}
