import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseAuthorization } from './auth-header';
import { protocolFor, renderAwsError } from './aws-errors';
import type { FakeCredentials } from './credentials';
import { sendStubResponse } from './proxy';
import { refuse } from './refusal';
import { routeS3 } from './s3-route';
import { checkSignature } from './signature-check';
import { routeService } from './service-route';
import type { ReceivedCall, ServiceStub, StubRequest, StubResponse } from './types';
import { answerUnsignedSts, isUnsignedStsCall, sessionRefusal } from './web-identity-front';
import type { FakeWebIdentitySts } from './web-identity-sts';

export interface FrontConfig {
  credentials: FakeCredentials;
  /** Shared with the caller; every request is appended here. */
  received: ReceivedCall[];
  s3Port: number;
  dynamodbPort: number;
  stubs: ReadonlyMap<string, ServiceStub>;
  /** Answers chosen by the test for verified non-S3 calls, before any stub (undefined: the stubs). */
  canned?: (service: string, req: StubRequest) => StubResponse | undefined;
  /** Serve HTTPS with this identity instead of plain HTTP. */
  tls?: { keyPem: string; certPem: string };
  /** OIDC mode's STS: unsigned AssumeRoleWithWebIdentity, and the session keys it issues (token checked). */
  webIdentitySts?: FakeWebIdentitySts;
}

export interface VerifyingFront {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The upstream the gateway forwards to in tests: checks every request's SigV4 signature with an
 * independent implementation (aws4) against the real test credentials before any backend sees it.
 */
export async function startVerifyingFront(config: FrontConfig): Promise<VerifyingFront> {
  // With a timeout of its own, Node's agent honours the backends' Keep-Alive hint (5 s) and never
  // sends a request on a connection the backend is closing.
  const agent = new Agent({ keepAlive: true, timeout: 30_000 });

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    call: ReceivedCall,
    expectContinue: boolean,
  ): Promise<void> {
    const sts = config.webIdentitySts;
    if (sts && isUnsignedStsCall(req, call)) {
      await answerUnsignedSts(req, res, call, sts, expectContinue);
      return;
    }

    const parsed = parseAuthorization(req.headers.authorization);
    const contentType = req.headers['content-type'];
    if (!parsed.ok) {
      refuse(req, res, call, protocolFor('unknown', contentType), parsed, expectContinue);
      return;
    }
    const { auth } = parsed;
    call.service = auth.service;
    call.region = auth.region;
    call.accessKeyId = auth.accessKeyId;
    const protocol = protocolFor(auth.service, contentType);
    const session = sts?.issued.get(auth.accessKeyId);
    const refusal = session ? sessionRefusal(session, req, auth) : undefined;
    if (refusal) {
      refuse(req, res, call, protocol, refusal, expectContinue);
      return;
    }
    const signed = {
      method: call.method,
      rawPath: call.path,
      headers: req.headersDistinct,
      auth,
      credentials: session ?? config.credentials,
    };

    if (auth.service === 's3') {
      const check = checkSignature({ ...signed, now: Date.now() });
      if (!check.ok) {
        refuse(req, res, call, protocol, check, expectContinue);
        return;
      }
      call.verified = 'ok';
      routeS3({ req, res, call, backendPort: config.s3Port, agent, expectContinue });
      return;
    }
    await routeService({
      req,
      res,
      call,
      protocol,
      signed,
      expectContinue,
      dynamodbPort: config.dynamodbPort,
      agent,
      sts,
      canned: config.canned,
      stubs: config.stubs,
    });
  }

  function dispatch(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    const call: ReceivedCall = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      service: 'unknown',
      region: '',
      verified: 'failed',
      backendReached: false,
      headers: { ...req.headers },
      receivedAt: Date.now(),
    };
    config.received.push(call);
    handle(req, res, call, expectContinue).catch((err: unknown) => {
      call.reason = `fake AWS crashed: ${String(err)}`;
      const resp = renderAwsError('s3', call.service, {
        status: 500,
        code: 'InternalError',
        message: call.reason,
      });
      sendStubResponse(req, res, call, resp, true);
    });
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => dispatch(req, res, false);
  const server = config.tls
    ? createHttpsServer({ requestTimeout: 0, key: config.tls.keyPem, cert: config.tls.certPem }, onRequest)
    : createServer({ requestTimeout: 0 }, onRequest);
  // Answering before 100-continue lets a refused upload be refused before its body is sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => dispatch(req, res, true));
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

  return {
    url: `${config.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
