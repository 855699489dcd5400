import type { Writable } from 'node:stream';
import type { JournalEvent } from '../journal/events';
import type { SessionSummary } from '../recording/index-query';
import type { UnansweredCall } from '../recording/unanswered-calls';

const FLUSH_AT = 256 * 1024;

function indent(json: string, spaces: number): string {
  return json.replace(/\n/g, `\n${' '.repeat(spaces)}`);
}

/**
 * What `show` prints, written as events come and paced by the output (it waits for a slow pipe
 * instead of buffering the session). `--json` prints exactly what
 * `JSON.stringify({ session, events, unrecorded?, warnings? }, null, 2)` would, one event at a time
 * (`unrecorded`: calls whose outcome was never recorded, recording/unanswered-calls.ts).
 */
export class ShowOutput {
  private parts: string[] = [];
  private size = 0;
  private count = 0;

  constructor(
    private readonly out: Writable,
    private readonly json: boolean,
    session: SessionSummary,
  ) {
    if (json) this.push(`{\n  "session": ${indent(JSON.stringify(session, null, 2), 2)},\n  "events": [`);
  }

  event(e: JournalEvent): void {
    if (this.json)
      this.push(`${this.count === 0 ? '\n' : ',\n'}    ${indent(JSON.stringify(e, null, 2), 4)}`);
    else this.push(`${e.seq}  ${e.ts}  ${e.type}  ${JSON.stringify(e.data)}\n`);
    this.count++;
  }

  private push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
  }

  /** Hands what was gathered to the output once there is enough, waiting while it is full. */
  async drain(force = false): Promise<void> {
    if (this.size === 0 || (!force && this.size < FLUSH_AT)) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(text)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }

  /**
   * Calls without a recorded outcome follow the events; warnings (a journal's end or chain that
   * fails its checks) close the JSON.
   */
  async end(warnings: readonly string[] = [], unrecorded: readonly UnansweredCall[] = []): Promise<void> {
    if (!this.json)
      for (const c of unrecorded)
        this.push(
          `${c.seq}  ${c.ts}  ${c.outcome}  ${JSON.stringify({ callId: c.callId, service: c.service, operation: c.operation })}\n`,
        );
    if (this.json) {
      this.push(this.count === 0 ? ']' : '\n  ]');
      if (unrecorded.length > 0)
        this.push(`,\n  "unrecorded": ${indent(JSON.stringify(unrecorded, null, 2), 2)}`);
      if (warnings.length > 0) this.push(`,\n  "warnings": ${indent(JSON.stringify(warnings, null, 2), 2)}`);
      this.push('\n}\n');
    }
    await this.drain(true);
  }
}
