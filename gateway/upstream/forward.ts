import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { GatewayError } from '../errors/gateway-error';
import { isOutOfDescriptors, outOfDescriptorsError } from '../errors/out-of-descriptors';
import { markAwaitingAws } from './awaiting-aws';
import { UPSTREAM_AGENT_OPTIONS } from './upstream-agent-options';
import type { UpstreamTarget } from './upstream-target';

const httpAgent = new http.Agent(UPSTREAM_AGENT_OPTIONS);
const httpsAgent = new https.Agent(UPSTREAM_AGENT_OPTIONS);

/** Response headers that describe one hop: Node sets its own for the agent's connection. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-connection',
]);

/**
 * How long the upstream may stay silent, before or in the middle of its answer, before the call
 * fails (`--upstream-timeout`). Long enough for a synchronous Lambda Invoke, which may take its
 * function's whole 15-minute timeout; the agent's SDK has its own, usually shorter, read timeout.
 */
export const UPSTREAM_IDLE_TIMEOUT_MS = 16 * 60_000;
/** Error bodies are small; we keep the start of one to read its error code. */
const ERROR_PEEK_BYTES = 8192;

export interface ForwardResult {
  readonly status: number;
  readonly awsRequestId?: string;
  readonly errorCode?: string;
  readonly responseBytes: number;
  readonly upstreamStartedAt: bigint;
  readonly upstreamEndedAt: bigint;
  /** The agent went away before the response was complete. */
  readonly aborted: boolean;
}

export interface ForwardInput {
  readonly target: UpstreamTarget;
  readonly method: string;
  readonly pathAndQuery: string;
  readonly headers: Record<string, string>;
  /** A buffered body, or the agent's request to stream from. */
  readonly body: Buffer | IncomingMessage | undefined;
  readonly res: ServerResponse;
  /** Extra CA certificates to trust for https upstreams (tests). */
  readonly ca?: string | Buffer;
  /** Connection agent to use instead of the direct keep-alive one (a parent-proxy tunnel). */
  readonly agent?: http.Agent;
  /**
   * Takes over the response (read, mask, record durably, then deliver: gateway/recording). Without
   * it the response streams straight back.
   */
  readonly respond?: (up: IncomingMessage, upstreamStartedAt: bigint) => Promise<ForwardResult>;
  /** How long AWS may stay silent (default UPSTREAM_IDLE_TIMEOUT_MS). */
  readonly idleTimeoutMs?: number;
}

function responseHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

/** Reads an AWS error code from the start of an error body (JSON `__type`/`code`, XML `<Code>`). */
export function peekErrorCode(body: string, headers: IncomingHttpHeaders): string | undefined {
  const typeHeader = headers['x-amzn-errortype'];
  if (typeof typeHeader === 'string' && typeHeader) return typeHeader.split(':')[0];
  const xml = /<Code>([^<]{1,200})<\/Code>/.exec(body);
  if (xml?.[1]) return xml[1];
  const json = /"(?:__type|code)"\s*:\s*"([^"]{1,300})"/.exec(body);
  if (json?.[1]) return json[1].split('#').pop();
  return undefined;
}

/**
 * The headers with the body's framing said explicitly. Left to itself, Node frames a body of
 * unknown length on GET, HEAD and DELETE by nothing at all: its bytes would follow the head bare,
 * and the upstream would read them as a next request that was never decided or recorded.
 * SigV4 never signs Transfer-Encoding, and a buffered body's Content-Length is the one signed.
 */
function framed(
  headers: Record<string, string>,
  body: Buffer | IncomingMessage | undefined,
): Record<string, string> {
  if (body === undefined) return headers;
  if (Buffer.isBuffer(body)) {
    // The caller signed this length (forward-call.ts): no copy of the headers on every call.
    const length = String(body.length);
    return headers['content-length'] === length ? headers : { ...headers, 'content-length': length };
  }
  if (headers['content-length'] !== undefined) return headers;
  return { ...headers, 'transfer-encoding': 'chunked' };
}

/** Upstream requests in flight, each with how to give up on it. */
const inFlight = new Map<http.ClientRequest, (why: string) => void>();

/**
 * Gives up on every call out at AWS (the gateway is stopping): each fails as UpstreamUnreachable,
 * or has its answer cut, instead of keeping the process alive for as long as AWS stays silent.
 */
export function abortUpstreamCalls(why: string): void {
  for (const giveUp of [...inFlight.values()]) giveUp(why);
}

/**
 * Sends the re-signed request upstream and streams the response back to the agent without
 * buffering it. Resolves with what the recording needs once the response has been delivered.
 */
