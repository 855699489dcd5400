import { protocolFor } from '../aws-errors';
import type { StubRequest, StubResponse } from '../types';
import { queryParams, unknownOperation } from './shared';

/** Best-effort operation name of a call to a service the fake does not model. */
export function guessOperation(req: StubRequest): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) return target.slice(target.lastIndexOf('.') + 1);
  const action = queryParams(req).get('Action');
  if (action) return action;
  return `${req.method} ${req.path}`;
}

/** Anything the fake does not model is refused in the service's own error shape. */
export function fallbackResponse(service: string, req: StubRequest): StubResponse {
  const protocol = protocolFor(service, req.headers['content-type']);
  return unknownOperation(protocol, service, guessOperation(req));
}
