// A second floor, run as its own process: the least a checkpoint that keeps the gateway's
// invariants can do per call, written as plainly as Node allows. On top of the plain proxy it
// verifies the caller's SigV4 (signing key cached per day), records the request as a hash-chained
// JSON line that is durable (group-committed write + fdatasync) before anything is forwarded,
// re-signs with other credentials, and records the answer without waiting for its sync. No
// operation identification, policy, masking, summaries or events: what separates it from the
// gateway is the gateway's API awareness, and what separates it from the plain proxy is the
// invariants themselves. Bench only: it checks one signature shape (no query, unencoded path).
import { createHash, createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { fdatasync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

const [upstreamPortArg, dir, agentKeyId, agentSecret, realKeyId, realSecret] = process.argv.slice(2);
const upstreamPort = Number(upstreamPortArg);
const upstreamHost = `127.0.0.1:${upstreamPort}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const keys = new Map<string, KeyObject>();
function signingKey(secret: string, scope: string): KeyObject {
  const id = `${secret}/${scope}`;
  let key = keys.get(id);
  if (!key) {
    let k: Buffer | string = `AWS4${secret}`;
    for (const part of scope.split('/')) k = createHmac('sha256', k).update(part).digest();
    key = createSecretKey(k as Buffer);
    keys.set(id, key);
  }
  return key;
}

function signature(
  secret: string,
  scope: string,
  amzDate: string,
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  signed: readonly string[],
  payloadHash: string,
): string {
  let canonical = `${method}\n${path}\n\n`;
  for (const h of signed) canonical += `${h}:${(headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`;
  canonical += `\n${signed.join(';')}\n${payloadHash}`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
  return createHmac('sha256', signingKey(secret, scope)).update(toSign).digest('hex');
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/;

/** The caller's signature over `body`, or why it fails. */
function verify(req: http.IncomingMessage, body: Buffer): { payloadHash: string; scope: string } | string {
  const headers = req.headers as Record<string, string>;
  const m = AUTH.exec(headers.authorization ?? '');
  if (!m || m[1] !== agentKeyId) return 'unknown key';
  const [, , scope = '', signedList = '', sig = ''] = m;
  const payloadHash = sha256Hex(body);
  const want = signature(
    agentSecret!,
    scope,
    headers['x-amz-date'] ?? '',
    req.method ?? '',
    req.url ?? '',
    headers,
    signedList.split(';'),
    payloadHash,
  );
  return timingSafeEqual(Buffer.from(want), Buffer.from(sig)) ? { payloadHash, scope } : 'bad signature';
}

/** One append-only, hash-chained journal, group-committed; answers wait for their request's sync only. */
class Journal {
  private readonly fd = openSync(join(dir!, 'checkpoint-floor.jsonl'), 'a');
  private head = '0'.repeat(64);
  private queue: { line: string; done?: () => void }[] = [];
  private flushing = false;
  private lazyTimer: NodeJS.Timeout | undefined;
  inFlight = 0;

  append(event: object, wait: boolean): Promise<void> {
    const json = JSON.stringify({ ...event, prev: this.head });
    this.head = sha256Hex(json);
    const line = `${json.slice(0, -1)},"hash":"${this.head}"}\n`;
    if (!wait) {
      this.queue.push({ line });
      this.armLazy();
      return Promise.resolve();
    }
    return new Promise((done) => {
      this.queue.push({ line, done });
      if (!this.flushing) this.flush();
    });
  }

  private armLazy(): void {
    this.lazyTimer ??= setTimeout(() => {
      this.lazyTimer = undefined;
      if (this.flushing) this.armLazy();
      else this.flush();
    }, 20);
  }

  private flush(): void {
    clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    this.flushing = true;
    writeSync(this.fd, batch.map((p) => p.line).join(''));
    const after = (): void => {
      this.flushing = false;
      for (const p of batch) p.done?.();
      if (this.queue.some((p) => p.done)) this.flush();
      else if (this.queue.length > 0) this.armLazy();
    };
    // As the gateway does: a lone call syncs on the event loop, saving the thread-pool hand-off.
    if (this.inFlight <= 1) {
      fdatasyncSync(this.fd);
      after();
    } else fdatasync(this.fd, after);
  }
}

const journal = new Journal();
let seq = 0;

async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
  const ok = verify(req, body);
  if (typeof ok === 'string') {
    res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: ok }));
    return;
  }
  const callId = ++seq;
  const headers = req.headers as Record<string, string>;
  await journal.append(
    {
      kind: 'request',
      callId,
      at: Date.now(),
      method: req.method,
      path: req.url,
      target: headers['x-amz-target'],
      key: agentKeyId,
      payloadHash: ok.payloadHash,
      body: body.toString('utf8'),
    },
    true,
  );
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const scope = `${amzDate.slice(0, 8)}/${ok.scope.split('/').slice(1).join('/')}`;
  const out: Record<string, string> = {
    host: upstreamHost,
    'x-amz-date': amzDate,
    'content-type': headers['content-type'] ?? '',
    'content-length': String(body.length),
  };
  if (headers['x-amz-target']) out['x-amz-target'] = headers['x-amz-target'];
  const signedOut = Object.keys(out).sort();
  const sig = signature(realSecret!, scope, amzDate, req.method!, req.url!, out, signedOut, ok.payloadHash);
  out.authorization = `AWS4-HMAC-SHA256 Credential=${realKeyId}/${scope}, SignedHeaders=${signedOut.join(';')}, Signature=${sig}`;
  const up = http.request({
    host: '127.0.0.1',
    port: upstreamPort,
    method: req.method,
    path: req.url,
    headers: out,
    agent,
  });
  up.on('error', () => res.destroy());
  up.on('response', (u) => {
    const chunks: Buffer[] = [];
    u.on('data', (c: Buffer) => chunks.push(c));
    u.on('end', () => {
      const answer = Buffer.concat(chunks);
      void journal.append(
        { kind: 'response', callId, status: u.statusCode, body: answer.toString('utf8') },
        false,
      );
      res.writeHead(u.statusCode ?? 502, u.headers).end(answer);
    });
  });
  up.end(body);
}

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  journal.inFlight++;
  res.on('close', () => journal.inFlight--);
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => void handle(req, res, Buffer.concat(chunks)).catch(() => res.destroy()));
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
