// The bench stub's small JSON answer over TLS, as its own process: the direct baseline for proxy
// mode (a client talking TLS straight to its server). Prints {"port", "caPem"} on stdout.
import https from 'node:https';
import { makeTestTls } from '../test/fakes/tls';

const tls = makeTestTls(['127.0.0.1', 'dynamodb.us-east-1.amazonaws.com'], 'Bench TLS stub CA');
const small = Buffer.from(JSON.stringify({ Item: { id: { S: 'o-1' }, total: { N: '42' } } }));
const server = https.createServer(
  { key: tls.keyPem, cert: tls.certPem, keepAliveTimeout: 60_000 },
  (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': 'bench',
        'content-length': small.length,
      });
      res.end(small);
    });
  },
);
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.stdout.write(JSON.stringify({ port, caPem: tls.caPem }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
