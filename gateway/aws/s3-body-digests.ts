/**
 * Whether a buffered S3 body is the one its digest headers describe (Content-MD5 and
 * `x-amz-checksum-*`). S3 refuses a body that does not match them, so a mismatch means the call
 * would not run as the gateway read it: it is refused here, before anything is decided on it. A
 * digest the gateway cannot compute (a new algorithm, a trailer) is refused too, rather than
 * passed on unchecked.
 */
import { createHash } from 'node:crypto';
import { crc32, crc32c, crc64nvme } from './crc';

export type DigestCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const uint32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

const hash = (algorithm: string) => (body: Buffer) => createHash(algorithm).update(body).digest();

/** Each digest header and how its (base64) value is computed from the body. */
const DIGESTS: Readonly<Record<string, (body: Buffer) => Buffer>> = {
  'content-md5': hash('md5'),
  'x-amz-checksum-md5': hash('md5'),
  'x-amz-checksum-sha1': hash('sha1'),
  'x-amz-checksum-sha256': hash('sha256'),
  'x-amz-checksum-sha512': hash('sha512'),
  'x-amz-checksum-crc32': (b) => uint32(crc32(b)),
  'x-amz-checksum-crc32c': (b) => uint32(crc32c(b)),
  'x-amz-checksum-crc64nvme': crc64nvme,
};

/** `x-amz-checksum-*` headers that describe a digest rather than carry one. */
const NOT_A_DIGEST = new Set(['x-amz-checksum-type', 'x-amz-checksum-algorithm', 'x-amz-checksum-mode']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Checks every digest header present (lower-cased names; repeated headers already joined with ","). */
export function checkBodyDigests(body: Buffer, headers: Readonly<Record<string, string>>): DigestCheck {
  for (const name of Object.keys(headers)) {
    if (name !== 'content-md5' && !name.startsWith('x-amz-checksum-')) continue;
    if (NOT_A_DIGEST.has(name)) continue;
    const compute = Object.hasOwn(DIGESTS, name) ? DIGESTS[name] : undefined;
    if (compute === undefined) {
      return {
        ok: false,
        reason: `Airlock cannot check a ${name} header; send Content-MD5 or x-amz-checksum-crc32, -crc32c, -crc64nvme, -sha1 or -sha256`,
      };
    }
    const given = (headers[name] ?? '').trim();
    if (!BASE64.test(given) || given === '') {
      return { ok: false, reason: `the ${name} header is not one base64 digest` };
    }
    if (!compute(body).equals(Buffer.from(given, 'base64'))) {
      return { ok: false, reason: `the ${name} you specified did not match the body` };
    }
  }
  return { ok: true };
}
