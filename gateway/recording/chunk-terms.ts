/**
 * A Bloom filter over a chunk's free-text terms, kept in a small file beside the chunk, so a text
 * search loads only the chunks that may hold every word it asks for. Terms are FTS4's own (the
 * "simple" tokenizer: runs of ASCII letters and digits and of any non-ASCII character, ASCII
 * folded to lower case), so a word the filter rules out is one FTS4 would not match either.
 */

const MAGIC = 0x41544d31; // "ATM1"
const HASHES = 7;
const BITS_PER_TERM = 10;
const HEADER = 12 + 32;

function hashes(term: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [h1 >>> 0, (h2 | 1) >>> 0];
}

/** The filter file for these terms, stamped with the chunk's build id. */
export function buildTermFilter(terms: readonly string[], id: string): Uint8Array {
  const bits = Math.max(1024, Math.ceil((terms.length * BITS_PER_TERM) / 8) * 8);
  const out = new Uint8Array(HEADER + bits / 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, HASHES);
  view.setUint32(8, bits);
  out.set(Buffer.from(id.padEnd(32, ' ').slice(0, 32), 'latin1'), 12);
  for (const t of terms) {
    const [a, b] = hashes(t);
    for (let i = 0; i < HASHES; i++) {
      const bit = (a + i * b) % bits;
      const at = HEADER + (bit >>> 3);
      out[at] = (out[at] ?? 0) | (1 << (bit & 7));
    }
  }
  return out;
}

/**
 * Whether the chunk may hold every term: false only when one is surely absent. A file that is
 * not this chunk's filter (another build id, torn) says "maybe": the chunk is loaded and decides.
 */
export function mayHoldAll(filter: Uint8Array | undefined, id: string, terms: readonly string[]): boolean {
  if (!filter || filter.length < HEADER) return true;
  const view = new DataView(filter.buffer, filter.byteOffset, filter.byteLength);
  const bits = view.getUint32(8);
  if (
    view.getUint32(0) !== MAGIC ||
    Buffer.from(filter.subarray(12, HEADER)).toString('latin1') !== id.padEnd(32, ' ').slice(0, 32) ||
    filter.length !== HEADER + bits / 8
  )
    return true;
  const k = view.getUint32(4);
  for (const t of terms) {
    const [a, b] = hashes(t);
    for (let i = 0; i < k; i++) {
      const bit = (a + i * b) % bits;
      if (((filter[HEADER + (bit >>> 3)] ?? 0) & (1 << (bit & 7))) === 0) return false;
    }
  }
  return true;
}

/** The terms FTS4's simple tokenizer makes of some text. */
export function ftsTerms(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    const token =
      (c >= 48 && c <= 57) ||
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      (ch.codePointAt(0) ?? 0) >= 128;
    if (token) cur += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : ch;
    else if (cur) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur) out.push(cur);
  return out;
}
