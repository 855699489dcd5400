import { sign } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../journal/canonical-json';
import { type ChainHead, EMPTY_HEAD } from '../journal/chain';
import type { JournalEvent } from '../journal/events';
import { checkEnd, describeEndFault, type EndFault, type RecordedHead } from '../journal/recorded-head';
import { scanLines } from '../journal/scan-lines';
import { writeFileDurable } from '../storage/durable-file';
import { readRecordedHeads } from '../tasks/journal-heads';
import { BundleError } from './bundle-error';
import { reviewForBundle } from './carried-review';
import { BUNDLE_FORMAT, BUNDLE_MAGIC, BUNDLE_VERSION, type BundleHeader, type BundlePolicy } from './format';
import { gzipCanonical } from './gzip-frame';
import { loadOrCreateSigningKey } from './signing-key';
import { summariseEvents } from './summarise';

const SAFE_ID = /^[A-Za-z0-9_.-]{1,128}$/;

export interface ExportOptions {
  readonly dataDir: string;
  readonly taskId: string;
  readonly out: string;
  /** The workspace policy in force, when the exporter knows it (the running gateway's GET /policy). */
  readonly workspacePolicy?: { readonly policy: unknown; readonly source?: unknown };
  /** The task's current state from the registry (an expired task has no task.ended event). */
  readonly state?: { readonly state: string; readonly endedAt?: string };
  /**
   * Export a journal that ends before the head the gateway recorded for it (events were removed):
   * the bundle then carries that recorded head, signed, and every reader says it is incomplete.
   */
  readonly allowTruncated?: boolean;
  readonly now?: Date;
}

export interface ExportResult {
  readonly file: string;
  readonly events: number;
  readonly bytes: number;
  readonly fingerprint: string;
  readonly head: { readonly seq: number; readonly hash: string };
  /** Set when the journal was exported short of its recorded head (allowTruncated). */
  readonly incomplete?: string;
}

/**
 * Writes a task's recording as one signed bundle (format.ts). The journal is verified on the way
 * (a tampered journal is not exported); its lines already are the canonical bytes each hash
 * covers, so export re-serialises nothing but the header.
 */
export async function exportBundle(o: ExportOptions): Promise<ExportResult> {
  if (!SAFE_ID.test(o.taskId)) throw new BundleError('NoSuchTask', `"${o.taskId}" is not a task id.`);
  const journalFile = join(o.dataDir, 'journal', `${o.taskId}.jsonl`);
  // The recorded head first: read after the journal it could be newer than what was read.
  const heads = await readRecordedHeads(o.dataDir);
  const recorded = heads.get(o.taskId);
  const exists = await stat(journalFile).catch(() => undefined);
  if (!exists)
    throw new BundleError(
      recorded && !heads.pruned(o.taskId) ? 'JournalTruncated' : 'NoSuchTask',
      recorded && !heads.pruned(o.taskId)
        ? `journal of task ${o.taskId} is missing but the gateway recorded seq ${recorded.seq}: events were removed`
        : `No recording for task ${o.taskId} in ${o.dataDir}.`,
    );
  const key = await loadOrCreateSigningKey(o.dataDir);
  const { parts, head, count, events, versions, endFault } = await readForExport(
    journalFile,
    o.taskId,
    recorded,
  );
  const incomplete = endFault ? describeEndFault(o.taskId, endFault) : undefined;
  if (incomplete && !o.allowTruncated)
    throw new BundleError(
      'JournalTruncated',
      `${incomplete}; it is not exported as a complete session. To export what is left, marked as incomplete in the signed header, export with --allow-truncated.`,
    );
  const summary = summariseEvents(
    o.taskId,
    events.filter((e) => SUMMARY_TYPES.has(e.type) || hasMasked(e)),
    versions,
  );
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
    events: { count, head, recorded, formatVersions: summary.formatVersions },
    review: reviewForBundle(events, o.taskId),
    signer: {
      algorithm: 'ed25519',
      publicKey: key.publicKeyDer.toString('base64'),
      fingerprint: key.fingerprint,
    },
  };
  const headerLine = canonicalJson(header);
  const signature = sign(null, Buffer.from(headerLine), key.privateKey).toString('base64');
  const body = Buffer.concat([
    Buffer.from(`${headerLine}\n`),
    ...parts,
    Buffer.from(`${JSON.stringify({ signature })}\n`),
  ]);
  const packed = Buffer.concat([
    Buffer.from(`${BUNDLE_MAGIC}${BUNDLE_VERSION}\n`),
    await gzipCanonical(body),
  ]);
  await writeFileDurable(o.out, packed, { mode: 0o644 });
  return { file: o.out, events: count, bytes: packed.length, fingerprint: key.fingerprint, head, incomplete };
}

const NL = Buffer.from('\n');
const CLOSE_NL = Buffer.from('}\n');
const SUMMARY_TYPES = new Set([
  'task.started',
  'task.ended',
  'approval.requested',
  'approval.decided',
  'approval.expired',
]);

function hasMasked(e: JournalEvent): boolean {
  return (e.type === 'call.request' || e.type === 'call.response') && (e.data.masked?.length ?? 0) > 0;
}

/**
 * Reads and verifies a journal for export. Its lines already are the canonical bytes each hash
 * covers plus the hash, so the bundle's event lines are slices of the file; every event is parsed
 * once, for the header's summary and the review it carries.
 */
async function readForExport(
  file: string,
  taskId: string,
  recorded: RecordedHead | undefined,
): Promise<{
  parts: Buffer[];
  head: ChainHead;
  count: number;
  events: JournalEvent[];
  versions: number[];
  endFault?: EndFault;
}> {
  const buf = await readFile(file);
  const parts: Buffer[] = [];
  const events: JournalEvent[] = [];
  const versions = new Set<number>();
  const parse = (start: number, end: number, parsed: unknown): JournalEvent =>
    (parsed ?? JSON.parse(buf.toString('utf8', start, end))) as JournalEvent;
  let hashAtRecorded: string | undefined;
  const r = scanLines(buf, EMPTY_HEAD, 0, (line) => {
    if (line.seq === recorded?.seq) hashAtRecorded = line.hash;
    versions.add(line.v);
    if (line.canonicalEnd !== undefined) parts.push(buf.subarray(line.start, line.canonicalEnd), CLOSE_NL);
    else {
      const { hash: _hash, ...rest } = parse(line.start, line.end, line.parsed);
      parts.push(Buffer.from(canonicalJson(rest)), NL);
    }
    events.push(parse(line.start, line.end, line.parsed));
  });
  if (r.fault)
    throw new BundleError(
      'JournalCorrupt',
      `The journal of task ${taskId} fails verification at line ${r.fault.line} (${r.fault.kind}); it is not exported.`,
    );
  const endFault = checkEnd(r.head, recorded, hashAtRecorded);
  if (r.lines === 0 && !endFault)
    throw new BundleError('EmptyTask', `Task ${taskId} has no recorded events.`);
  return {
    parts,
    head: r.head,
    count: r.lines,
    events,
    versions: [...versions],
    endFault,
  };
}
