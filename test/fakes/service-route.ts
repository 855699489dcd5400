import { createHash } from 'node:crypto';
import { request, type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { renderAwsError, type Protocol } from './aws-errors';
import {
  BodyTooLargeError,
  forwardHeaders,
  MAX_BUFFERED_BODY,
  readBody,
  relayResponse,
  sendStubResponse,
  stubRequestOf,
} from './proxy';
import { refuse } from './refusal';
import { checkSignature, type SignatureCheckInput } from './signature-check';
import { fallbackResponse, guessOperation } from './stubs/fallback';
import type { ReceivedCall, ServiceStub, StubRequest, StubResponse } from './types';
import type { FakeWebIdentitySts } from './web-identity-sts';

/** A signed non-S3 call whose key the front accepts, and what may answer it. */
export interface ServiceRouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  call: ReceivedCall;
  protocol: Protocol;
  /** All the signature check needs but the body, which this route buffers. */
  signed: Omit<SignatureCheckInput, 'body' | 'now'>;
  /** The client sent Expect: 100-continue and has not been told to go on yet. */
  expectContinue: boolean;
  dynamodbPort: number;
  agent: Agent;
  sts: FakeWebIdentitySts | undefined;
  canned: ((service: string, req: StubRequest) => StubResponse | undefined) | undefined;
  stubs: ReadonlyMap<string, ServiceStub>;
}

function forwardToDynalite(ctx: ServiceRouteContext, body: Buffer): void {
  const { req, res, call } = ctx;
  call.backendReached = true;
  const headers = forwardHeaders(req.headers);
  headers['content-length'] = body.length;
  headers['host'] = `127.0.0.1:${ctx.dynamodbPort}`;
  const upstream = request(
    {
      host: '127.0.0.1',
      port: ctx.dynamodbPort,
      method: req.method,
      path: req.url,
      headers,
      agent: ctx.agent,
    },
    (upRes) => relayResponse(upRes, res, call),
  );
  upstream.on('error', (err) => {
    const resp = renderAwsError('json', 'dynamodb', {
      status: 500,
      code: 'InternalServerError',
      message: err.message,
    });
    sendStubResponse(req, res, call, resp);
  });
  upstream.end(body);
}

/**
 * Buffers the body (the payload hash is the body's), verifies the signature over it, then hands
 * the call to dynalite, the OIDC STS, the test's canned answers or the service's stub, in that order.
 */
export async function routeService(ctx: ServiceRouteContext): Promise<void> {
  const { req, res, call, protocol } = ctx;
  const { auth } = ctx.signed;
  if (ctx.expectContinue) res.writeContinue();
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BUFFERED_BODY);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    call.reason = err.message;
    call.code = 'RequestEntityTooLarge';
    const resp = renderAwsError(protocol, auth.service, {
      status: 413,
      code: call.code,
      message: err.message,
    });
    sendStubResponse(req, res, call, resp, true);
    return;
  }
  const check = checkSignature({ ...ctx.signed, body, now: Date.now() });
  if (!check.ok) {
    refuse(req, res, call, protocol, check, false);
    return;
  }
  const declared = req.headers['x-amz-content-sha256'];
  if (
    auth.signedHeaders.includes('x-amz-content-sha256') &&
    typeof declared === 'string' &&
    /^[0-9a-f]{64}$/.test(declared)
  ) {
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== declared) {
      refuse(
        req,
        res,
        call,
        protocol,
        { kind: 'bad-signature', reason: `body hash ${actual} != signed ${declared}` },
        false,
      );
      return;
    }
  }
  call.verified = 'ok';

  const stubRequest = stubRequestOf(req, call, body, auth.region);
  call.operation = guessOperation(stubRequest);
  if (auth.service === 'dynamodb') {
    forwardToDynalite(ctx, body);
    return;
  }
  const stsAnswer = auth.service === 'sts' ? ctx.sts?.signed(stubRequest, auth.accessKeyId) : undefined;
  if (stsAnswer) {
    call.backendReached = true;
    sendStubResponse(req, res, call, stsAnswer);
    return;
  }
  const canned = ctx.canned?.(auth.service, stubRequest);
  if (canned) {
    call.backendReached = true;
    sendStubResponse(req, res, call, canned);
    return;
  }
  const stub = ctx.stubs.get(auth.service);
  if (stub) call.backendReached = true;
  const resp = stub ? stub.handle(stubRequest) : fallbackResponse(auth.service, stubRequest);
  sendStubResponse(req, res, call, resp);
}
