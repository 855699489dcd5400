// A fast upstream for benchmarks, run as its own process: answers DynamoDB-style JSON calls with a
// small body, swallows S3 PUTs, and streams S3 GETs of any size from a reused buffer.
import http from 'node:http';

const small = Buffer.from(JSON.stringify({ Item: { id: { S: 'o-1' }, total: { N: '42' } } }));
const block = Buffer.alloc(1024 * 1024, 0x61);

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.method === 'PUT') {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => {
      res.writeHead(200, { etag: `"${n}"`, 'x-amz-request-id': 'bench' });
      res.end();
    });
    return;
  }
  const m = /^\/[^/]+\/size-(\d+)$/.exec(req.url ?? '');
  if (req.method === 'GET' && m) {
    let left = Number(m[1]);
    res.writeHead(200, { 'content-length': String(left), 'content-type': 'application/octet-stream' });
    const pump = (): void => {
      while (left > 0) {
        const chunk = left >= block.length ? block : block.subarray(0, left);
        left -= chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
    return;
  }
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': 'bench',
      'content-length': small.length,
    });
    res.end(small);
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
