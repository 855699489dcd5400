import { Transform, type TransformCallback } from 'node:stream';
import { algorithmForHeader, BodyIntegrityError, Checksum } from './body-checks';

export interface AwsChunkedExpectations {
  /** x-amz-decoded-content-length */
  decodedLength: number;
  /** Lower-cased names listed in x-amz-trailer; each must arrive, checksums must match. */
  trailerNames: string[];
}

type State = 'size' | 'data' | 'data-crlf' | 'trailer' | 'done';

const MAX_LINE = 4096;

function malformed(message: string): BodyIntegrityError {
  return new BodyIntegrityError('IncompleteBody', 400, `aws-chunked body: ${message}`);
}

/**
 * Decodes an `aws-chunked` body (hex-size[;ext]\r\n data \r\n ... 0\r\n trailers \r\n) into the
 * object bytes, checking the declared decoded length and the trailing checksums as it goes.
 */
export class AwsChunkedDecoder extends Transform {
  private state: State = 'size';
  private line: Buffer[] = [];
  private lineBytes = 0;
  private remaining = 0;
  private decoded = 0;
  private readonly trailers = new Map<string, string>();
  private readonly checksums = new Map<string, Checksum>();

  constructor(private readonly expect: AwsChunkedExpectations) {
    super();
    for (const name of expect.trailerNames) {
      const algorithm = algorithmForHeader(name);
      if (algorithm) this.checksums.set(name, new Checksum(algorithm));
    }
  }

  get decodedBytes(): number {
    return this.decoded;
  }

  /** Collects bytes up to and including '\n'; returns the line without CRLF once complete. */
  private takeLine(chunk: Buffer, offset: number): { line?: string; next: number } {
    const nl = chunk.indexOf(0x0a, offset);
    const end = nl === -1 ? chunk.length : nl + 1;
    this.line.push(chunk.subarray(offset, end));
    this.lineBytes += end - offset;
    if (this.lineBytes > MAX_LINE) throw malformed('line too long');
    if (nl === -1) return { next: end };
    const whole = Buffer.concat(this.line).toString('latin1');
    this.line = [];
    this.lineBytes = 0;
    if (!whole.endsWith('\r\n')) throw malformed('line not terminated by CRLF');
    return { line: whole.slice(0, -2), next: end };
  }

  private consume(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      switch (this.state) {
        case 'size': {
          const { line, next } = this.takeLine(chunk, offset);
          offset = next;
          if (line === undefined) break;
          const hex = line.split(';')[0] ?? '';
          if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw malformed(`bad chunk size line "${line.slice(0, 40)}"`);
          const size = Number.parseInt(hex, 16);
          this.remaining = size;
          this.state = size === 0 ? 'trailer' : 'data';
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, chunk.length - offset);
          const piece = chunk.subarray(offset, offset + n);
          offset += n;
          this.remaining -= n;
          this.decoded += n;
          if (this.decoded > this.expect.decodedLength)
            throw malformed('more data than x-amz-decoded-content-length');
          for (const sum of this.checksums.values()) sum.update(piece);
          this.push(piece);
          if (this.remaining === 0) this.state = 'data-crlf';
          break;
        }
        case 'data-crlf': {
          const { line, next } = this.takeLine(chunk, offset);
          offset = next;
          if (line === undefined) break;
          if (line !== '') throw malformed('chunk data longer than its declared size');
          this.state = 'size';
          break;
        }
        case 'trailer': {
          const { line, next } = this.takeLine(chunk, offset);
          offset = next;
          if (line === undefined) break;
          if (line === '') {
            this.state = 'done';
            break;
          }
          const colon = line.indexOf(':');
          if (colon <= 0) throw malformed(`bad trailer line "${line.slice(0, 60)}"`);
          this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
          break;
        }
        case 'done':
          throw malformed('bytes after the final CRLF');
      }
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(chunk);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.state !== 'done') {
      done(malformed(`body ended early (in state ${this.state})`));
      return;
    }
    if (this.decoded !== this.expect.decodedLength) {
      done(
        malformed(
          `decoded ${this.decoded} bytes, x-amz-decoded-content-length said ${this.expect.decodedLength}`,
        ),
      );
      return;
    }
    for (const name of this.expect.trailerNames) {
      const value = this.trailers.get(name);
      if (value === undefined) {
        done(new BodyIntegrityError('MalformedTrailerError', 400, `trailer ${name} announced but not sent`));
        return;
      }
      const sum = this.checksums.get(name);
      const actual = sum?.digestBase64();
      if (actual !== undefined && actual !== value) {
        done(
          new BodyIntegrityError(
            'BadDigest',
            400,
            `The ${sum?.algorithm.toUpperCase() ?? ''} you specified did not match the calculated checksum (sent ${value}, computed ${actual}).`,
          ),
        );
        return;
      }
    }
    done();
  }
}
