/** The parts of a SigV4 `Authorization` header the verifier needs. */
export interface ParsedAuthorization {
  accessKeyId: string;
  /** YYYYMMDD from the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  /** The header's SignedHeaders value exactly as sent (order matters for the signature). */
  signedHeadersRaw: string;
  signature: string;
}

export type AuthParseResult =
  | { ok: true; auth: ParsedAuthorization }
  | { ok: false; kind: 'missing-auth' | 'incomplete'; reason: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';

export function parseAuthorization(header: string | undefined): AuthParseResult {
  if (header === undefined || header.trim() === '') {
    return {
      ok: false,
      kind: 'missing-auth',
      reason: 'no Authorization header (query-string auth is not supported)',
    };
  }
  const trimmed = header.trim();
  if (!trimmed.startsWith(ALGORITHM + ' ')) {
    return {
      ok: false,
      kind: 'incomplete',
      reason: `unsupported algorithm in Authorization: ${trimmed.slice(0, 30)}`,
    };
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0)
      return { ok: false, kind: 'incomplete', reason: `malformed Authorization component "${part.trim()}"` };
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeadersRaw = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeadersRaw || !signature) {
    return {
      ok: false,
      kind: 'incomplete',
      reason: 'Authorization lacks Credential, SignedHeaders or Signature',
    };
  }
  const scope = credential.split('/');
  const [accessKeyId, scopeDate, region, service, terminator] = scope;
  if (
    scope.length !== 5 ||
    !accessKeyId ||
    !scopeDate ||
    !region ||
    !service ||
    terminator !== 'aws4_request'
  ) {
    return { ok: false, kind: 'incomplete', reason: `malformed credential scope "${credential}"` };
  }
  if (!/^\d{8}$/.test(scopeDate)) {
    return { ok: false, kind: 'incomplete', reason: `credential scope date "${scopeDate}" is not YYYYMMDD` };
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, kind: 'incomplete', reason: 'Signature is not 64 lowercase hex characters' };
  }
  return {
    ok: true,
    auth: {
      accessKeyId,
      scopeDate,
      region,
      service,
      signedHeaders: signedHeadersRaw.split(';'),
      signedHeadersRaw,
      signature,
    },
  };
}
