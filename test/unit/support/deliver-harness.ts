import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsProtocol } from '../../../gateway/aws/types';
import type { CallResponseData } from '../../../gateway/journal/events';
import { compileMaskRules, planFor, Placeholders } from '../../../gateway/masking';
import { deliverResponse } from '../../../gateway/recording/deliver-response';

/**
 * deliverResponse between two real HTTP servers: an upstream that answers as AWS would, and a
 * front that delivers its answers to a real client. The record callback sees what the client has
 * received at the moment the event is written, which is how "recorded before the agent has it" is
 * checked without any timing assumption.
 */
export interface Upstream {
  status: number;
  headers: Record<string, string>;
  chunks: Buffer[];
}

export interface DeliveredCall {
  service: string;
  operation?: string;
  method: string;
  protocol: AwsProtocol | 'unknown';
}

export interface Received {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly complete: boolean;
}

export interface RecordSeen {
  readonly data: CallResponseData;
  readonly clientBytesAtRecord: number;
  readonly clientEnded: boolean;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

export class DeliveryHarness {
  upstream: Upstream = { status: 200, headers: {}, chunks: [] };
  call: DeliveredCall = {
    service: 'secretsmanager',
    operation: 'GetSecretValue',
    method: 'POST',
    protocol: 'json',
  };
  recordFails = false;
  /** Replaces the plain record callback (after it notes what the client had), e.g. the pipeline's own. */
  recordVia: ((data: CallResponseData) => Promise<void>) | undefined;
  readonly records: RecordSeen[] = [];
  readonly placeholders = Placeholders.forTask(randomBytes(32), 't-deliver');
  private clientBytes = 0;
  private clientEnded = false;
  private readonly up: http.Server;
  private readonly front: http.Server;
  private frontPort = 0;

  private constructor() {
    this.up = http.createServer((_req, res) => {
      res.writeHead(this.upstream.status, this.upstream.headers);
      const chunks = [...this.upstream.chunks];
      const pump = (): void => {
        const c = chunks.shift();
        if (!c) return void res.end();
        res.write(c);
        setImmediate(pump);
      };
      pump();
    });
    this.front = http.createServer((req: IncomingMessage, res: ServerResponse) => {
      const started = process.hrtime.bigint();
      const upPort = (this.up.address() as AddressInfo).port;
      const call = this.call;
      http.get({ host: '127.0.0.1', port: upPort, path: '/' }, (upRes) => {
        deliverResponse({
          up: upRes,
          res,
          upstreamStartedAt: started,
          callId: 'c-1',
          ...call,
          arrivedAt: started,
          plan: planFor(
            { service: call.service, operation: call.operation, actions: [] },
            'response',
            compileMaskRules([]),
          ),
          placeholders: this.placeholders,
          record: (data) => {
            this.records.push({ data, clientBytesAtRecord: this.clientBytes, clientEnded: this.clientEnded });
            if (this.recordVia) return this.recordVia(data);
            return this.recordFails ? Promise.reject(new Error('disk full')) : Promise.resolve();
          },
        }).catch((e: { code?: string; status?: number }) => {
          if (!res.headersSent)
            res.writeHead(e.status ?? 500, { 'x-error': e.code ?? 'x' }).end(`refused: ${e.code}`);
          else res.destroy();
        });
      });
      req.resume();
    });
  }

  static async start(): Promise<DeliveryHarness> {
    const h = new DeliveryHarness();
    await listen(h.up);
    h.frontPort = await listen(h.front);
    return h;
  }

  close(): void {
    this.up.close();
    this.front.close();
  }

  /** Bytes the client has received of the current fetch. */
  get received(): number {
    return this.clientBytes;
  }

  /** One call through the front: what the client received. */
  fetch(): Promise<Received> {
    this.clientBytes = 0;
    this.clientEnded = false;
    this.records.length = 0;
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: this.frontPort, path: '/', agent: false }, (res) => {
        const chunks: Buffer[] = [];
        const done = (complete: boolean): void =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            complete,
          });
        res.on('data', (c: Buffer) => {
          this.clientBytes += c.length;
          chunks.push(c);
        });
        res.on('end', () => {
          this.clientEnded = true;
          done(res.complete);
        });
        res.on('error', () => done(false));
      });
      req.on('error', () => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), complete: false }));
    });
  }
}
