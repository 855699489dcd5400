import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chunked, rawExchange, signedHead } from '../support/raw-wire';
import { type Stack, startStack } from '../support/stack';

/**
 * The gateway and AWS must agree on where each request ends: bytes the gateway read as one
 * request's body must never reach AWS as a request of their own, undecided and unrecorded.
 */
void describe('endpoint mode: request framing never diverges upstream', () => {
  let s: Stack;
  before(async () => {
    s = await startStack();
  });
  after(async () => {
    await s?.close();
  });

  const key = (): { accessKeyId: string; secretAccessKey: string } => ({
    accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
    secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
  });

  for (const method of ['GET', 'HEAD', 'DELETE']) {
    void test(`a chunked body on a streamed ${method} stays that call's body upstream`, async () => {
      s.fake.reset();
      const smuggled = 'GET /smuggled-bucket HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n';
      const head = await signedHead({
        port: s.gw.port,
        key: key(),
        service: 's3',
        method,
        path: '/framing-bucket',
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'transfer-encoding': 'chunked' },
      });
      const { text, timedOut } = await rawExchange(
        s.gw.port,
        `${head}Connection: close\r\n\r\n${chunked(smuggled)}`,
      );
      assert.equal(timedOut, false, 'the gateway answered and closed');
      assert.match(text, /^HTTP\/1\.1 \d{3} /);
      const paths = s.fake.received.map((c) => `${c.method} ${c.path}`);
      assert.deepEqual(paths, [`${method} /framing-bucket`], 'AWS saw exactly the call that was decided');
    });
  }
});
