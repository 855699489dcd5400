import { checkEnd, describeEndFault } from '../journal/recorded-head';
import { DataDirFileError } from '../storage/data-dir-error';
import { readRecordedHeads, type RecordedHeads } from '../tasks/journal-heads';
import type { SourceEntry } from './index-catalog';

/**
 * The index's check of where each journal ends against the head the gateway recorded for it
 * (journal-heads.json): journals that end early or are gone lost durable events. Kept out of the
 * catalog because the recorded heads move: it is checked on each sync.
 */
export class JournalEnds {
  private readonly faults = new Map<string, string>();
  private heads: RecordedHeads | undefined;
  private problem: string | undefined;

  /** Read before the journals: the recorded heads lag them, never lead them. */
  async load(dataDir: string): Promise<void> {
    this.faults.clear();
    this.heads = undefined;
    this.problem = undefined;
    try {
      this.heads = await readRecordedHeads(dataDir);
    } catch (e) {
      if (!(e instanceof DataDirFileError)) throw e;
      this.problem = e.message;
    }
  }

  /**
   * A journal that ends before its recorded head lost durable events. The seq is always checked;
   * the hash when the recorded head is the summary's own head (the one event whose hash is known
   * without reading the journal again). A chain that breaks is its own finding: the verified
   * prefix then ends early by construction, so comparing its end would only blur the real fault.
   */
  check(session: string, e: SourceEntry | undefined): string | undefined {
    if (!e || e.kind !== 'journal' || e.fault !== undefined) return undefined;
    const f = checkEnd({ seq: e.latest.seq, hash: e.latest.hash }, this.heads?.get(session), undefined);
    if (!f) return undefined;
    const text = describeEndFault(session, f);
    this.faults.set(session, text);
    return text;
  }

  /** The end fault found for a session whose chain turned out to break: the break replaces it. */
  withdraw(session: string): string | undefined {
    const text = this.faults.get(session);
    this.faults.delete(session);
    return text;
  }

  faultOf(session: string): string | undefined {
    return this.faults.get(session);
  }

  /** Journals the gateway recorded a head for that are gone (and not pruned by retention). */
  missing(seen: ReadonlySet<string>): { session: string; message: string }[] {
    const heads = this.heads;
    return (heads?.streams() ?? [])
      .filter((s) => !seen.has(s) && !heads?.pruned(s) && (heads?.get(s)?.seq ?? 0) > 0)
      .map((session) => ({
        session,
        message: `journal of task ${session} is missing but the gateway recorded seq ${heads?.get(session)?.seq}: events were removed`,
      }));
  }

  /** Why the ends of journals could not be checked at all, if they could not. */
  unchecked(journals: number): string | undefined {
    return (
      this.problem ??
      (this.heads?.missing && journals > 0
        ? `${this.heads.file} is missing, so the ends of journals cannot be checked for removed events`
        : undefined)
    );
  }
}
