import type { ChainHead } from '../journal/chain';
import type { JournalEvent } from '../journal/events';
import { eventOf, streamJournal } from '../journal/stream-journal';
import { ChunkBuilder, type ChunkContext } from './chunk-builder';
import type { ChunkDir } from './index-catalog';

export interface JournalIndexed {
  /** Events read and indexed in this pass. */
  readonly events: number;
  /** Where the chain broke, as `bad-hash at line 12`; the index stops there. */
  readonly fault?: string;
  /** End of the verified part (the fault's position when there is one). */
  readonly validBytes: number;
}

/**
 * Adds what was appended to a journal since its call index last read it, streamed block by block
 * and verified from the recorded chain head: memory is one block plus one chunk database.
 */
export async function indexJournalChunks(
  ctx: ChunkContext,
  session: string,
  e: ChunkDir,
  file: string,
  size: number,
): Promise<JournalIndexed> {
  const b = new ChunkBuilder(ctx, session, e);
  await b.start();
  if (e.chunked.offset >= size) {
    await b.finish(e.chunked);
    return { events: 0, validBytes: e.chunked.offset };
  }
  let queue: { e: JournalEvent; at: number; before: ChainHead }[] = [];
  try {
    const r = await streamJournal(
      file,
      (line, buf, base) =>
        queue.push({
          e: eventOf(line, buf),
          at: base + line.start,
          before: { seq: line.seq - 1, hash: line.prev },
        }),
      {
        from: e.chunked,
        afterBlock: async () => {
          const todo = queue;
          queue = [];
          for (const q of todo) await b.add(q.e, q.at, q.before);
        },
      },
    );
    if (r.shrunk || r.missing) {
      b.abandon();
      return { events: 0, validBytes: e.chunked.offset };
    }
    await b.finish({ offset: r.validBytes, head: r.head });
    return {
      events: b.events,
      fault: r.fault ? `${r.fault.kind} at line ${r.fault.line}` : undefined,
      validBytes: r.validBytes,
    };
  } catch (err) {
    b.abandon();
    throw err;
  }
}
