import crypto, { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { readRange } from './read-range';

/**
 * Hashing a journal's lines on a second thread while the first reads them. A canonical line's
 * hash check involves that line alone (its bytes against the hash written at its end); the chain
 * (each line's seq and prev against the line before) is checked in order by scanLines. So a
 * worker hashes lines from the start while the main thread reads envelopes and parses events;
 * when the main thread is done it stops the worker and hashes whatever lines the worker did not
 * reach itself. On a machine with a core to spare the worker has hashed them all; on one without,
 * the main thread does nearly all of it, as it would without a worker.
 */

/** Journals smaller than this are hashed in line: starting a thread costs more than it saves. */
export const PARALLEL_HASH_BYTES = 8 * 1024 * 1024;

// The control cells shared with the worker (an Int32Array), and the worker's states.
const STATE = 0;
const STOP = 1;
const LINES = 2;
const BYTES = 3;
const IDLE = 0;
const RUNNING = 1;
const FINISHED = 2;
const ABANDONED = 3;

/**
 * Marks each newline-terminated line of `buf`, in order, in `marks`: 1 when the line has the
 * journal's layout (canonical JSON, then `,"hash":"<64 hex>"}`) and its canonical bytes hash to
 * that hash, else 0. Stops when `marks` is full, or when `stop[stopAt]` is set. Returns the lines
 * marked and the offset after them. Self-contained (no imports, no names from outside): its source
 * is the worker's.
 */
export function markHashedLines(
  buf: Buffer,
  sha256Hex: (data: Uint8Array) => string,
  marks: Uint8Array,
  stop?: Int32Array,
  stopAt = 0,
): { lines: number; bytes: number } {
  // `,"hash":"` + 64 hex + `"}`: what follows a line's canonical bytes (which end before the comma).
  const suffixBytes = 75;
  const mark = Buffer.from(',"hash":"');
  let scratch = Buffer.alloc(4096);
  let lines = 0;
  let offset = 0;
  while (offset < buf.length && lines < marks.length) {
    if (stop !== undefined && Atomics.load(stop, stopAt) !== 0) break;
    const end = buf.indexOf(0x0a, offset);
    if (end < 0) break;
    const canonicalEnd = end - suffixBytes;
    let layout = canonicalEnd > offset && buf[end - 1] === 0x7d && buf[end - 2] === 0x22;
    // A byte loop, not Buffer#compare: its argument checks cost more than nine bytes do.
    for (let i = 0; layout && i < mark.length; i++) layout = buf[canonicalEnd + i] === mark[i];
    let ok = 0;
    if (layout) {
      // The hash covers the canonical JSON: the line up to the suffix, closed by `}`.
      const len = canonicalEnd - offset;
      if (scratch.length < len + 1) scratch = Buffer.alloc(Math.max(len + 1, scratch.length * 2));
      buf.copy(scratch, 0, offset, canonicalEnd);
      scratch[len] = 0x7d;
      if (sha256Hex(scratch.subarray(0, len + 1)) === buf.toString('latin1', end - 66, end - 2)) ok = 1;
    }
    marks[lines++] = ok;
    offset = end + 1;
  }
  return { lines, bytes: offset };
}

type OneShot = (alg: string, data: Uint8Array, enc: 'hex') => string;
const oneShot = (crypto as { hash?: OneShot }).hash;

function sha256HexHere(data: Uint8Array): string {
  return oneShot ? oneShot('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

// An eval worker: nothing to locate next to the bundle, whether run from dist/gateway.js, the
// extension's bundle or the TypeScript sources. `__name` is what a transpiler that keeps function
// names may have wrapped inner functions in. Whatever happens, it ends FINISHED with its counts,
// so the main thread never waits on it for long.
const WORKER_SOURCE = `'use strict';
var __name = (f) => f;
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const sha256Hex = crypto.hash
  ? (d) => crypto.hash('sha256', d, 'hex')
  : (d) => crypto.createHash('sha256').update(d).digest('hex');
const markHashedLines = ${markHashedLines.toString()};
parentPort.once('message', (length) => {
  const { ctl, marks, shared } = workerData;
  if (Atomics.compareExchange(ctl, ${STATE}, ${IDLE}, ${RUNNING}) !== ${IDLE}) return;
  let r = { lines: 0, bytes: 0 };
  try {
    r = markHashedLines(Buffer.from(shared, 0, length), sha256Hex, new Uint8Array(marks), ctl, ${STOP});
  } finally {
    Atomics.store(ctl, ${LINES}, r.lines);
    Atomics.store(ctl, ${BYTES}, r.bytes);
    Atomics.store(ctl, ${STATE}, ${FINISHED});
    Atomics.notify(ctl, ${STATE});
  }
});
`;

/** A journal's bytes read into memory a worker shares, with that worker hashing their lines. */
export interface SharedRead {
  readonly bytes: Buffer;
  readonly size: number;
  /**
   * Stops the worker and returns the marks (as markHashedLines) of the first `lines` lines: the
   * worker's, and for the lines it had not reached, computed here. Blocks only while the worker
   * finishes the line it is on.
   */
  finish(lines: number): { readonly marks: Uint8Array; readonly byWorker: number };
  /** Settles when the worker has exited (tests wait on it to see the worker do all the work). */
  readonly exited: Promise<void>;
}

/**
 * Reads a file from `offset` (like readJournalTail) into shared memory, with a worker starting
 * meanwhile, then sets the worker hashing the lines read (at most `workerLines` of them). Throws
 * ENOENT like `open`.
 */
export async function readShared(
  path: string,
  offset: number,
  opts: { readonly workerLines?: number } = {},
): Promise<SharedRead> {
  const fh = await open(path, 'r');
  let worker: Worker | undefined;
  let exited = Promise.resolve();
  let bytes: Buffer;
  let size: number;
  const ctl = new Int32Array(new SharedArrayBuffer(16));
  let marks: Uint8Array = new Uint8Array(0);
  try {
    size = (await fh.stat()).size;
    const len = Math.max(0, size - offset);
    const shared = new SharedArrayBuffer(len);
    // Room for a mark per 64 bytes: lines are longer; should they not be, the rest is hashed here.
    const markBuffer = new SharedArrayBuffer(opts.workerLines ?? Math.ceil(len / 64) + 1);
    marks = new Uint8Array(markBuffer);
    try {
      // No inherited loaders (tsx in tests): the worker's source is plain JavaScript.
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { shared, marks: markBuffer, ctl },
        execArgv: [],
      });
      const w = worker;
      exited = new Promise((resolve) => w.once('exit', () => resolve()));
      w.on('error', () => undefined); // it ends FINISHED or never starts: hashed here either way
    } catch {
      worker = undefined; // no thread to be had: hashed here instead
    }
    const buf = Buffer.from(shared);
    const got = await readRange(fh, buf, offset);
    bytes = buf.subarray(0, got);
    worker?.postMessage(got);
  } catch (e) {
    if (worker) void worker.terminate();
    throw e;
  } finally {
    await fh.close();
  }
  const read = bytes;
  return {
    bytes: read,
    size,
    exited,
    finish: (lines) => {
      if (Atomics.compareExchange(ctl, STATE, IDLE, ABANDONED) === RUNNING) {
        Atomics.store(ctl, STOP, 1);
        Atomics.wait(ctl, STATE, RUNNING, 10_000);
      }
      const byWorker = Atomics.load(ctl, STATE) === FINISHED ? Math.min(Atomics.load(ctl, LINES), lines) : 0;
      const from = byWorker > 0 ? Atomics.load(ctl, BYTES) : 0;
      const all = new Uint8Array(lines);
      all.set(marks.subarray(0, byWorker));
      const rest = all.subarray(byWorker);
      markHashedLines(read.subarray(from), sha256HexHere, rest);
      if (Atomics.load(ctl, STATE) !== FINISHED && worker) void worker.terminate();
      return { marks: all, byWorker };
    },
  };
}
