import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: crypto.BinaryLike, outputEncoding: 'hex') => string;

// crypto.hash (Node 20.12+) hashes without building a Hash object: about half the cost for the
// small inputs of the call path (journal events, canonical requests). VS Code's runtime may be an
// older Node 20, hence the fallback.
const oneShot: OneShot | undefined = (crypto as { hash?: OneShot }).hash;

/** Lower-case hex SHA-256 of a string (UTF-8, or Latin-1 when asked) or bytes. */
export function sha256Hex(data: string | Uint8Array, encoding: 'utf8' | 'latin1' = 'utf8'): string {
  // Latin-1 and UTF-8 agree on ASCII, which is nearly every canonical request.
  if (typeof data === 'string' && encoding === 'latin1' && Buffer.byteLength(data) !== data.length)
    data = Buffer.from(data, 'latin1');
  return oneShot !== undefined
    ? oneShot('sha256', data, 'hex')
    : crypto.createHash('sha256').update(data).digest('hex');
}
