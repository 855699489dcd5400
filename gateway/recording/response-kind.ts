import type { AwsProtocol } from '../aws/types';
import { DATA_OUTPUT, STREAMED_OUTPUT } from './data-outputs';

/** The call an answer belongs to, as the identify stage found it. */
export interface AnswerCall {
  readonly service: string;
  readonly operation?: string;
  /** The protocol the request spoke (so the answer's): `query` for SQS form requests, `json` else. */
  readonly protocol: AwsProtocol | 'unknown';
}

export type ResponseKind =
  | { readonly mode: 'empty' }
  /** Object bytes and event streams: they flow through untouched. */
  | { readonly mode: 'stream' }
  /** An API document in the operation's protocol, read as that whatever the answer's label says. */
  | { readonly mode: 'document'; readonly format: 'json' | 'xml' }
  /** Bytes the model does not describe as a document: read whole and masked as what they turn out to be. */
  | { readonly mode: 'data' };

/**
 * How an answer is read for masking, decided by what the gateway identified and never by the
 * content type the answer claims (an upstream that labelled a Secrets Manager answer `text/html`
 * must not get it past masking). HEAD, 204 and 304 answers have no body; object bodies and event
 * streams stream; every other answer, errors included, is read whole before the agent gets a byte.
 */
export function responseKind(call: AnswerCall, method: string, status: number): ResponseKind {
  if (method === 'HEAD' || status === 204 || status === 304) return { mode: 'empty' };
  const key = `${call.service}:${call.operation ?? ''}`;
  if (status < 300 && call.operation !== undefined && STREAMED_OUTPUT.has(key)) return { mode: 'stream' };
  if (call.operation === undefined || call.protocol === 'unknown') return { mode: 'data' };
  if (status < 300 && DATA_OUTPUT.has(key)) return { mode: 'data' };
  return {
    mode: 'document',
    format: call.protocol === 'json' || call.protocol === 'rest-json' ? 'json' : 'xml',
  };
}
