import { verify } from 'node:crypto';
import { sha256Hex } from '../crypto/sha256-hex';
import { FORMAT_VERSION, GENESIS_HASH, type JournalEvent } from '../journal/events';
import { checkEnd, describeEndFault } from '../journal/recorded-head';
import { ENVELOPE_TAIL, TAIL_WINDOW } from '../journal/scan-lines';
import type { BundleFault } from './bundle-error';
import type { TaskReview } from '../review/review-types';
import { checkCarriedReview } from './carried-review';
import { BUNDLE_FORMAT, BUNDLE_MAGIC, type BundleHeader, READABLE_BUNDLE_VERSIONS } from './format';
import { gunzipCanonical } from './gzip-frame';
import { locateChanges } from './locate-changes';
import { judgeSigner, type SignerStatus, type SignerTrust } from './signer-trust';
import { fingerprintOf, publicKeyFromDer } from './signing-key';

export type VerifyResult =
  | {
      readonly ok: true;
      readonly header: BundleHeader;
      readonly fingerprint: string;
      /** Whether the signing key is one this reader trusts (its own, or pinned in its policy). */
      readonly signer: SignerStatus;
      readonly count: number;
      /**
       * The session in the bundle is not whole: its events end before (or differ from) the head
       * the exporting gateway recorded for the journal. Signed as such; said to every reader.
       */
      readonly incomplete?: string;
      /** With `keepEvents`: the events, their hashes restored (as a journal holds them). */
      readonly events?: JournalEvent[];
      /** The review the bundle carries (version 2 on), checked equal to the one its events give. */
      readonly review?: TaskReview;
      /** Why the carried review is not shown (made by an airlock with another review version). */
      readonly reviewNote?: string;
    }
  | {
      readonly ok: false;
      readonly fault: BundleFault;
      /**
       * With `locateChanges`, when the signed header verified but its events did not: the seqs of
       * the events changed after signing, as far as the chain can locate them (locate-changes.ts).
       */
      readonly changed?: readonly number[];
    };

export interface VerifyOptions {
  readonly keepEvents?: boolean;
  /** Fail unless the bundle is signed by this fingerprint. */
  readonly expectSigner?: string;
  /** Whom this reader trusts, to say whether the signer is known. */
  readonly trust?: SignerTrust;
  /**
   * On a failure in the events, list every event whose content no longer matches the chain,
   * not only the first fault. Changes nothing about what verifies.
   */
  readonly locateChanges?: boolean;
}

const fault = (kind: BundleFault['kind'], message: string, seq?: number): VerifyResult => ({
  ok: false,
  fault: { kind, message, seq },
});

function listSeqs(seqs: readonly number[]): string {
  const shown = seqs.slice(0, 10).join(', ');
  return seqs.length > 10 ? `${shown} and ${seqs.length - 10} more` : shown;
}

interface Parsed {
  readonly seq: number;
  readonly prev: string;
  readonly task: string;
  readonly v: number;
}

/**
 * Verifies a bundle offline: magic and version, the gzip stream, the header, the Ed25519
 * signature by the key inside it, then every event against the chain the signed header names.
 * Names the first thing wrong, precisely enough for a human to act on.
 */
