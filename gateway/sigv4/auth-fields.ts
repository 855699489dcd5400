/** Validation shared by the header and presigned parsers; each throws with the caller's error code. */

import { parseAmzDate } from './amz-date';
import { SCOPE_TERMINATOR } from './constants';
import type { HeaderIndex } from './raw-request';
import { SigV4Error, type CredentialScope, type SigV4ErrorCode } from './types';

type ParseErrorCode = Extract<SigV4ErrorCode, 'IncompleteSignature' | 'AuthorizationQueryParametersError'>;

/** Printable ASCII without `/`, whitespace or `,`: safe to echo in errors and to feed HMAC. */
const SCOPE_PART = /^[\x21-\x2b\x2d-\x2e\x30-\x7e]+$/;
const SCOPE_DATE = /^\d{8}$/;
/** RFC 9110 token characters: what a header name can be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_FIELD_CHARS = 4096;

export function parseCredential(
  value: string,
  code: ParseErrorCode,
): { accessKeyId: string; scope: CredentialScope } {
  const fail = (why: string): never => {
    throw new SigV4Error(code, `Malformed credential: ${why}`);
  };
  if (value.length > MAX_FIELD_CHARS) fail('too long');
  const parts = value.split('/');
  if (parts.length !== 5) {
    fail('expected "<AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request"');
  }
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = parts;
  if (!SCOPE_PART.test(accessKeyId)) fail('access key id is empty or has invalid characters');
  if (!SCOPE_DATE.test(date)) fail(`date "${printable(date)}" is not YYYYMMDD`);
  if (!SCOPE_PART.test(region)) fail('region is empty or has invalid characters');
  if (!SCOPE_PART.test(service)) fail('service is empty or has invalid characters');
  if (terminator !== SCOPE_TERMINATOR) fail(`scope must end in "${SCOPE_TERMINATOR}"`);
  return { accessKeyId, scope: { date, region, service, terminator } };
}

/**
 * Names are kept verbatim and in the client's order: the client hashed exactly this list, so
 * re-sorting or re-casing could only turn a valid signature into an invalid one.
 */
export function parseSignedHeaders(value: string, code: ParseErrorCode): string[] {
  if (value.length > MAX_FIELD_CHARS) {
    throw new SigV4Error(code, 'SignedHeaders is too long');
  }
  const names = value.split(';');
  for (const name of names) {
    if (!HEADER_NAME.test(name)) {
      throw new SigV4Error(code, `SignedHeaders has an invalid header name "${printable(name)}"`);
    }
  }
  // AWS refuses signatures that do not cover Host; without it a request could be replayed elsewhere.
  if (!names.some((n) => n.toLowerCase() === 'host')) {
    throw new SigV4Error(code, "'Host' must be a 'SignedHeader' in the AWS Authorization");
  }
  return names;
}

export function parseRequestDate(amzDate: string, scope: CredentialScope, code: ParseErrorCode): Date {
  const date = parseAmzDate(amzDate);
  if (date === undefined) {
    throw new SigV4Error(code, `Invalid date "${printable(amzDate)}": expected YYYYMMDDTHHMMSSZ`);
  }
  if (amzDate.slice(0, 8) !== scope.date) {
    throw new SigV4Error(
      code,
      `Credential scope date ${scope.date} does not match request date ${amzDate.slice(0, 8)}`,
    );
  }
  return date;
}

/** A header that decides how the request is checked must not be ambiguous. */
export function singleHeader(headers: HeaderIndex, name: string, code: ParseErrorCode): string | undefined {
  const values = headers.get(name);
  if (values === undefined) return undefined;
  if (values.length > 1) throw new SigV4Error(code, `Header ${name} appears more than once`);
  return values[0]?.trim();
}

/** Error messages echo client input; keep them short and free of control characters. */
export function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}
