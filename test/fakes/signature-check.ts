import { timingSafeEqual } from 'node:crypto';
import { RequestSigner, type Request as Aws4Request } from 'aws4';
import type { FailureKind } from './aws-errors';
import type { ParsedAuthorization } from './auth-header';

/** aws4 honours this option at runtime; @types/aws4 does not declare it. */
interface Aws4RequestWithExtras extends Aws4Request {
  extraHeadersToInclude?: Record<string, boolean>;
}

export interface SignatureCheckInput {
  method: string;
  /** Path and query exactly as they arrived on the wire. */
  rawPath: string;
  /** `req.headersDistinct`: repeated headers stay separate so they can be joined the SigV4 way. */
  headers: NodeJS.Dict<string[]>;
  auth: ParsedAuthorization;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /**
   * The buffered body, for services whose payload hash is the hash of the body. Left undefined for
   * S3, where the signed x-amz-content-sha256 header stands for the body.
   */
  body?: Buffer;
  now: number;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; kind: FailureKind; reason: string; canonicalRequest?: string; stringToSign?: string };

const MAX_SKEW_MS = 15 * 60 * 1000;

function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/**
 * Recomputes the signature with the aws4 library (an implementation independent of the gateway's
 * @smithy signer), feeding it exactly the headers the client claims to have signed.
 */
export function checkSignature(input: SignatureCheckInput): SignatureCheck {
  const { auth, headers } = input;
  if (auth.accessKeyId !== input.credentials.accessKeyId) {
    return { ok: false, kind: 'unknown-key', reason: `unknown access key id ${auth.accessKeyId}` };
  }
  const amzDate = headers['x-amz-date']?.[0];
  if (amzDate === undefined) {
    return {
      ok: false,
      kind: 'incomplete',
      reason: 'no x-amz-date header (Date-only signing is not supported)',
    };
  }
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt))
    return { ok: false, kind: 'incomplete', reason: `malformed x-amz-date ${amzDate}` };
  if (amzDate.slice(0, 8) !== auth.scopeDate) {
    return {
      ok: false,
      kind: 'bad-signature',
      reason: `scope date ${auth.scopeDate} differs from x-amz-date ${amzDate}`,
    };
  }
  if (Math.abs(input.now - signedAt) > MAX_SKEW_MS) {
    return { ok: false, kind: 'expired', reason: `x-amz-date ${amzDate} is more than 15 minutes from now` };
  }
  if (!auth.signedHeaders.includes('host')) {
    return { ok: false, kind: 'bad-signature', reason: "'host' is not a signed header" };
  }
  if (auth.service === 's3') {
    // S3 refuses x-amz-* headers that the signature does not cover.
    const unsigned = Object.keys(headers).filter(
      (h) => h.startsWith('x-amz-') && !auth.signedHeaders.includes(h),
    );
    if (unsigned.length > 0) {
      return {
        ok: false,
        kind: 'unsigned-headers',
        reason: `headers present but not signed: ${unsigned.join(', ')}`,
      };
    }
  }

  const signed: Record<string, string> = {};
  const include: Record<string, boolean> = {};
  for (const name of auth.signedHeaders) {
    const values = headers[name];
    if (values === undefined) {
      return {
        ok: false,
        kind: 'bad-signature',
        reason: `signed header "${name}" is not present in the request`,
      };
    }
    signed[name] = values.map((v) => v.trim()).join(',');
    // aws4 silently skips a few headers (range, user-agent, expect...) unless told otherwise.
    include[name] = true;
  }

  const request: Aws4RequestWithExtras = {
    method: input.method,
    host: signed['host'],
    path: input.rawPath,
    headers: signed,
    service: auth.service,
    region: auth.region,
    doNotModifyHeaders: true,
    extraHeadersToInclude: include,
  };
  if (input.body !== undefined) request.body = input.body;

  let computed: string;
  let canonicalRequest: string;
  let stringToSign: string;
  let computedSignedHeaders: string;
  try {
    const signer = new RequestSigner(request, input.credentials);
    // With doNotModifyHeaders aws4 would otherwise sign with "now" instead of the request's date.
    signer.datetime = amzDate;
    canonicalRequest = signer.canonicalString();
    stringToSign = signer.stringToSign();
    computedSignedHeaders = signer.signedHeaders();
    computed = signer.signature();
  } catch (err) {
    return { ok: false, kind: 'bad-signature', reason: `cannot canonicalise request: ${String(err)}` };
  }
  if (computedSignedHeaders !== auth.signedHeadersRaw) {
    return {
      ok: false,
      kind: 'bad-signature',
      reason: `SignedHeaders "${auth.signedHeadersRaw}" is not the sorted lowercase list "${computedSignedHeaders}"`,
      canonicalRequest,
    };
  }
  const matches = timingSafeEqual(Buffer.from(computed, 'hex'), Buffer.from(auth.signature, 'hex'));
  if (!matches) {
    return {
      ok: false,
      kind: 'bad-signature',
      reason: 'signature does not match',
      canonicalRequest,
      stringToSign,
    };
  }
  return { ok: true };
}