export async function verifyBundle(buf: Buffer, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const nl = buf.indexOf(0x0a);
  const magicLine = buf.subarray(0, nl < 0 ? Math.min(buf.length, 64) : nl).toString('latin1');
  if (!magicLine.startsWith(BUNDLE_MAGIC)) {
    if (buf.length < BUNDLE_MAGIC.length && BUNDLE_MAGIC.startsWith(magicLine))
      return fault('truncated', 'truncated file: it ends inside the bundle marker');
    return fault('not-a-bundle', 'not an Airlock bundle (no AIRLOCK-BUNDLE marker)');
  }
  if (nl < 0) return fault('truncated', 'truncated file: it ends after the bundle marker');
  const version = magicLine.slice(BUNDLE_MAGIC.length);
  if (!READABLE_BUNDLE_VERSIONS.some((v) => String(v) === version))
    return fault(
      'unknown-version',
      `unknown bundle version ${JSON.stringify(version)} (this airlock reads ${READABLE_BUNDLE_VERSIONS.join(' and ')})`,
    );
  const inflated = await gunzipCanonical(buf.subarray(nl + 1));
  if (!inflated.ok) return fault(inflated.kind, inflated.message);
  const raw = inflated.body;
  if (raw.length === 0 || raw[raw.length - 1] !== 0x0a)
    return fault('truncated', 'truncated file: the last line is incomplete');
  const lines = lineRanges(raw);
  const headerRange = lines[0] ?? [0, 0];
  const headerLine = raw.toString('utf8', headerRange[0], headerRange[1]);
  let header: BundleHeader;
  try {
    header = JSON.parse(headerLine) as BundleHeader;
  } catch {
    return fault('bad-header', 'the header is not valid JSON');
  }
  if (header.format !== BUNDLE_FORMAT)
    return fault('bad-header', 'the header is not an Airlock bundle header');
  if (String(header.version) !== version)
    return fault(
      'unknown-version',
      `bundle version ${String(header.version)} in the header, ${version} in the marker`,
    );
  if (header.version >= 2 && (header.review === null || typeof header.review !== 'object'))
    return fault(
      'bad-header',
      `a version ${header.version} bundle carries its review, and this one does not`,
    );
  const sigRange = lines.length >= 2 ? lines[lines.length - 1] : undefined;
  const sigLine = sigRange ? raw.toString('utf8', sigRange[0], sigRange[1]) : '';
  let signature: string | undefined;
  try {
    signature = sigLine.startsWith('{"signature":')
      ? (JSON.parse(sigLine) as { signature?: string }).signature
      : undefined;
  } catch {
    signature = undefined;
  }
  if (typeof signature !== 'string') return fault('truncated', 'truncated file: the signature is missing');
  // Only the exact line the exporter writes: JSON and base64 both admit variants (spaces, extra
  // members, padding) that would decode to the same signature from different bytes.
  if (sigLine !== JSON.stringify({ signature: Buffer.from(signature, 'base64').toString('base64') }))
    return fault('unsigned-bytes', 'the signature line is not in the form airlock writes');
  const der = Buffer.from(String(header.signer?.publicKey ?? ''), 'base64');
  let fingerprint: string;
  let signed: boolean;
  try {
    fingerprint = fingerprintOf(der);
    signed = verify(null, Buffer.from(headerLine), publicKeyFromDer(der), Buffer.from(signature, 'base64'));
  } catch {
    return fault('bad-signature', 'bad signature: the signer key in the header is unusable');
  }
  if (!signed)
    return fault('bad-signature', 'bad signature: the header or the signature was changed after signing');
  if (fingerprint !== header.signer.fingerprint)
    return fault('bad-signature', 'bad signature: the fingerprint in the header does not match its key');
  if (opts.expectSigner && opts.expectSigner !== fingerprint)
    return fault('untrusted-signer', `signed by ${fingerprint}, not by the expected ${opts.expectSigner}`);
  // A carried review is checked against the events, so they are parsed even when not kept.
  const keep = opts.keepEvents === true;
  const eventLines = lines.slice(1, -1);
  const r = verifyEvents(
    header,
    raw,
    eventLines,
    judgeSigner(fingerprint, opts.trust, opts.expectSigner),
    keep || header.review !== undefined,
  );
  if (!r.ok && opts.locateChanges === true)
    return { ...r, changed: locateChanges(raw, eventLines, header.events.head) };
  return withReview(r, keep);
}

/** The carried review, checked against the events (which verifyEvents kept for it). */
function withReview(r: VerifyResult, keep: boolean): VerifyResult {
  if (!r.ok || r.header.review === undefined) return r;
  const events = r.events ?? [];
  const c = checkCarriedReview(r.header.review, events, r.header.task.taskId);
  if (c.kind === 'differs') return fault('review-mismatch', c.message);
  const kept = keep ? events : undefined;
  return c.kind === 'same'
    ? { ...r, events: kept, review: c.review }
    : { ...r, events: kept, reviewNote: c.note };
}

type Range = readonly [number, number];

function lineRanges(raw: Buffer): Range[] {
  const out: Range[] = [];
  let at = 0;
  while (at < raw.length) {
    const nl = raw.indexOf(0x0a, at);
    if (nl < 0) break;
    out.push([at, nl]);
    at = nl + 1;
  }
  return out;
}

