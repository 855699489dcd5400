/**
 * Hand-written scanners for the secret shapes (shapes.ts). Each one finds the same spans as the
 * regular expression in its comment, but in one pass: a failed candidate is skipped past the run
 * it already read, so no code unit is read more than a bounded number of times, whatever the
 * input. (The regexes themselves backtrack: `-eyJ-eyJ…` made the JWT one quadratic.)
 */

/** A found secret: `[start, end)`, and where the secret itself starts (after a kept prefix). */
export interface ShapeSpan {
  readonly start: number;
  readonly secretStart: number;
  readonly end: number;
}

const isWord = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
/** base64url: `[A-Za-z0-9_-]`. */
const isB64Url = (c: number): boolean => isWord(c) || c === 0x2d;
/** Bearer token characters: `[A-Za-z0-9._~+/-]`. */
const isTokenChar = (c: number): boolean =>
  isWord(c) || c === 0x2e || c === 0x7e || c === 0x2b || c === 0x2f || c === 0x2d;
const isLabelChar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x20;

/** JavaScript's `\s`. */
export function isJsSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function runEnd(text: string, from: number, inRun: (c: number) => boolean): number {
  let i = from;
  while (i < text.length && inRun(text.charCodeAt(i))) i++;
  return i;
}

/**
 * JWTs: `\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`. A segment's run ends
 * where the character class ends, so every start inside a failed run fails the same way: the
 * search resumes at the run's end.
 */
export function jwtSpans(text: string): ShapeSpan[] {
  const out: ShapeSpan[] = [];
  let from = 0;
  for (;;) {
    const s = text.indexOf('eyJ', from);
    if (s < 0) return out;
    if (s > 0 && isWord(text.charCodeAt(s - 1))) {
      from = s + 1;
      continue;
    }
    const e1 = runEnd(text, s + 3, isB64Url);
    from = e1;
    if (e1 - (s + 3) < 8 || text.charCodeAt(e1) !== 0x2e || !text.startsWith('eyJ', e1 + 1)) continue;
    const e2 = runEnd(text, e1 + 4, isB64Url);
    if (e2 - (e1 + 4) < 8 || text.charCodeAt(e2) !== 0x2e) continue;
    const e3 = runEnd(text, e2 + 1, isB64Url);
    out.push({ start: s, secretStart: s, end: e3 });
    from = e3;
  }
}

const BEARER = /bearer/gi;

/**
 * Bearer tokens: `\b(Bearer\s+)([A-Za-z0-9._~+/-]{16,}=*)` (case-insensitive); the prefix is kept.
 * A failed candidate costs at most its whitespace (never read again) and 16 token characters.
 */
export function bearerSpans(text: string): ShapeSpan[] {
  const out: ShapeSpan[] = [];
  const re = new RegExp(BEARER.source, BEARER.flags);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const s = m.index;
    if (s > 0 && isWord(text.charCodeAt(s - 1))) continue;
    const tok = runEnd(text, s + 6, isJsSpace);
    if (tok === s + 6) continue;
    let end = tok;
    while (end < text.length && end - tok < 16 && isTokenChar(text.charCodeAt(end))) end++;
    if (end - tok < 16) {
      re.lastIndex = tok;
      continue;
    }
    end = runEnd(text, runEnd(text, end, isTokenChar), (c) => c === 0x3d);
    out.push({ start: s, secretStart: tok, end });
    re.lastIndex = end;
  }
  return out;
}

const BEGIN = '-----BEGIN ';
const KEY = 'PRIVATE KEY';
/** Longest label read before `PRIVATE KEY` (`RSA `, `ENCRYPTED `, `OPENSSH `…). */
const MAX_LABEL = 200;

/**
 * PEM private keys: `-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE
 * KEY-----|$)`, with the label read at most MAX_LABEL characters far. A key without its END line
 * is masked to the end of the text.
 */
export function pemSpans(text: string): ShapeSpan[] {
  const out: ShapeSpan[] = [];
  let from = 0;
  for (;;) {
    const s = text.indexOf(BEGIN, from);
    if (s < 0) return out;
    from = s + 1;
    const p = s + BEGIN.length;
    let q = p;
    while (q < text.length && q - p <= MAX_LABEL + KEY.length && isLabelChar(text.charCodeAt(q))) q++;
    const labelEnd = q - KEY.length;
    if (labelEnd < p || !text.startsWith(KEY, labelEnd) || !text.startsWith('-----', q)) continue;
    const label = text.slice(p, labelEnd);
    // `(?:[A-Z0-9]+ )*`: words of the label characters, each followed by exactly one space.
    if (label !== '' && (label.startsWith(' ') || !label.endsWith(' ') || label.includes('  '))) continue;
    const endLine = `-----END ${label}${KEY}-----`;
    const at = text.indexOf(endLine, q + 5);
    const end = at < 0 ? text.length : at + endLine.length;
    out.push({ start: s, secretStart: s, end });
    from = end;
  }
}
