import type { IncomingHttpHeaders } from 'node:http';
import type { CallResponseData } from '../journal/events';

/** Response bodies are recorded (masked) up to this many bytes; the cap is noted when it cuts. */
export const RECORD_BODY_CAP_BYTES = 64 * 1024;

/** Checksums AWS sends with object bodies: what the recording keeps instead of the bytes. */
const CHECKSUM_HEADERS = [
  'etag',
  'content-md5',
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
  'x-amz-checksum-type',
];

export function checksumHeaders(
  h: IncomingHttpHeaders | Readonly<Record<string, string>>,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const name of CHECKSUM_HEADERS) {
    const v = h[name];
    if (typeof v === 'string' && v.length > 0 && v.length <= 200) out[name] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return typeof v === 'string' && v.length > 0 ? v.slice(0, 200) : undefined;
}

/** The parts of a response event every delivery mode shares. */
export function responseBase(
  callId: string,
  status: number,
  headers: IncomingHttpHeaders,
): Pick<CallResponseData, 'callId' | 'status' | 'awsRequestId' | 'contentType' | 'contentEncoding'> {
  const rid = headers['x-amz-request-id'] ?? headers['x-amzn-requestid'];
  return {
    callId,
    status,
    awsRequestId: typeof rid === 'string' ? rid : undefined,
    contentType: header(headers, 'content-type'),
    contentEncoding: header(headers, 'content-encoding'),
  };
}

/** A recorded body: cut at the cap on a character boundary, with the cap noted when it cut. */
export function cappedBody(text: string): Pick<CallResponseData, 'body' | 'bodyTruncated' | 'bodyCapBytes'> {
  if (text.length <= RECORD_BODY_CAP_BYTES / 4 || Buffer.byteLength(text) <= RECORD_BODY_CAP_BYTES)
    return { body: text };
  let cut = Buffer.from(text).subarray(0, RECORD_BODY_CAP_BYTES).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return { body: cut, bodyTruncated: true, bodyCapBytes: RECORD_BODY_CAP_BYTES };
}