/** seq, prev, task and v of a canonical event line, from its envelope tail; JSON.parse otherwise. */
function envelope(raw: Buffer, [start, end]: Range): Parsed | undefined {
  if (raw[end - 1] === 0x7d) {
    const m = ENVELOPE_TAIL.exec(raw.toString('latin1', Math.max(start, end - 1 - TAIL_WINDOW), end - 1));
    if (m) return { prev: m[1] ?? '', seq: Number(m[2]), task: m[3] ?? '', v: Number(m[6]) };
  }
  try {
    return JSON.parse(raw.toString('utf8', start, end)) as Parsed;
  } catch {
    return undefined;
  }
}

function verifyEvents(
  header: BundleHeader,
  raw: Buffer,
  lines: readonly Range[],
  signer: SignerStatus,
  keep: boolean,
): VerifyResult {
  const count = header.events.count;
  const recorded = header.events.recorded;
  let hashAtRecorded: string | undefined;
  const parsed: Parsed[] = [];
  for (let i = 0; i < lines.length; i++) {
    const p = envelope(raw, lines[i] ?? [0, 0]);
    if (!p) return fault('edited-event', `edited event: line ${i + 2} is no longer a valid event`);
    parsed.push(p);
  }
  const seen = new Set<number>();
  for (const p of parsed) {
    if (!Number.isSafeInteger(p.seq) || p.seq < 1 || p.seq > count || seen.has(p.seq))
      return fault(
        'extra-events',
        `extra or duplicated event (seq ${String(p.seq)}) not covered by the signature`,
        p.seq,
      );
    seen.add(p.seq);
  }
  const missing: number[] = [];
  for (let s = 1; s <= count && missing.length <= 10; s++) if (!seen.has(s)) missing.push(s);
  if (missing.length > 0)
    return fault(
      'dropped-events',
      `dropped events: seq ${listSeqs(missing)} missing of ${count}`,
      missing[0],
    );
  for (let i = 0; i < parsed.length; i++) {
    const seq = parsed[i]?.seq ?? 0;
    if (seq !== i + 1)
      return fault(
        'reordered-events',
        `reordered events: seq ${seq} stands where seq ${i + 1} belongs`,
        i + 1,
      );
  }
  let prev = GENESIS_HASH;
  const events: JournalEvent[] | undefined = keep ? [] : undefined;
  for (let i = 0; i < lines.length; i++) {
    const p = parsed[i] as Parsed;
    if (p.prev !== prev)
      return i === 0
        ? fault('edited-event', 'edited event: seq 1 does not start the chain', 1)
        : fault('edited-event', `edited event: seq ${i} was changed (seq ${i + 1} no longer links to it)`, i);
    if (p.task !== header.task.taskId)
      return fault('edited-event', `edited event: seq ${i + 1} belongs to task ${String(p.task)}`, i + 1);
    if (typeof p.v !== 'number' || p.v < 1 || p.v > FORMAT_VERSION)
      return fault(
        'unknown-version',
        `event seq ${i + 1} has recording format ${String(p.v)} (this airlock reads up to ${FORMAT_VERSION})`,
        i + 1,
      );
    const [start, end] = lines[i] ?? [0, 0];
    const bytes = raw.subarray(start, end);
    prev = sha256Hex(bytes);
    if (i + 1 === recorded?.seq) hashAtRecorded = prev;
    if (events)
      events.push({
        ...(JSON.parse(bytes.toString('utf8')) as Omit<JournalEvent, 'hash'>),
        hash: prev,
      } as JournalEvent);
  }
  if (prev !== header.events.head.hash || header.events.head.seq !== count)
    return fault(
      'edited-event',
      `edited event: seq ${count} was changed (it no longer matches the signed chain head)`,
      count,
    );
  const end = checkEnd({ seq: count, hash: prev }, recorded, hashAtRecorded);
  const incomplete = end
    ? `${describeEndFault(header.task.taskId, end)} before export; this bundle holds only what was left`
    : undefined;
  return { ok: true, header, fingerprint: signer.fingerprint, signer, count, incomplete, events };
}
