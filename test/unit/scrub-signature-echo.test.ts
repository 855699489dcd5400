import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resigningSecrets, scrubSignatureEcho } from '../../gateway/upstream/scrub-signature-echo';

const REAL_KEY = 'AKIAREALKEY1234567890';
const TASK_KEY = 'AKIDTASKKEY000000000';
const SIG = 'a'.repeat(32) + 'b'.repeat(32);
const TOKEN = 'FwoGZXIvYXdzEXAMPLETOKEN' + 'x'.repeat(100);
const secrets = { accessKeyId: REAL_KEY, signature: SIG, sessionToken: TOKEN };
const CANONICAL = `GET\n/bucket\n\nhost:127.0.0.1\nx-amz-security-token:${TOKEN}\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD`;
const STS = `AWS4-HMAC-SHA256\n20260101T000000Z\n20260101/us-east-1/s3/aws4_request\n${'c'.repeat(64)}`;

function assertClean(out: string): void {
  for (const secret of [REAL_KEY, SIG, TOKEN, 'x-amz-security-token', '20260101/us-east-1/s3/aws4_request'])
    assert.ok(!out.includes(secret), `still holds ${secret.slice(0, 24)}: ${out}`);
}

void test('the signing secrets come from the headers the re-signer wrote', () => {
  assert.deepEqual(
    resigningSecrets({
      authorization: `AWS4-HMAC-SHA256 Credential=${REAL_KEY}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${SIG}`,
      'X-Amz-Security-Token': TOKEN,
    }),
    secrets,
  );
  assert.deepEqual(resigningSecrets({ host: 'x' }), {});
});

void test('S3 SignatureDoesNotMatch: key id becomes the task key, signature and canonical request go', () => {
  const hex = (s: string): string => [...Buffer.from(s)].map((b) => b.toString(16)).join(' ');
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
    '<Message>The request signature we calculated does not match the signature you provided.</Message>' +
    `<AWSAccessKeyId>${REAL_KEY}</AWSAccessKeyId><StringToSign>${STS}</StringToSign>` +
    `<SignatureProvided>${SIG}</SignatureProvided><StringToSignBytes>${hex(STS)}</StringToSignBytes>` +
    `<CanonicalRequest>${CANONICAL}</CanonicalRequest><CanonicalRequestBytes>${hex(CANONICAL)}</CanonicalRequestBytes>` +
    '<RequestId>R1</RequestId><HostId>H1</HostId></Error>';
  const out = scrubSignatureEcho(body, secrets, TASK_KEY);
  assertClean(out);
  assert.equal(
    out,
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
      '<Message>The request signature we calculated does not match the signature you provided.</Message>' +
      `<AWSAccessKeyId>${TASK_KEY}</AWSAccessKeyId><RequestId>R1</RequestId><HostId>H1</HostId></Error>`,
  );
});

void test('an S3 session-token error does not echo the real token', () => {
  const body = `<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message><Token-0>${TOKEN}</Token-0><RequestId>R</RequestId></Error>`;
  const out = scrubSignatureEcho(body, {}, TASK_KEY);
  assert.equal(
    out,
    '<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message><RequestId>R</RequestId></Error>',
  );
});

void test('query XML and JSON messages lose the canonical string and string-to-sign', () => {
  const tail = `\n\nThe Canonical String for this request should have been\n'${CANONICAL}'\n\nThe String-to-Sign should have been\n'${STS}'\n`;
  const query =
    '<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>' +
    `<Message>The request signature we calculated does not match.${tail}</Message></Error><RequestId>R</RequestId></ErrorResponse>`;
  const q = scrubSignatureEcho(query, secrets, TASK_KEY);
  assertClean(q);
  assert.match(
    q,
    /^<ErrorResponse><Error><Type>Sender<\/Type><Code>SignatureDoesNotMatch<\/Code><Message>The request signature we calculated does not match\.\n\n\(Airlock removed [^<]*\)<\/Message><\/Error><RequestId>R<\/RequestId><\/ErrorResponse>$/,
  );

  const json = JSON.stringify({
    __type: 'InvalidSignatureException',
    message: `Signature mismatch.${tail}`,
    other: 'kept "x"',
  });
  const j = scrubSignatureEcho(json, secrets, TASK_KEY);
  assertClean(j);
  const parsed = JSON.parse(j) as { __type: string; message: string; other: string };
  assert.equal(parsed.__type, 'InvalidSignatureException');
  assert.match(parsed.message, /^Signature mismatch\.\n\n\(Airlock removed/);
  assert.equal(parsed.other, 'kept "x"');
});

void test('the real key id is replaced wherever else it shows; a clean body comes back as the same string', () => {
  const body = `{"message":"The security token ${REAL_KEY} is not valid"}`;
  assert.equal(
    scrubSignatureEcho(body, secrets, TASK_KEY),
    `{"message":"The security token ${TASK_KEY} is not valid"}`,
  );
  const clean = '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>';
  assert.equal(scrubSignatureEcho(clean, secrets, TASK_KEY), clean);
});

void test('unclosed elements take the rest of the body with them; hostile input scrubs in linear time', () => {
  assert.equal(scrubSignatureEcho(`<Error><SignatureProvided>${SIG}`, {}, TASK_KEY), '<Error>');
  const n = 200_000;
  for (const unit of [
    '<StringToSign>',
    '<AWSAccessKeyId>',
    'The Canonical String for this request should have been',
    '{"a":"\\',
  ]) {
    const hostile = unit.repeat(Math.ceil(n / unit.length));
    const started = process.hrtime.bigint();
    scrubSignatureEcho(hostile, secrets, TASK_KEY);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 500, `${unit}: ${ms} ms`);
  }
});
