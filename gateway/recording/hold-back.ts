import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes a stream through while always holding back its latest chunk; when the source ends it
 * awaits `beforeEnd` (the durable recording of the response) and only then releases that chunk.
 * The agent cannot have the whole response before its record is on disk, whether or not the
 * response declared a content length. If `beforeEnd` fails the stream errors and the held chunk
 * is never sent.
 */
export class HoldBack extends Transform {
  private held: Buffer | undefined;
  bytes = 0;
  private peekText = '';

  constructor(
    private readonly beforeEnd: () => Promise<void>,
    private readonly peekBytes: number,
  ) {
    super();
  }

  /** The start of the body (for error codes), up to the peek size given. */
  get peek(): string {
    return this.peekText;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.peekText.length < this.peekBytes) this.peekText += chunk.toString('utf8', 0, this.peekBytes);
    const previous = this.held;
    this.held = chunk;
    cb(null, previous);
  }

  override _flush(cb: TransformCallback): void {
    this.beforeEnd().then(
      () => cb(null, this.held),
      (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))),
    );
  }
}
