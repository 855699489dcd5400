/**
 * AWS answers a request whose signature it rejects with diagnostics about that request: S3 puts
 * the access key id, the signature, the string-to-sign and the canonical request (with their
 * bytes) into its XML error, and echoes a rejected session token (`<Token-0>`); query and JSON
 * services put the canonical request and string-to-sign into the message. The request AWS saw is
 * the gateway's re-signed one, so these are the real credentials' key id, signature and, inside
 * the canonical request, session token. None of it may reach the agent or the recording.
 */

/** What identifies the gateway's own signing of one forwarded request. */
export interface ResigningSecrets {
  readonly accessKeyId?: string;
  readonly signature?: string;
  readonly sessionToken?: string;
}

/** Reads them from the headers the re-signer produced (Authorization, X-Amz-Security-Token). */
export function resigningSecrets(signedHeaders: Readonly<Record<string, string>>): ResigningSecrets {
  let authorization: string | undefined;
  let sessionToken: string | undefined;
  for (const [k, v] of Object.entries(signedHeaders)) {
    const name = k.toLowerCase();
    if (name === 'authorization') authorization = v;
    else if (name === 'x-amz-security-token') sessionToken = v;
  }
  const accessKeyId =
    authorization !== undefined ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
  const signature =
    authorization !== undefined ? /Signature=([0-9a-fA-F]+)/.exec(authorization)?.[1] : undefined;
  return {
    ...(accessKeyId ? { accessKeyId } : {}),
    ...(signature ? { signature } : {}),
    ...(sessionToken ? { sessionToken } : {}),
  };
}

/** S3 error elements that describe the signed request itself; dropped whole. */
const DROPPED_ELEMENTS =
  /<(StringToSign|StringToSignBytes|SignatureProvided|CanonicalRequest|CanonicalRequestBytes|Token-\d{1,3})>/g;
const KEY_ID_ELEMENT = /<AWSAccessKeyId>/g;
/** How query and JSON services introduce the canonical request in a SignatureDoesNotMatch message. */
const CANONICAL_MARKERS = [
  'The Canonical String for this request should have been',
  'The String-to-Sign should have been',
];
const REMOVED_NOTE =
  '(Airlock removed the canonical request and string-to-sign AWS echoed here: they describe the request Airlock re-signed with its own credentials, not yours.)';
const REMOVED = '(removed by Airlock)';

/**
 * Removes the re-signed request's diagnostics from an error body, in any of the shapes above, and
 * every other occurrence of the real key id (replaced by `agentKeyId`, the key the agent signed
 * with), signature and session token. Linear in the body: scans with indexOf, no backtracking.
 * Returns the same string when there was nothing to remove.
 */
export function scrubSignatureEcho(body: string, secrets: ResigningSecrets, agentKeyId: string): string {
  let out = dropElements(body);
  out = replaceElementText(out, KEY_ID_ELEMENT, 'AWSAccessKeyId', agentKeyId);
  for (const marker of CANONICAL_MARKERS) out = cutMessageTail(out, marker);
  if (secrets.accessKeyId) out = replaceAll(out, secrets.accessKeyId, agentKeyId);
  if (secrets.signature) out = replaceAll(out, secrets.signature, REMOVED);
  if (secrets.sessionToken) out = replaceAll(out, secrets.sessionToken, REMOVED);
  return out === body ? body : out;
}

function replaceAll(text: string, secret: string, by: string): string {
  return text.includes(secret) ? text.split(secret).join(by) : text;
}

/** `<Name>…</Name>` removed; an element never closed takes the rest of the body with it. */
function dropElements(text: string): string {
  let out = '';
  let at = 0;
  DROPPED_ELEMENTS.lastIndex = 0;
  for (let m = DROPPED_ELEMENTS.exec(text); m !== null; m = DROPPED_ELEMENTS.exec(text)) {
    if (m.index < at) continue;
    const close = `</${m[1] ?? ''}>`;
    const end = text.indexOf(close, m.index + m[0].length);
    out += text.slice(at, m.index);
    if (end < 0) return out;
    at = end + close.length;
    DROPPED_ELEMENTS.lastIndex = at;
  }
  return at === 0 ? text : out + text.slice(at);
}

function replaceElementText(text: string, open: RegExp, name: string, by: string): string {
  let out = '';
  let at = 0;
  const close = `</${name}>`;
  open.lastIndex = 0;
  for (let m = open.exec(text); m !== null; m = open.exec(text)) {
    if (m.index < at) continue;
    const start = m.index + m[0].length;
    const end = text.indexOf(close, start);
    out += text.slice(at, start) + by;
    if (end < 0) return out;
    at = end;
    open.lastIndex = end + close.length;
  }
  return at === 0 ? text : out + text.slice(at);
}

/**
 * Cuts a message from `marker` to the end of its string: the next `<` in XML (text there is
 * escaped, so `<` starts the closing tag), the next unescaped `"` in JSON, else the end.
 */
function cutMessageTail(text: string, marker: string): string {
  let from = text.indexOf(marker);
  if (from < 0) return text;
  const json = text.trimStart().startsWith('{');
  let out = '';
  let at = 0;
  while (from >= 0) {
    const end = json ? closingQuote(text, from) : text.indexOf('<', from);
    out += text.slice(at, from) + REMOVED_NOTE;
    at = end < 0 ? text.length : end;
    from = text.indexOf(marker, at);
  }
  return out + text.slice(at);
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i;
  }
  return -1;
}
