import { sha256Hex } from '../crypto/sha256-hex';
import { canonicalJson } from './canonical-json';
import { type EventBody, FORMAT_VERSION, GENESIS_HASH, type JournalEvent } from './events';

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

export function hashEvent(withoutHash: Omit<JournalEvent, 'hash'>): string {
  return sha256Hex(canonicalJson(withoutHash));
}

/**
 * Links a new event to the chain head. Pure: the caller decides when the head moves. Returns the
 * journal line too: the canonical form with the hash appended, so each event is serialised once
 * (readers parse the line and recompute the hash over the canonical form without `hash`).
 */
export function sealEvent(
  task: string,
  head: ChainHead,
  body: EventBody,
  now: Date,
): { readonly event: JournalEvent; readonly line: string } {
  const unsealed = {
    v: FORMAT_VERSION,
    task,
    seq: head.seq + 1,
    ts: now.toISOString(),
    prev: head.hash,
    ...body,
  };
  const canonical = canonicalJson(unsealed);
  const hash = sha256Hex(canonical);
  // The hash is added to the object just serialised rather than to a copy of it: one object per
  // event instead of two (the event is the same: same keys, same order, same values).
  const event = unsealed as typeof unsealed & { hash: string };
  event.hash = hash;
  return { event, line: `${canonical.slice(0, -1)},"hash":"${hash}"}` };
}

export type ChainFault =
  | { readonly kind: 'bad-json'; readonly line: number }
  | { readonly kind: 'unknown-version'; readonly line: number; readonly version: unknown }
  | { readonly kind: 'bad-hash'; readonly line: number; readonly seq: number }
  | { readonly kind: 'broken-link'; readonly line: number; readonly seq: number }
  | { readonly kind: 'bad-seq'; readonly line: number; readonly seq: number; readonly expected: number };

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

/**
 * For a line as the journal writes it (canonical JSON with `hash` appended last), the canonical
 * form without the hash, recovered by text alone; undefined for other layouts. The hash check then
 * costs one SHA-256 over bytes instead of re-serialising the event: whatever bytes hash to the
 * chained value are the bytes that were sealed.
 */
export function canonicalOfLine(raw: string): string | undefined {
  return HASH_SUFFIX.test(raw) ? `${raw.slice(0, raw.length - 75)}}` : undefined;
}

/**
 * Checks that one event correctly extends the chain at `head`; returns the new head or the fault.
 * With the raw line, a canonical line is checked by hashing its bytes (fast path).
 */
export function checkLink(
  head: ChainHead,
  value: unknown,
  line: number,
  raw?: string,
): ChainHead | ChainFault {
  const e = value as Partial<JournalEvent> | undefined;
  if (!e || typeof e !== 'object') return { kind: 'bad-json', line };
  if (typeof e.v !== 'number' || e.v < 1 || e.v > FORMAT_VERSION)
    return { kind: 'unknown-version', line, version: e.v };
  if (e.seq !== head.seq + 1) return { kind: 'bad-seq', line, seq: Number(e.seq), expected: head.seq + 1 };
  if (e.prev !== head.hash) return { kind: 'broken-link', line, seq: e.seq };
  const { hash, ...rest } = e as JournalEvent;
  const fast = raw === undefined ? undefined : canonicalOfLine(raw);
  if (fast !== undefined && sha256Hex(fast) === hash) return { seq: e.seq, hash };
  if (hashEvent(rest) !== hash) return { kind: 'bad-hash', line, seq: e.seq };
  return { seq: e.seq, hash };
}

export function isFault(x: ChainHead | ChainFault): x is ChainFault {
  return 'kind' in x;
}

/** Verifies a sequence of events as a chain; returns the first fault, or the head. */
export function verifyChain(
  events: readonly unknown[],
): { readonly ok: true; readonly head: ChainHead } | { readonly ok: false; readonly fault: ChainFault } {
  let head = EMPTY_HEAD;
  for (let i = 0; i < events.length; i++) {
    const next = checkLink(head, events[i], i + 1);
    if (isFault(next)) return { ok: false, fault: next };
    head = next;
  }
  return { ok: true, head };
}
