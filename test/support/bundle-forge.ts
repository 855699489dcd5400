import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import zlib from 'node:zlib';
import { fingerprintOf } from '../../gateway/bundle/signing-key';
import { sha256Hex } from '../../gateway/crypto/sha256-hex';
import { canonicalJson } from '../../gateway/journal/canonical-json';
import { GENESIS_HASH } from '../../gateway/journal/events';

/**
 * A forger's tools, for tests: take a bundle apart, put (edited) lines back together in the
 * framing the exporter writes, and re-sign a bundle with a fresh key, as anyone could.
 */

/** The gzip header airlock writes (gateway/bundle/gzip-frame.ts), spelled out independently. */
const CANONICAL_GZIP_HEADER = Buffer.from('1f8b0800000000000403', 'hex');

export function unpackBundle(buf: Buffer): { magic: string; lines: string[] } {
  const nl = buf.indexOf(0x0a);
  const text = zlib.gunzipSync(buf.subarray(nl + 1)).toString();
  return { magic: buf.subarray(0, nl).toString(), lines: text.slice(0, -1).split('\n') };
}

/** One gzip member with exactly the exporter's header bytes: only the content differs. */
export function packBundle(magic: string, lines: readonly string[]): Buffer {
  const gz = zlib.gzipSync(`${lines.join('\n')}\n`, { level: 1 });
  CANONICAL_GZIP_HEADER.copy(gz, 0);
  return Buffer.concat([Buffer.from(`${magic}\n`), gz]);
}

/**
 * Re-signs a bundle with another key (a fresh one unless given), after an optional edit of its
 * lines: the events are chained again and the header names the new head and signer, so the
 * forgery verifies; only who signed it says anything is wrong.
 */
export function resignBundle(
  buf: Buffer,
  key: KeyObject = generateKeyPairSync('ed25519').privateKey,
  edit: (lines: string[]) => string[] = (l) => l,
): { bundle: Buffer; fingerprint: string } {
  const { magic, lines } = unpackBundle(buf);
  const edited = edit(lines);
  const der = createPublicKey(key).export({ format: 'der', type: 'spki' });
  let prev = GENESIS_HASH;
  const hashes: string[] = [];
  const events = edited.slice(1, -1).map((line) => {
    const rechained = canonicalJson({ ...(JSON.parse(line) as object), prev });
    prev = sha256Hex(rechained);
    hashes.push(prev);
    return rechained;
  });
  const h = JSON.parse(edited[0] ?? '{}') as {
    signer: Record<string, string>;
    events: { head: { seq: number; hash: string }; recorded?: { seq: number; hash: string } };
  };
  h.events.head.hash = prev;
  // The forger controls the header, the exporting gateway's recorded head included.
  if (h.events.recorded) h.events.recorded.hash = hashes[h.events.recorded.seq - 1] ?? h.events.recorded.hash;
  h.signer = { algorithm: 'ed25519', publicKey: der.toString('base64'), fingerprint: fingerprintOf(der) };
  const headerLine = JSON.stringify(h);
  const out = [
    headerLine,
    ...events,
    JSON.stringify({ signature: sign(null, Buffer.from(headerLine), key).toString('base64') }),
  ];
  return { bundle: packBundle(magic, out), fingerprint: fingerprintOf(der) };
}
