/**
 * Where the pipeline meets SQS queue-URL mapping: a request's queue URLs are mapped back to the
 * real ones right after it is identified (then identified again, so the decision, the recording and
 * the forwarded body all name the real queue), and an answer's queue URLs are rewritten to the
 * gateway only on their way to the agent (the recording keeps AWS's own).
 */
import { TLSSocket } from 'node:tls';
import { identify } from '../aws/identify';
import type { Identified } from '../aws/types';
import type { CallContext } from '../pipeline/call-context';
import { toRequestView } from '../pipeline/request-view';
import {
  answerCarriesQueueUrls,
  mapFormRequest,
  mapJsonAnswer,
  mapJsonRequest,
  mapXmlAnswer,
  type QueueUrlTable,
} from './queue-urls';

const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The origin the agent's client reached the gateway at, which its SDK compares a QueueUrl with:
 * the AWS host it addressed in proxy mode, else the Host it sent to the endpoint port.
 */
export function agentOrigin(ctx: CallContext): string | undefined {
  if (ctx.arrival === 'proxy' && ctx.realHost !== undefined)
    return `${ctx.req.socket instanceof TLSSocket ? 'https' : 'http'}://${ctx.realHost}`;
  const host = ctx.req.headers.host;
  return typeof host === 'string' && HOST.test(host) ? `http://${host.toLowerCase()}` : undefined;
}

/** Maps the request's QueueUrl back to the real one; returns the call as identified from what goes on. */
export function mapRequestQueueUrl(ctx: CallContext, id: Identified, table: QueueUrlTable): Identified {
  const origin = agentOrigin(ctx);
  const body = ctx.body;
  if (id.service !== 'sqs' || origin === undefined || body === undefined || body.length === 0) return id;
  const map = (url: string): string | undefined => table.toReal(url, origin, id.region);
  const mapped = id.protocol === 'json' ? mapJsonRequest(body, map) : mapFormRequest(body, map);
  if (mapped === undefined) return id;
  ctx.body = mapped;
  ctx.bodyRewritten = true;
  return identify(toRequestView(ctx, ctx.realHost));
}

/** For answers that carry queue URLs: rewrites them for the agent (status 2xx only). */
export function queueUrlRewriter(
  ctx: CallContext,
  id: Identified,
  table: QueueUrlTable,
): ((text: string, status: number) => string | undefined) | undefined {
  const origin = agentOrigin(ctx);
  if (id.service !== 'sqs' || origin === undefined || !answerCarriesQueueUrls(id.operation)) return undefined;
  const operation = id.operation ?? '';
  const map = (url: string): string | undefined => table.toAgent(url, origin, id.region);
  return (text, status) => {
    if (status < 200 || status >= 300) return undefined;
    return id.protocol === 'json' ? mapJsonAnswer(text, operation, map) : mapXmlAnswer(text, map);
  };
}
