/**
 * How deep a request's JSON may nest for the gateway to read it. Everything that walks params
 * (masking, canonical JSON for the journal, approvals, the timeline) recurses per level, so a
 * body nested thousands deep overflowed the stack while the call was being recorded. AWS's own
 * deepest inputs stay far below: a DynamoDB item nests at most 32 attribute levels, about 70 in
 * JSON.
 */
export const MAX_JSON_DEPTH = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether the JSON text in `body` opens more than `max` objects and arrays inside each other
 * (brackets inside strings do not count). Meant for text that parsed: it does not validate.
 */
export function nestsDeeper(body: Buffer, max: number = MAX_JSON_DEPTH): boolean {
  // Each level takes at least two bytes.
  if (body.length <= 2 * max) return false;
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === QUOTE) {
      // Skip the string; its escapes are two bytes ("\"" and "\\" among them).
      for (i++; i < body.length && body[i] !== QUOTE; i++) if (body[i] === BACKSLASH) i++;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
