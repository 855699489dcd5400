/**
 * Helpers over "byte strings": one UTF-16 code unit per byte (latin1). Node hands over
 * `req.url` and header values that way, and the signature is over the bytes the client sent,
 * so canonicalisation works byte by byte and hashes with the latin1 encoding.
 */

const HEX = '0123456789ABCDEF';

/** RFC 3986 unreserved characters: the only ones SigV4 leaves unencoded. */
const UNRESERVED = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9\-._~]/.test(ch)) UNRESERVED[c] = 1;
}

const ENCODED_BYTE: readonly string[] = Array.from({ length: 256 }, (_, c) =>
  UNRESERVED[c] === 1 ? String.fromCharCode(c) : `%${HEX[c >> 4] ?? '0'}${HEX[c & 15] ?? '0'}`,
);

const SLASH = 0x2f;
const PERCENT = 0x25;

/**
 * Strings that did not come from Node's parser may hold characters above U+00FF; those are taken
 * as text and turned into their UTF-8 bytes, which is what a client would have put on the wire.
 */
export function toByteString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) return Buffer.from(s, 'utf8').toString('latin1');
  }
  return s;
}

/** Percent-encodes every byte that is not unreserved (and not `/` when `keepSlash`). */
export function uriEncode(input: string, keepSlash: boolean): string {
  const s = toByteString(input);
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (UNRESERVED[c] !== 1 && !(keepSlash && c === SLASH)) break;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += keepSlash && c === SLASH ? '/' : (ENCODED_BYTE[c] ?? '');
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Percent-decodes to bytes. A `%` not followed by two hex digits stays literal, and `+` stays
 * `+`: SDKs always send `%2B`/`%20`, and AWS signs the query as RFC 3986, not as a form.
 */
export function percentDecode(input: string): string {
  const s = toByteString(input);
  if (s.indexOf('%') === -1) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === PERCENT && i + 2 < s.length) {
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hexValue(s.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out += String.fromCharCode(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i] ?? '';
  }
  return out;
}

/** Decode then strict-encode: equal to the wire form whenever the client encoded like an SDK. */
export function canonicalQueryComponent(raw: string): string {
  return uriEncode(percentDecode(raw), false);
}
