/**
 * Calls the gateway cannot identify. No operation of the model fits them, so neither the deny and
 * ask rules nor a task's scope can tell what they would do at AWS: a policy written for
 * `lambda:DeleteFunction` on `prod` never matches `lambda:Unknown` on `*`. They are never allowed
 * on a guess; the workspace's `unknownOperations` says whether a human is asked or the call is
 * refused, and either way the person and the agent see the raw method and path.
 */
import type { Identified } from '../aws/types';
import type { UnknownOperations } from '../policy-file/types';
import type { CallContext, Decision } from './call-context';
import type { AskVerdict } from './decide';

/** Rule id recorded when a call is decided as unidentified. */
export const UNKNOWN_OPERATION_RULE = 'unknown-operation';

/** The parts of the raw request a person needs to judge a call nobody could identify. */
export interface RequestLine {
  readonly method: string;
  /** Path and query as received, still percent-encoded. */
  readonly rawUrl: string;
  /** X-Amz-Target, when the call carried one. */
  readonly target?: string;
}

export function requestLineOf(ctx: CallContext): RequestLine {
  const target = ctx.req.headers['x-amz-target'];
  return {
    method: ctx.raw.method,
    rawUrl: ctx.raw.rawUrl,
    ...(typeof target === 'string' ? { target } : {}),
  };
}

const MAX_PART = 240;

function clip(s: string): string {
  return s.length > MAX_PART ? `${s.slice(0, MAX_PART - 1)}…` : s;
}

/** Control characters would let a request forge lines in a prompt or a log. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * `POST /2015-03-31/functions/orders/../secret/invocations`, raw as received, without the query's
 * signing parameters (a presigned URL's credential and signature are nobody's business here).
 */
export function describeRequest(r: RequestLine): string {
  const q = r.rawUrl.indexOf('?');
  const path = q < 0 ? r.rawUrl : r.rawUrl.slice(0, q);
  const query =
    q < 0
      ? ''
      : r.rawUrl
          .slice(q + 1)
          .split('&')
          .filter((p) => p !== '' && !/^x-amz-/i.test(p))
          .join('&');
  let line = `${r.method} ${clip(path)}${query !== '' ? `?${clip(query)}` : ''}`;
  if (r.target !== undefined) line += ` (X-Amz-Target: ${clip(r.target)})`;
  return printable(line);
}

/** What the gateway knows about the call, for the message: the service it was signed for. */
function serviceOf(id: Identified): string {
  return id.service === 'unknown' ? `signing name "${id.signingName}"` : id.service;
}

/** The verdict for an unidentified call that no deny rule or scope refused. */
export function unknownVerdict(
  id: Identified,
  request: RequestLine | undefined,
  setting: UnknownOperations,
): Decision | AskVerdict {
  const line = request ? describeRequest(request) : '(request line not available)';
  const what = `${line} (${serviceOf(id)}): no operation of the AWS model matches it`;
  if (setting === 'deny') {
    return {
      decision: 'deny',
      reason:
        `Airlock denied a call it cannot identify: ${what}, and the workspace policy refuses such calls ` +
        `(unknownOperations: "deny"). Send the request as an AWS SDK or CLI builds it (rule: ${UNKNOWN_OPERATION_RULE})`,
      rule: UNKNOWN_OPERATION_RULE,
    };
  }
  const reason = `Airlock cannot identify this call: ${what}; a person must decide what it does`;
  return {
    decision: 'ask',
    reason,
    rule: { id: UNKNOWN_OPERATION_RULE, reason },
    action: `${id.iamPrefix}:Unknown`,
    resources: ['*'],
    // No pairs: "approve for the task" must not turn into a grant for every unidentified call of
    // the service; each one waits for its own decision.
    pairs: [],
  };
}
