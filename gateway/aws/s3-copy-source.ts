/**
 * `x-amz-copy-source` (CopyObject, UploadPartCopy) read the way S3 documents it, and nothing
 * looser: `[/]bucket/key[?versionId=id]` with bucket and key URL-encoded, or an access point
 * object ARN `arn:…:s3:region:account:accesspoint/name/object/key` (Outposts:
 * `…:s3-outposts:…:outpost/id/accesspoint/name/object/key`). The gateway decides the read side of
 * the copy on what this returns, so every value two readings could split differently is refused:
 * `//bucket/key` (an empty bucket, or a bucket of `/bucket`?), an empty key, a `%2F` inside the
 * bucket, malformed or non-UTF-8 percent escapes, a raw `+` (a space to form decoders), a raw `#`,
 * raw non-ASCII or control characters (bytes the header carries in no agreed encoding), and any
 * query other than one `versionId`.
 */

export interface CopySource {
  /** A bucket name, or an access point ARN (`arn:…:accesspoint/name`). */
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

export type CopySourceResult =
  { readonly ok: true; readonly source: CopySource } | { readonly ok: false; readonly reason: string };

/** Bucket names, including legacy ones (uppercase, `_`, up to 255) and access point aliases. */
const BUCKET = /^[A-Za-z0-9._-]{3,255}$/;
/** Printable ASCII and space, minus `+` and `#`; `%` only as the start of an escape (checked by decode). */
const RAW_ALLOWED = /^[\x20-\x22\x24-\x2a\x2c-\x7e]*$/;
const ACCESS_POINT =
  /^(arn(?::|%3[Aa])aws[a-z-]*(?::|%3[Aa])s3(?::|%3[Aa])[a-z0-9-]*(?::|%3[Aa])\d{12}(?::|%3[Aa])accesspoint\/[A-Za-z0-9.-]+)\/object\/(.*)$/;
const OUTPOSTS_ACCESS_POINT =
  /^(arn(?::|%3[Aa])aws[a-z-]*(?::|%3[Aa])s3-outposts(?::|%3[Aa])[a-z0-9-]+(?::|%3[Aa])\d{12}(?::|%3[Aa])outpost\/[A-Za-z0-9-]+\/accesspoint\/[A-Za-z0-9.-]+)\/object\/(.*)$/;

class Unparsable extends Error {}

/** Percent-decoding that refuses what S3 would refuse or could read otherwise. */
function decode(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new Unparsable(`the ${what} has a malformed percent escape or escapes bytes that are not UTF-8`);
  }
}

function versionOf(rawQuery: string | undefined): string | undefined {
  if (rawQuery === undefined) return undefined;
  const m = /^versionId=([^&=]+)$/.exec(rawQuery);
  if (m?.[1] === undefined) throw new Unparsable('the only query it may carry is one non-empty ?versionId=');
  return decode(m[1], 'version id');
}

function parse(raw: string): CopySource {
  if (raw === '') throw new Unparsable('it is empty');
  if (!RAW_ALLOWED.test(raw)) {
    throw new Unparsable(
      'it holds a raw +, #, control or non-ASCII character; percent-encode the key (UTF-8), e.g. + as %2B',
    );
  }
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const versionId = versionOf(q < 0 ? undefined : raw.slice(q + 1));
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  const arn = ACCESS_POINT.exec(trimmed) ?? OUTPOSTS_ACCESS_POINT.exec(trimmed);
  let bucket: string;
  let rawKey: string;
  if (arn?.[1] !== undefined && arn[2] !== undefined) {
    bucket = arn[1].replace(/%3[Aa]/g, ':');
    rawKey = arn[2];
  } else {
    const slash = trimmed.indexOf('/');
    if (slash < 0) throw new Unparsable('it names no key (bucket/key)');
    bucket = decode(trimmed.slice(0, slash), 'bucket');
    rawKey = trimmed.slice(slash + 1);
    if (bucket === '') throw new Unparsable('the bucket is empty (one leading / at most: /bucket/key)');
    if (!BUCKET.test(bucket)) throw new Unparsable('the bucket is not a valid bucket name');
  }
  const key = decode(rawKey, 'key');
  if (key === '') throw new Unparsable('the key is empty');
  return versionId === undefined ? { bucket, key } : { bucket, key, versionId };
}

/** The source object of a copy, or why the header cannot be read with certainty. Never throws. */
export function parseCopySource(raw: string): CopySourceResult {
  try {
    return { ok: true, source: parse(raw) };
  } catch (e) {
    if (e instanceof Unparsable) return { ok: false, reason: e.message };
    throw e;
  }
}
