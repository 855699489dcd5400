import type { ChainFault } from '../journal/chain';
import type { JournalEvent } from '../journal/events';
import type { JournalPosition } from '../journal/read-journal';
import { eventOf, streamJournal } from '../journal/stream-journal';
import type { ChunkHit } from '../recording/call-search';

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

/** The call ids whose answer (response or error) the index saw: reading goes on until it is read. */
function answered(hit: ChunkHit): string[] {
  return hit.rows
    .filter((r) => (r.status !== undefined || r.errorCode !== undefined) && r.callId !== `error-${r.seq}`)
    .map((r) => r.callId);
}

/**
 * Prints the events of the matching calls of one journal without reading all of it: from the
 * start of each chunk that held matches (its byte offset and the chain head there, verified when
 * the index read it), on until those calls' answers and their approvals' outcomes were read,
 * verifying the chain as it goes. Every event of a call comes at or after the start of its chunk,
 * so nothing that belongs to a matching call is skipped.
 */
export async function printMatchingRanges(
  file: string,
  hits: readonly ChunkHit[],
  keep: (e: JournalEvent) => boolean,
  print: (e: JournalEvent) => void,
  drain: () => Promise<void>,
  blockBytes?: number,
): Promise<ChainFault | undefined> {
  const waiting = new Set(hits.flatMap(answered));
  const approvals = new Set<string>();
  const track = (e: JournalEvent): void => {
    if ((e.type === 'call.response' || e.type === 'call.error') && e.data.callId)
      waiting.delete(e.data.callId);
    else if (e.type === 'approval.requested' && keep(e)) approvals.add(e.data.approvalId);
    else if (e.type === 'approval.decided' || e.type === 'approval.expired')
      approvals.delete(e.data.approvalId);
  };
  let cursor: JournalPosition | undefined;
  for (const hit of [...hits].sort((a, b) => a.chunk.from - b.chunk.from)) {
    const c = hit.chunk;
    const end = c.to ?? Infinity;
    const done = (): boolean => hit.rows.every((r) => !waiting.has(r.callId)) && approvals.size === 0;
    if (cursor && cursor.offset >= end && done()) continue;
    if (!cursor || cursor.offset < c.from) cursor = { offset: c.from, head: c.fromHead };
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
      { from: cursor, afterBlock: drain, stop: () => at >= end && done(), blockBytes },
    );
    if (r.fault) return r.fault;
    cursor = { offset: r.validBytes, head: r.head };
  }
  return undefined;
}
