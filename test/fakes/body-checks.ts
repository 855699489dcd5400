import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';

/** A body failed an integrity check; carries the S3 error the front answers with. */
export class BodyIntegrityError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'BodyIntegrityError';
  }
}

export type ChecksumAlgorithm = 'crc32' | 'sha1' | 'sha256';

export const CHECKSUM_HEADERS: Record<ChecksumAlgorithm, string> = {
  crc32: 'x-amz-checksum-crc32',
  sha1: 'x-amz-checksum-sha1',
  sha256: 'x-amz-checksum-sha256',
};

export function algorithmForHeader(name: string): ChecksumAlgorithm | undefined {
  const lower = name.toLowerCase();
  return (Object.keys(CHECKSUM_HEADERS) as ChecksumAlgorithm[]).find((a) => CHECKSUM_HEADERS[a] === lower);
}

/** Incremental checksum whose digest is base64, as the x-amz-checksum-* headers carry it. */
export class Checksum {
  private crc = 0;
  private readonly hash: Hash | undefined;

  constructor(readonly algorithm: ChecksumAlgorithm) {
    this.hash = algorithm === 'crc32' ? undefined : createHash(algorithm);
  }

  update(chunk: Buffer): void {
    if (this.hash) this.hash.update(chunk);
    else this.crc = crc32(chunk, this.crc);
  }

  digestBase64(): string {
    if (this.hash) return this.hash.digest('base64');
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.crc >>> 0);
    return out.toString('base64');
  }
}

/** Watches a body as it passes and, at its end, says whether it was what the headers promised. */
export interface BodyChecker {
  update(chunk: Buffer): void;
  finish(): BodyIntegrityError | undefined;
}

export function sha256Checker(expectedHex: string): BodyChecker {
  const hash = createHash('sha256');
  return {
    update: (chunk) => hash.update(chunk),
    finish: () => {
      const actual = hash.digest('hex');
      return actual === expectedHex
        ? undefined
        : new BodyIntegrityError(
            'XAmzContentSHA256Mismatch',
            400,
            `The provided 'x-amz-content-sha256' header does not match what was computed (computed ${actual}).`,
          );
    },
  };
}

export function checksumChecker(algorithm: ChecksumAlgorithm, expectedBase64: string): BodyChecker {
  const sum = new Checksum(algorithm);
  return {
    update: (chunk) => sum.update(chunk),
    finish: () => {
      const actual = sum.digestBase64();
      return actual === expectedBase64
        ? undefined
        : new BodyIntegrityError(
            'BadDigest',
            400,
            `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum (computed ${actual}).`,
          );
    },
  };
}

export function lengthChecker(expected: number): BodyChecker {
  let seen = 0;
  return {
    update: (chunk) => {
      seen += chunk.length;
    },
    finish: () =>
      seen === expected
        ? undefined
        : new BodyIntegrityError('IncompleteBody', 400, `Expected ${expected} body bytes, received ${seen}.`),
  };
}

/**
 * Passes a body through while keeping its last `holdBytes` back until every checker has accepted
 * the whole body. A body no larger than the window never reaches the backend unless it is intact;
 * a larger one is cut short (the backend sees an aborted upload) when a check fails at the end.
 */
export class HoldBackVerifier extends Transform {
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(
    private readonly checkers: BodyChecker[],
    private readonly holdBytes = 1024 * 1024,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    for (const c of this.checkers) c.update(chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    for (
      let first = this.held[0];
      first && this.heldBytes - first.length >= this.holdBytes;
      first = this.held[0]
    ) {
      this.held.shift();
      this.heldBytes -= first.length;
      this.push(first);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    for (const c of this.checkers) {
      const failure = c.finish();
      if (failure) {
        done(failure);
        return;
      }
    }
    for (const chunk of this.held) this.push(chunk);
    this.held = [];
    done();
  }
}
