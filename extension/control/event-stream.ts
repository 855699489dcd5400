import type { GatewayEvent } from '../../gateway/protocol';

export interface EventStreamHandlers {
  /** Each event of the stream, in order. */
  onEvent(event: GatewayEvent): void;
  /** The stream (re)connected: anything missed while it was down should be fetched again. */
  onOpen(): void;
  /** The gateway has no event stream (older version): callers fall back to polling. */
  onUnsupported(): void;
  onError(message: string): void;
}

/** Splits a server-sent-events body into the JSON payloads of its events. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];

  push(chunk: string): string[] {
    this.buffer += chunk;
    const out: string[] = [];
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      if (line === '') {
        if (this.data.length > 0) out.push(this.data.join('\n'));
        this.data = [];
      } else if (line.startsWith('data:')) {
        this.data.push(line.slice(5).replace(/^ /, ''));
      }
      // Comments (":" keep-alives), "event:", "id:" and "retry:" lines carry nothing we use.
    }
    return out;
  }
}

/**
 * Follows `GET /events` of one gateway, reconnecting with back-off until closed. One instance per
 * gateway process: a restarted gateway gets a new stream.
 */
export class EventStream {
  private readonly abort = new AbortController();
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly authorization: string,
    private readonly handlers: EventStreamHandlers,
  ) {}

  start(): void {
    void this.loop();
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
  }

  private async loop(): Promise<void> {
    let delay = 500;
    while (!this.closed) {
      const outcome = await this.follow();
      if (outcome === 'unsupported') {
        this.handlers.onUnsupported();
        return;
      }
      if (outcome === 'opened') delay = 500;
      if (this.closed) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }

  private async follow(): Promise<'opened' | 'failed' | 'unsupported'> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        headers: { authorization: this.authorization, accept: 'text/event-stream' },
        signal: this.abort.signal,
      });
    } catch (e) {
      if (!this.closed) this.handlers.onError(`event stream: ${(e as Error).message}`);
      return 'failed';
    }
    if (res.status === 404) return 'unsupported';
    if (!res.ok || !res.body) {
      this.handlers.onError(`event stream: HTTP ${res.status}`);
      return 'failed';
    }
    this.handlers.onOpen();
    const parser = new SseParser();
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        for (const payload of parser.push(decoder.decode(chunk, { stream: true }))) {
          let event: GatewayEvent;
          try {
            event = JSON.parse(payload) as GatewayEvent;
          } catch {
            this.handlers.onError('event stream: an event that is not JSON was skipped');
            continue;
          }
          this.handlers.onEvent(event);
        }
      }
    } catch (e) {
      if (!this.closed) this.handlers.onError(`event stream ended: ${(e as Error).message}`);
    }
    return 'opened';
  }
}
