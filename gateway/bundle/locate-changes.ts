import { sha256Hex } from '../crypto/sha256-hex';
import { GENESIS_HASH } from '../journal/events';
import { ENVELOPE_TAIL, TAIL_WINDOW } from '../journal/scan-lines';

/** At most this many changed events are named: enough to mark a view, bounded for a huge bundle. */
export const MAX_LOCATED = 1000;

type Range = readonly [number, number];

interface Link {
  readonly seq: number;
  readonly prev: string;
}

function link(raw: Buffer, [start, end]: Range): Link | undefined {
  if (raw[end - 1] === 0x7d) {
    const m = ENVELOPE_TAIL.exec(raw.toString('latin1', Math.max(start, end - 1 - TAIL_WINDOW), end - 1));
    if (m) return { prev: m[1] ?? '', seq: Number(m[2]) };
  }
  try {
    const p = JSON.parse(raw.toString('utf8', start, end)) as Partial<Link>;
    return typeof p.seq === 'number' && typeof p.prev === 'string' ? { seq: p.seq, prev: p.prev } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The events of a bundle whose signed header verified but whose events did not, that were
 * changed after signing, as far as the chain can tell. A bundle's event lines carry no hash of
 * their own: the hash of event n is the `prev` of event n+1, and the last one's is the signed
 * head. So every event whose bytes no longer hash to what its successor (or the head) names is
 * listed: an edited event, or the event whose `prev` was rewritten to hide an edit before it.
 * A line that is no longer an event is listed by its place. Events that are missing or out of
 * order are not "changed" and are not listed (the verifier's fault names them); neither is an
 * edit hidden by rewriting every following link, which only the head then reveals (the last
 * event is listed). Ascending seqs, at most MAX_LOCATED.
 */
export function locateChanges(
  raw: Buffer,
  lines: readonly Range[],
  head: { readonly seq: number; readonly hash: string },
): number[] {
  const links = lines.map((r) => link(raw, r));
  const changed = new Set<number>();
  for (let i = 0; i < lines.length && changed.size < MAX_LOCATED; i++) {
    const here = links[i];
    if (!here || !Number.isSafeInteger(here.seq)) {
      changed.add(i + 1);
      continue;
    }
    if (i === 0 && here.seq === 1 && here.prev !== GENESIS_HASH) changed.add(1);
    const next = links[i + 1];
    let expected: string | undefined;
    if (i + 1 < lines.length) expected = next && next.seq === here.seq + 1 ? next.prev : undefined;
    else expected = here.seq === head.seq ? head.hash : undefined;
    if (expected === undefined) continue;
    const [start, end] = lines[i] ?? [0, 0];
    if (sha256Hex(raw.subarray(start, end)) !== expected) changed.add(here.seq);
  }
  return [...changed].sort((a, b) => a - b).slice(0, MAX_LOCATED);
}
