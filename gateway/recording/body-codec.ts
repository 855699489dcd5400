import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gunzip = promisify(zlib.gunzip);
const gzip = promisify(zlib.gzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const deflate = promisify(zlib.deflate);
const brotliDecompress = promisify(zlib.brotliDecompress);
const brotliCompress = promisify(zlib.brotliCompress);

export type Encoding = 'identity' | 'gzip' | 'deflate' | 'br';

/** The content coding of a response, or undefined for one we cannot undo (e.g. zstd, or a chain). */
export function encodingOf(header: string | string[] | undefined): Encoding | undefined {
  const v = (Array.isArray(header) ? header.join(',') : (header ?? '')).trim().toLowerCase();
  if (v === '' || v === 'identity') return 'identity';
  if (v === 'gzip' || v === 'x-gzip') return 'gzip';
  if (v === 'deflate') return 'deflate';
  if (v === 'br') return 'br';
  return undefined;
}

/** Undoes the content coding, refusing to inflate past `maxBytes` (decompression bombs). */
export async function decodeBody(raw: Buffer, enc: Encoding, maxBytes: number): Promise<Buffer> {
  const opts = { maxOutputLength: maxBytes };
  switch (enc) {
    case 'identity':
      return raw;
    case 'gzip':
      return gunzip(raw, opts);
    case 'deflate':
      // RFC 9110's deflate is zlib-wrapped; some servers send it raw.
      return inflate(raw, opts).catch(() => inflateRaw(raw, opts));
    case 'br':
      return brotliDecompress(raw, opts);
  }
}

export async function encodeBody(body: Buffer, enc: Encoding): Promise<Buffer> {
  switch (enc) {
    case 'identity':
      return body;
    case 'gzip':
      return gzip(body);
    case 'deflate':
      return deflate(body);
    case 'br':
      return brotliCompress(body);
  }
}
