import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);
const inflateRaw = promisify(zlib.inflateRaw);

/**
 * The gzip header every bundle carries, byte for byte: magic, deflate, no flags (so no file name,
 * comment, extra field or header CRC), mtime 0, XFL 4 (fastest, as level 1 writes it), OS 3.
 * zlib's own OS byte depends on the platform it was built for; the exporter writes this one
 * everywhere, so a verifier can demand exactly these bytes and nothing in the header is left
 * that the signature does not account for.
 */
export const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x04, 0x03]);
const TRAILER_BYTES = 8;

/** Compresses a bundle body into exactly one gzip member with the canonical header. */
export async function gzipCanonical(body: Buffer): Promise<Buffer> {
  // Level 1: a recording is JSON that deflates ~10x even at the fastest level, and its hashes do
  // not compress at any level; export time matters more than the last megabyte.
  const gz = await gzip(body, { level: 1 });
  if (gz.length < GZIP_HEADER.length + TRAILER_BYTES || gz[3] !== 0)
    throw new Error('zlib wrote a gzip header with flags; the bundle format does not allow them');
  GZIP_HEADER.copy(gz, 0);
  return gz;
}

// The extension host may run a Node without zlib.crc32 (added in 20.15); same polynomial either way.
let table: Uint32Array | undefined;
function crc32(data: Buffer): number {
  const native = (zlib as { crc32?: (d: Buffer) => number }).crc32;
  if (native) return native(data);
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (table[(crc ^ (data[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export type GunzipResult =
  | { readonly ok: true; readonly body: Buffer }
  | {
      readonly ok: false;
      readonly kind: 'truncated' | 'corrupt' | 'unsigned-bytes';
      readonly message: string;
    };

const HEADER_FIELDS: readonly [number, number, string][] = [
  [3, 4, 'flags (a file name, comment, extra field or header CRC)'],
  [4, 8, 'modification time'],
  [8, 9, 'extra flags'],
  [9, 10, 'operating system'],
];

/**
 * Inflates a bundle's gzip part, accepting only what the exporter writes: one member, the
 * canonical header, a trailer that matches, and nothing after it. Anything else would be bytes of
 * the file that no signature or hash covers (an empty second member, a header comment, appended
 * data), so the file is refused rather than shown as verified with them.
 */
export async function gunzipCanonical(gz: Buffer): Promise<GunzipResult> {
  const fail = (kind: 'truncated' | 'corrupt' | 'unsigned-bytes', message: string): GunzipResult => ({
    ok: false,
    kind,
    message,
  });
  if (gz.length < GZIP_HEADER.length)
    return fail('truncated', 'truncated file: the compressed data ends early');
  if (gz[0] !== 0x1f || gz[1] !== 0x8b || gz[2] !== 0x08)
    return fail('corrupt', 'corrupt file: the compressed data is not a gzip stream');
  for (const [from, to, name] of HEADER_FIELDS)
    if (!gz.subarray(from, to).equals(GZIP_HEADER.subarray(from, to)))
      return fail(
        'unsigned-bytes',
        `the gzip header's ${name} is not what airlock writes: bytes the signature does not cover were changed`,
      );
  let body: Buffer;
  let consumed: number;
  try {
    const r = (await inflateRaw(gz.subarray(GZIP_HEADER.length), { info: true })) as unknown as {
      buffer: Buffer;
      engine: zlib.InflateRaw;
    };
    body = r.buffer;
    consumed = r.engine.bytesWritten;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/unexpected end/i.test(msg) || (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR')
      return fail('truncated', 'truncated file: the compressed data ends early');
    return fail('corrupt', `corrupt file: the compressed data is damaged (${msg})`);
  }
  const trailerAt = GZIP_HEADER.length + consumed;
  if (gz.length < trailerAt + TRAILER_BYTES)
    return fail('truncated', 'truncated file: the compressed data ends early');
  if (gz.readUInt32LE(trailerAt) !== crc32(body) || gz.readUInt32LE(trailerAt + 4) !== body.length >>> 0)
    return fail('corrupt', 'corrupt file: the gzip checksum does not match the data');
  const extra = gz.length - (trailerAt + TRAILER_BYTES);
  if (extra > 0)
    return fail(
      'unsigned-bytes',
      `${extra} bytes follow the compressed data (another gzip member, or appended data) that the signature does not cover`,
    );
  return { ok: true, body };
}