export function forward(input: ForwardInput): Promise<ForwardResult> {
  const { target, res } = input;
  const upstreamStartedAt = process.hrtime.bigint();
  const lib = target.protocol === 'https:' ? https : http;
  const agentSocket = res.socket;
  return new Promise<ForwardResult>((resolveCall, rejectCall) => {
    const finish = (): void => {
      markAwaitingAws(agentSocket, false);
      inFlight.delete(upstreamReq);
    };
    const resolve = (r: ForwardResult): void => {
      finish();
      resolveCall(r);
    };
    const reject = (e: Error): void => {
      finish();
      rejectCall(e);
    };
    const upstreamReq = lib.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: input.method,
      path: input.pathAndQuery,
      headers: framed(input.headers, input.body),
      agent: input.agent ?? (target.protocol === 'https:' ? httpsAgent : httpAgent),
      ca: input.ca,
      timeout: input.idleTimeoutMs ?? UPSTREAM_IDLE_TIMEOUT_MS,
    });
    let settled = false;
    // The error is built only when it is used: 'close' fires after every answered call too, and
    // an Error's stack capture cost about 2% of the gateway's CPU per call.
    const fail = (error: () => GatewayError): void => {
      if (settled) return;
      settled = true;
      upstreamReq.destroy();
      reject(error());
    };
    const giveUp = (why: string): void => {
      if (!settled) fail(() => new GatewayError('UpstreamUnreachable', why));
      // In the middle of its answer, destroying the request fails the answer's stream, which its
      // reader reports (the call ends, recorded, never hangs).
      else upstreamReq.destroy(new Error(why));
    };
    inFlight.set(upstreamReq, giveUp);
    // Node only reports the silence; it neither ends the request nor fails its answer.
    upstreamReq.on('timeout', () => giveUp('AWS did not answer in time.'));
    let answer: IncomingMessage | undefined;
    upstreamReq.on('error', (e) => {
      // An answer framed by the connection's close (neither a length nor chunks) that the
      // connection breaks off would otherwise end as if whole: this error is the only sign.
      if (answer !== undefined && !answer.complete) answer.destroy(e);
      fail(() =>
        isOutOfDescriptors(e)
          ? outOfDescriptorsError()
          : new GatewayError('UpstreamUnreachable', `Could not reach AWS: ${e.message}`),
      );
    });
    // Node answers a 101 it has no 'upgrade' listener for by closing the socket silently, with
    // neither a response nor an error: the call would wait forever, unanswered and unrecorded.
    upstreamReq.on('upgrade', (_up, socket) => {
      socket.destroy();
      fail(
        () =>
          new GatewayError(
            'UpstreamUnreachable',
            'AWS answered with a protocol switch, which Airlock does not forward.',
          ),
      );
    });
    // Whatever else ends the exchange before an answer: the call fails instead of waiting.
    upstreamReq.once('close', () =>
      fail(() => new GatewayError('UpstreamUnreachable', 'The connection to AWS closed before it answered.')),
    );
    upstreamReq.on('response', (up) => {
      if (settled) return;
      settled = true;
      answer = up;
      if (input.respond) {
        input.respond(up, upstreamStartedAt).then(resolve, (e: unknown) => {
          up.destroy();
          reject(e instanceof Error ? e : new Error(String(e)));
        });
        return;
      }
      const status = up.statusCode ?? 502;
      const rid = up.headers['x-amz-request-id'] ?? up.headers['x-amzn-requestid'];
      let bytes = 0;
      let peek = '';
      up.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (status >= 300 && peek.length < ERROR_PEEK_BYTES)
          peek += chunk.toString('utf8', 0, ERROR_PEEK_BYTES);
      });
      res.writeHead(status, responseHeaders(up.headers));
      // Plain pipe rather than stream.pipeline: pipeline allocates an AbortController (and a
      // DOMException on finish) per call, a measurable cost on the hot path.
      let finished = false;
      const done = (aborted: boolean): void => {
        if (finished) return;
        finished = true;
        resolve({
          status,
          awsRequestId: typeof rid === 'string' ? rid : undefined,
          errorCode: status >= 300 ? peekErrorCode(peek, up.headers) : undefined,
          responseBytes: bytes,
          upstreamStartedAt,
          upstreamEndedAt: process.hrtime.bigint(),
          aborted,
        });
      };
      res.once('finish', () => done(false));
      res.once('close', () => {
        if (res.writableFinished) return;
        up.destroy();
        done(true);
      });
      up.once('error', () => {
        res.destroy();
        done(true);
      });
      up.pipe(res);
    });
    const body = input.body;
    // The agent waits on AWS once its whole request is sent; a stalled upload is the agent's
    // silence, which the server's idle limit still ends.
    if (body === undefined || Buffer.isBuffer(body)) {
      markAwaitingAws(agentSocket, true);
      upstreamReq.end(body);
    } else {
      upstreamReq.once('finish', () => {
        if (inFlight.has(upstreamReq)) markAwaitingAws(agentSocket, true);
      });
      const broken = (why: string): void => {
        upstreamReq.destroy();
        fail(() => new GatewayError('MalformedRequest', `The request body could not be streamed: ${why}`));
      };
      body.once('error', (e) => broken(e.message));
      body.once('aborted', () => broken('the client went away'));
      body.pipe(upstreamReq);
    }
  });
}
