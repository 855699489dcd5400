/**
 * The identify stage: which service and operation a request addresses, read the way AWS reads
 * it. Never throws on request content: anything it cannot place comes back as service `unknown`
 * or operation undefined, which the gateway treats as an unknown call.
 */
import { findCandidates } from './identify-candidates';
import { identifyRest } from './identify-rest';
import { identified, unknownService, type Context } from './identify-result';
import { identifyJson, identifyQuery } from './identify-rpc';
import { withQueueFromPath } from './identify-sqs-path';
import { awsModel, AwsModelError, type AwsModel } from './model';
import { isFormContentType } from './params';
import type { Identified, RequestView } from './types';

function identifyWith(model: AwsModel, view: RequestView): Identified {
  const { services, bucket, alias } = findCandidates(model, view);
  const primary = services[0];
  if (!primary) return unknownService(view);
  const ctx: Context = alias !== undefined ? { view, alias } : { view };
  const headers = view.headers;
  const form = isFormContentType(
    Object.hasOwn(headers, 'content-type') ? headers['content-type'] : undefined,
  );
  const target = Object.hasOwn(headers, 'x-amz-target') ? headers['x-amz-target'] : undefined;
  // The content type decides what AWS parses: a form body is query protocol even with a target header.
  const queryFirst = form || (target === undefined && view.query.some(([k]) => k === 'Action'));
  const result =
    (queryFirst ? identifyQuery(ctx, services, form) : undefined) ??
    (!queryFirst && target !== undefined ? identifyJson(ctx, services, target) : undefined) ??
    identifyRest(ctx, services, bucket, form) ??
    identified(ctx, primary, primary.protocol, undefined, {});
  return result.service === 'sqs'
    ? { ...result, params: withQueueFromPath(view.path, result.params) }
    : result;
}

/**
 * Service, operation and parameters of a request. Throws only AwsModelError (model file missing
 * or corrupt), never on request content.
 */
export function identify(view: RequestView): Identified {
  const model = awsModel();
  try {
    return identifyWith(model, view);
  } catch (err) {
    if (err instanceof AwsModelError) throw err;
    // Defence in depth: hostile input must never take the gateway down; an unidentified call
    // is decided as unknown downstream.
    return unknownService(view);
  }
}
