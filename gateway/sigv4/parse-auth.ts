/** Finds and parses SigV4 authentication: the Authorization header or presigned query parameters. */

import { formatAmzDate, parseHttpDate } from './amz-date';
import {
  parseCredential,
  parseRequestDate,
  parseSignedHeaders,
  printable,
  singleHeader,
} from './auth-fields';
import { ALGORITHM, Q_ALGORITHM, Q_CREDENTIAL, Q_SIGNATURE, Q_SIGNED_HEADERS } from './constants';
import { parsePresigned } from './parse-presigned';
import { indexHeaders, parseQuery, splitRawUrl, type HeaderIndex } from './raw-request';
import { SigV4Error, type ParsedAuth, type RawRequest } from './types';

const PRESIGN_MARKERS: ReadonlySet<string> = new Set([
  Q_ALGORITHM,
  Q_CREDENTIAL,
  Q_SIGNATURE,
  Q_SIGNED_HEADERS,
]);

/** Throws only SigV4Error, whatever the input. */
export function parseAuth(raw: Pick<RawRequest, 'rawUrl' | 'rawHeaders'>): ParsedAuth {
  const headers = indexHeaders(raw.rawHeaders);
  const params = parseQuery(splitRawUrl(raw.rawUrl).query);
  const presigned = params.some((p) => PRESIGN_MARKERS.has(p.key));
  const authorization = (headers.get('authorization') ?? []).filter((v) => v.trim() !== '');

  if (authorization.length > 0) {
    if (presigned) {
      throw new SigV4Error(
        'IncompleteSignature',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified',
      );
    }
    if (authorization.length > 1) {
      throw new SigV4Error('IncompleteSignature', 'Authorization header appears more than once');
    }
    return parseAuthorizationHeader(authorization[0] ?? '', headers);
  }
  if (presigned) return parsePresigned(params, headers);
  throw new SigV4Error('MissingAuthenticationToken', 'Request is missing Authentication Token');
}

function parseAuthorizationHeader(value: string, headers: HeaderIndex): ParsedAuth {
  const code = 'IncompleteSignature';
  const trimmed = value.trim();
  // SDKs write "ALG Credential=…, SignedHeaders=…, Signature=…"; hand-rolled clients drop or
  // double the spaces and commas. No field value can hold a space or a comma, so both separate.
  const cut = trimmed.search(/[\s,]/);
  const algorithm = cut === -1 ? trimmed : trimmed.slice(0, cut);
  if (algorithm !== ALGORITHM) {
    throw new SigV4Error(
      'InvalidSignatureAlgorithm',
      `Unsupported signature algorithm "${printable(algorithm)}"; only ${ALGORITHM} is accepted`,
    );
  }
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  const rest = cut === -1 ? '' : trimmed.slice(cut);
  for (const component of rest.split(/[\s,]+/)) {
    if (component === '') continue;
    const eq = component.indexOf('=');
    if (eq <= 0) {
      throw new SigV4Error(
        code,
        `'${printable(component)}' not a valid key=value pair (missing equal-sign) in Authorization header`,
      );
    }
    const name = component.slice(0, eq);
    const field = component.slice(eq + 1);
    const duplicate = (): never => {
      throw new SigV4Error(code, `Authorization header has ${name} more than once`);
    };
    if (name === 'Credential') credential = credential === undefined ? field : duplicate();
    else if (name === 'SignedHeaders') {
      signedHeaders = signedHeaders === undefined ? field : duplicate();
    } else if (name === 'Signature') signature = signature === undefined ? field : duplicate();
    else {
      throw new SigV4Error(code, `Unknown Authorization header field "${printable(name)}"`);
    }
  }
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    const missing = [
      credential === undefined ? 'Credential' : '',
      signedHeaders === undefined ? 'SignedHeaders' : '',
      signature === undefined ? 'Signature' : '',
    ].filter((s) => s !== '');
    throw new SigV4Error(
      code,
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (missing: ${missing.join(', ')})`,
    );
  }
  if (signature === '') throw new SigV4Error(code, 'Signature is empty');

  const { accessKeyId, scope } = parseCredential(credential, code);
  const names = parseSignedHeaders(signedHeaders, code);
  const amzDate = headerDate(headers);
  const requestTime = parseRequestDate(amzDate, scope, code);
  const contentSha256 = singleHeader(headers, 'x-amz-content-sha256', code);
  const securityToken = singleHeader(headers, 'x-amz-security-token', code);
  return {
    kind: 'header',
    algorithm: ALGORITHM,
    accessKeyId,
    scope,
    signedHeaders: names,
    signature,
    amzDate,
    requestTime,
    ...(contentSha256 !== undefined ? { contentSha256 } : {}),
    ...(securityToken !== undefined ? { securityToken } : {}),
  };
}

/** X-Amz-Date wins over Date, as at AWS; a Date header is turned into the basic ISO form. */
function headerDate(headers: HeaderIndex): string {
  const code = 'IncompleteSignature';
  const amzDate = singleHeader(headers, 'x-amz-date', code);
  if (amzDate !== undefined) return amzDate;
  const httpDate = singleHeader(headers, 'date', code);
  if (httpDate === undefined) {
    throw new SigV4Error(
      code,
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header",
    );
  }
  const parsed = parseHttpDate(httpDate);
  if (parsed === undefined) {
    throw new SigV4Error(code, `Date header "${printable(httpDate)}" is not an RFC 1123 date`);
  }
  return formatAmzDate(parsed);
}
