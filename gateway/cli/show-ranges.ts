import type { ChainFault } from '../journal/chain';
import type { JournalEvent } from '../journal/events';
import type { JournalPosition } from '../journal/read-journal';
import { eventOf, streamJournal } from '../journal/stream-journal';
import type { ChunkHit } from '../recording/call-search';
import type { CallRow } from '../recording/index-query';

/** Keeps the events that belong to the chosen calls: call events by callId, approvals by the call they held. */
export function onlyCalls(callIds: ReadonlySet<string>): (e: JournalEvent) => boolean {
  const approvals = new Set<string>();
  return (e) => {
    switch (e.type) {
      case 'call.request':
      case 'call.decision':
      case 'call.response':
        return callIds.has(e.data.callId);
      case 'call.error':
        return e.data.callId !== undefined && callIds.has(e.data.callId);
      case 'approval.requested':
        if (!callIds.has(e.data.callId)) return false;
        approvals.add(e.data.approvalId);
        return true;
      case 'approval.decided':
      case 'approval.expired':
        return approvals.has(e.data.approvalId);
      default:
        return false;
    }
  };
}

/** Whether the index saw the call's answer (response or error): reading goes on until it is read. */
function answered(r: CallRow): boolean {
  return (r.status !== undefined || r.errorCode !== undefined) && r.callId !== `error-${r.seq}`;
}

interface Range {
  readonly from: JournalPosition;
  /** New matching calls begin before here. */
  readonly end: number;
  readonly callIds: readonly string[];
}

/** Each matching call from where it begins; a call without a known start, from its chunk's. */
function rangesOf(hits: readonly ChunkHit[]): Range[] {
  const out: Range[] = [];
  for (const h of hits)
    for (const r of h.rows) {
      const s = h.starts.get(r.callId);
      out.push(
        s
          ? { from: { offset: s.offset, head: s.head }, end: s.offset + 1, callIds: [r.callId] }
          : {
              from: { offset: h.chunk.from, head: h.chunk.fromHead },
              end: h.chunk.to ?? Infinity,
              callIds: [r.callId],
            },
      );
    }
  return out.sort((a, b) => a.from.offset - b.from.offset);
}

/**
 * Prints the events of the matching calls of one journal without reading all of it: from where
 * each call begins (its byte offset and the chain head there, verified when the index read it),
 * on until its answer and its approval's outcome were read, verifying the chain as it goes.
 * Every event of a call comes at or after its first, so nothing that belongs to one is skipped.
 */
export async function printMatchingRanges(
  file: string,
  hits: readonly ChunkHit[],
  keep: (e: JournalEvent) => boolean,
  print: (e: JournalEvent) => void,
  drain: () => Promise<void>,
  blockBytes?: number,
): Promise<ChainFault | undefined> {
  const waiting = new Set(hits.flatMap((h) => h.rows.filter(answered).map((r) => r.callId)));
  const approvals = new Set<string>();
  const track = (e: JournalEvent): void => {
    if ((e.type === 'call.response' || e.type === 'call.error') && e.data.callId)
      waiting.delete(e.data.callId);
    else if (e.type === 'approval.requested' && keep(e)) approvals.add(e.data.approvalId);
    else if (e.type === 'approval.decided' || e.type === 'approval.expired')
      approvals.delete(e.data.approvalId);
  };
  let cursor: JournalPosition | undefined;
  for (const range of rangesOf(hits)) {
    const done = (): boolean => range.callIds.every((id) => !waiting.has(id)) && approvals.size === 0;
    if (cursor && cursor.offset >= range.end && done()) continue;
    if (!cursor || cursor.offset < range.from.offset) cursor = range.from;
    let at = cursor.offset;
    const r = await streamJournal(
      file,
      (line, buf, base) => {
        at = base + line.end + 1;
        const e = eventOf(line, buf);
        // `keep` first: it learns which approvals belong to the matching calls.
        if (keep(e)) print(e);
        track(e);
      },
      { from: cursor, afterBlock: drain, stop: () => at >= range.end && done(), blockBytes },
    );
    if (r.fault) return r.fault;
    cursor = { offset: r.validBytes, head: r.head };
  }
  return undefined;
}
