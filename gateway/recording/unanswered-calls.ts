import type { JournalEvent } from '../journal/events';

/** How every reader (`show`, the timeline, bundles) names a call whose answer was never recorded. */
export const NOT_RECORDED = 'outcome not recorded: the gateway stopped';

export interface UnansweredCall {
  readonly callId: string;
  /** The call's request event. */
  readonly seq: number;
  readonly ts: string;
  readonly service: string;
  readonly operation?: string;
  readonly outcome: typeof NOT_RECORDED;
}

/**
 * Finds the calls of a recording whose request is there and whose outcome is not: with one
 * durability point per call (pipeline/record-response.ts), a gateway that stops between
 * forwarding a call and its next group commit leaves exactly these. A call denied by its decision
 * has its outcome; one with a response or an error has it too. Calls recorded after
 * `liveSince` (the start of the gateway running now on this data dir) may still be in flight and
 * are not named; without it (no gateway runs, a bundle) every open call was cut off.
 * Holds only the calls still open while it reads, so a journal of any length streams through it.
 */
export class UnansweredCalls {
  private readonly open = new Map<string, Omit<UnansweredCall, 'outcome'>>();

  constructor(private readonly liveSince?: string) {}

  add(e: JournalEvent): void {
    switch (e.type) {
      case 'call.request':
        this.open.set(e.data.callId, {
          callId: e.data.callId,
          seq: e.seq,
          ts: e.ts,
          service: e.data.service,
          operation: e.data.operation,
        });
        break;
      case 'call.decision':
        if (e.data.decision === 'deny') this.open.delete(e.data.callId);
        break;
      case 'call.response':
        this.open.delete(e.data.callId);
        break;
      case 'call.error':
        if (e.data.callId !== undefined) this.open.delete(e.data.callId);
        break;
      default:
        break;
    }
  }

  /** The cut-off calls, in journal order. */
  result(): UnansweredCall[] {
    const since = this.liveSince;
    const out: UnansweredCall[] = [];
    for (const c of this.open.values())
      if (since === undefined || c.ts < since) out.push({ ...c, outcome: NOT_RECORDED });
    return out;
  }
}
