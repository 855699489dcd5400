import type { IncomingHttpHeaders } from 'node:http';

/** One request that reached the verifying front, whatever became of it. */
export interface ReceivedCall {
  method: string;
  /** Path and query exactly as received. */
  path: string;
  /** Signing name from the credential scope ('unknown' when the request carried no usable scope). */
  service: string;
  region: string;
  accessKeyId?: string;
  /** Best-effort operation name (X-Amz-Target suffix, query Action, or the stub's own name). */
  operation?: string;
  verified: 'ok' | 'failed';
  /** Why verification or handling failed, for test diagnostics. */
  reason?: string;
  /** The AWS error code the front answered with, when it answered with one itself. */
  code?: string;
  /** Final HTTP status sent back (set when the response is written). */
  status?: number;
  /** True once the call was handed to a backend or stub. */
  backendReached: boolean;
  /** The canonical request aws4 computed, kept for failed signatures to ease debugging. */
  canonicalRequest?: string;
  headers: IncomingHttpHeaders;
  receivedAt: number;
}

/** A fully buffered, already-verified request handed to an in-process service stub. */
export interface StubRequest {
  method: string;
  /** Path without the query string, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  region: string;
}

export interface StubResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Binary body (e.g. gzip-encoded); sent instead of `body` when present. */
  rawBody?: Buffer;
  operation?: string;
  /** Set on error answers so the front can record the code without parsing the body. */
  errorCode?: string;
}

export interface ServiceStub {
  readonly signingName: string;
  handle(req: StubRequest): StubResponse;
  reset(): void;
}

/** Identity of the fake account, shared by the stubs. */
export interface FakeIdentity {
  accountId: string;
  userName: string;
  accessKeyId: string;
}
