import crypto, { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

/**
 * Hashing a journal's lines on a second thread while the first reads them. A canonical line's
 * hash check involves that line alone (its bytes against the hash written at its end); the chain
 * (each line's seq and prev against the line before) is checked in order by scanLines. So a
 * worker hashes every line while the main thread reads envelopes and parses events, and the read
 * then holds each line it accepted unhashed to the worker's answer for that line.
 */

/** Journals smaller than this are hashed in line: starting a thread costs more than it saves. */
export const PARALLEL_HASH_BYTES = 8 * 1024 * 1024;

/**
 * Per newline-terminated line of `buf`, in order: 1 when the line has the journal's layout
 * (canonical JSON, then `,"hash":"<64 hex>"}`) and its canonical bytes hash to that hash, else 0.
 * Self-contained (no imports, no names from outside): its source is the worker's.
 */
export function markHashedLines(buf: Buffer, sha256Hex: (data: Uint8Array) => string): Uint8Array {
  // `,"hash":"` + 64 hex + `"}`: what follows a line's canonical bytes (which end before the comma).
  const suffixBytes = 75;
  const mark = Buffer.from(',"hash":"');
  let ok = new Uint8Array(1024);
  let scratch = Buffer.alloc(4096);
  let lines = 0;
  let offset = 0;
  while (offset < buf.length) {
    const end = buf.indexOf(0x0a, offset);
    if (end < 0) break;
    if (lines === ok.length) {
      const grown = new Uint8Array(ok.length * 2);
      grown.set(ok);
      ok = grown;
    }
    const canonicalEnd = end - suffixBytes;
    let layout = canonicalEnd > offset && buf[end - 1] === 0x7d && buf[end - 2] === 0x22;
    // A byte loop, not Buffer#compare: its argument checks cost more than nine bytes do.
    for (let i = 0; layout && i < mark.length; i++) layout = buf[canonicalEnd + i] === mark[i];
    if (layout) {
      // The hash covers the canonical JSON: the line up to the suffix, closed by `}`.
      const len = canonicalEnd - offset;
      if (scratch.length < len + 1) scratch = Buffer.alloc(Math.max(len + 1, scratch.length * 2));
      buf.copy(scratch, 0, offset, canonicalEnd);
      scratch[len] = 0x7d;
      if (sha256Hex(scratch.subarray(0, len + 1)) === buf.toString('latin1', end - 66, end - 2))
        ok[lines] = 1;
    }
    lines++;
    offset = end + 1;
  }
  return ok.slice(0, lines);
}

type OneShot = (alg: string, data: Uint8Array, enc: 'hex') => string;
const oneShot = (crypto as { hash?: OneShot }).hash;

function sha256HexHere(data: Uint8Array): string {
  return oneShot ? oneShot('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

// An eval worker: nothing to locate next to the bundle, whether run from dist/gateway.js, the
// extension's bundle or the TypeScript sources. `__name` is what a transpiler that keeps function
// names may have wrapped inner functions in.
const WORKER_SOURCE = `'use strict';
var __name = (f) => f;
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const sha256Hex = crypto.hash
  ? (d) => crypto.hash('sha256', d, 'hex')
  : (d) => crypto.createHash('sha256').update(d).digest('hex');
const markHashedLines = ${markHashedLines.toString()};
parentPort.once('message', (length) => {
  const ok = markHashedLines(Buffer.from(workerData.shared, 0, length), sha256Hex);
  parentPort.postMessage(ok, [ok.buffer]);
});
`;

/** A journal's bytes read into memory a worker shares, and that worker's marks for its lines. */
export interface SharedRead {
  readonly bytes: Buffer;
  readonly size: number;
  /** `markHashedLines` of `bytes`: from the worker, or computed here if it could not answer. */
  marks(): Promise<{ readonly marks: Uint8Array; readonly by: 'worker' | 'here' }>;
}

/**
 * Reads a file from `offset` (like readJournalTail) into shared memory, with a worker starting
 * meanwhile, then sets the worker hashing the lines read. Throws ENOENT like `open`.
 */
export async function readShared(path: string, offset: number): Promise<SharedRead> {
  const fh = await open(path, 'r');
  let worker: Worker | undefined;
  let answer: Promise<Uint8Array | undefined> = Promise.resolve(undefined);
  let bytes: Buffer;
  let size: number;
  try {
    size = (await fh.stat()).size;
    const len = Math.max(0, size - offset);
    const shared = new SharedArrayBuffer(len);
    try {
      // No inherited loaders (tsx in tests): the worker's source is plain JavaScript.
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared }, execArgv: [] });
      const w = worker;
      answer = new Promise((resolve) => {
        w.once('message', (ok: Uint8Array) => resolve(ok));
        w.once('error', () => resolve(undefined));
        w.once('exit', () => resolve(undefined));
      });
    } catch {
      worker = undefined; // no thread to be had: hashed here instead
    }
    const buf = Buffer.from(shared);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await fh.read(buf, got, len - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    bytes = buf.subarray(0, got);
    worker?.postMessage(got);
  } catch (e) {
    if (worker) void worker.terminate();
    throw e;
  } finally {
    await fh.close();
  }
  return {
    bytes,
    size,
    marks: async () => {
      const fromWorker = await answer;
      return fromWorker
        ? { marks: fromWorker, by: 'worker' }
        : { marks: markHashedLines(bytes, sha256HexHere), by: 'here' };
    },
  };
}
