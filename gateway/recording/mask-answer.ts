import { isUtf8 } from 'node:buffer';
import { GatewayError } from '../errors/gateway-error';
import {
  maskBody,
  type BodyFormat,
  type BodyMaskResult,
  type MaskedField,
  type MaskPlan,
  type Placeholders,
} from '../masking';
import type { ResponseKind } from './response-kind';

/** What masking made of a decoded answer body. */
export interface MaskedAnswer {
  /** How the body was read; undefined for binary bodies (passed as received, not recorded). */
  readonly readAs: BodyFormat | undefined;
  /** The body for the recording (masked), or undefined when it is not kept. */
  readonly record: string | undefined;
  /** The body for the agent when masking changed it; undefined means: send the bytes as received. */
  readonly agent: string | undefined;
  readonly masked: readonly MaskedField[];
}

export function notMaskable(why: string): GatewayError {
  return new GatewayError(
    'ResponseNotMaskable',
    `Airlock withheld this response: ${why}, so it cannot be masked. ` +
      'The call did reach AWS; narrow the request (e.g. fewer items per page) and retry, or ask ' +
      'the person running Airlock to look at this call in the recording.',
  );
}

/** Text the scanners can read: valid UTF-8 without NUL bytes. */
function isText(bytes: Buffer): boolean {
  return !bytes.includes(0) && isUtf8(bytes);
}

/** What a body looks like from its first character (never from the label it came with). */
function sniff(text: string): BodyFormat {
  const first = /\S/.exec(text.slice(0, 1024))?.[0];
  return first === '{' || first === '[' ? 'json' : first === '<' ? 'xml' : 'text';
}

function answer(m: BodyMaskResult): MaskedAnswer {
  return {
    readAs: m.readAs,
    record: m.record,
    agent: m.agentChanged ? m.agent : undefined,
    masked: m.masked,
  };
}

/**
 * Masks an answer body by what the call is, not by what the answer says it is:
 * - an API document (json / rest-json / query / ec2 / rest-xml) is read in its operation's
 *   protocol; when it does not parse and the call has secret fields, it is withheld; otherwise
 *   (an error page, an unexpected body) it is masked like data;
 * - data (unidentified operations, function results, error pages) is read as JSON, XML or text
 *   from what it looks like; a secret-bearing call's data must parse;
 * - binary data passes as received only when no secret shows in it read byte by byte (NULs
 *   dropped, so UTF-16 text is read too); otherwise it is withheld, never corrupted or leaked.
 * Throws GatewayError ResponseNotMaskable.
 */
export function maskAnswer(
  bytes: Buffer,
  kind: Exclude<ResponseKind, { mode: 'empty' | 'stream' }>,
  plan: MaskPlan,
  placeholders: Placeholders,
  strict: boolean,
): MaskedAnswer {
  if (kind.mode === 'document') {
    const m = maskBody(bytes.toString('utf8'), kind.format, plan, placeholders);
    if (m.readAs === kind.format) return answer(m);
    if (strict)
      throw notMaskable(`it carries secrets but is not the ${kind.format} its operation answers with`);
  }
  if (isText(bytes)) {
    const text = bytes.toString('utf8');
    const m = maskBody(text, sniff(text), plan, placeholders);
    if (strict && m.readAs === 'text') throw notMaskable('it carries secrets but is neither JSON nor XML');
    return answer(m);
  }
  if (strict) throw notMaskable('it carries secrets but is binary');
  const view = bytes.toString('latin1').replace(/\0/g, '');
  if (maskBody(view, sniff(view), plan, placeholders).agentChanged)
    throw notMaskable('it is binary and holds what looks like a secret');
  return { readAs: undefined, record: undefined, agent: undefined, masked: [] };
}
