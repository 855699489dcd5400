import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { Resigner } from '../../gateway/upstream/resign';
import { SigningKeyCache } from '../../gateway/upstream/signing-key-cache';
import type { UpstreamTarget } from '../../gateway/upstream/upstream-target';

const sha256 = Hash.bind(null, 'sha256');
const A: AwsCredentialIdentity = { accessKeyId: 'AKIAEXAMPLEKEY000001', secretAccessKey: 'a'.repeat(40) };
const target = {
  protocol: 'https:',
  hostname: 'dynamodb.eu-west-1.amazonaws.com',
  port: undefined,
  hostHeader: 'dynamodb.eu-west-1.amazonaws.com',
} as unknown as UpstreamTarget;

/** What smithy's own signer, untouched, makes of the same request. */
async function plainSignature(creds: AwsCredentialIdentity, now: Date, body: Buffer): Promise<string> {
  const signer = new SignatureV4({
    service: 'dynamodb',
    region: 'eu-west-1',
    credentials: creds,
    sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'https:',
      hostname: target.hostname,
      path: '/',
      query: {},
      headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem', host: target.hostHeader },
      body,
    }),
    { signingDate: now, signingService: 'dynamodb', signingRegion: 'eu-west-1' },
  );
  return String(signed.headers.authorization);
}

void test('the cached signing key is smithy’s, kept per day/region/service/credentials, renewed on rotation', async () => {
  const cache = new SigningKeyCache(sha256);
  const first = cache.get(A, '20261205', 'eu-west-1', 'dynamodb');
  assert.equal(cache.get(A, '20261205', 'eu-west-1', 'dynamodb'), first, 'found again, not derived');
  assert.deepEqual(await first, await getSigningKey(sha256, A, '20261205', 'eu-west-1', 'dynamodb'));
  for (const [date, region, service] of [
    ['20261206', 'eu-west-1', 'dynamodb'],
    ['20261205', 'us-east-1', 'dynamodb'],
    ['20261205', 'eu-west-1', 's3'],
  ] as const)
    assert.notEqual(cache.get(A, date, region, service), first);
  const rotated = { ...A, secretAccessKey: 'b'.repeat(40) };
  assert.notEqual(cache.get(rotated, '20261205', 'eu-west-1', 'dynamodb'), first);
  assert.deepEqual(
    await cache.get(rotated, '20261205', 'eu-west-1', 'dynamodb'),
    await getSigningKey(sha256, rotated, '20261205', 'eu-west-1', 'dynamodb'),
  );
  const withToken = { ...A, sessionToken: 'token-1' };
  assert.notEqual(cache.get(withToken, '20261205', 'eu-west-1', 'dynamodb'), first);
});

void test('re-signing with cached keys gives smithy’s own signatures, across a credential rotation', async () => {
  // The cache takes the place of a private SignatureV4 method: it must still be there to replace.
  assert.equal(
    typeof (SignatureV4.prototype as unknown as Record<string, unknown>).getSigningKey,
    'function',
  );
  let creds = A;
  const resigner = new Resigner(() => Promise.resolve(creds));
  const body = Buffer.from('{"TableName":"t"}');
  const now = new Date('2026-12-05T10:00:00Z');
  const sign = async (): Promise<string> =>
    String(
      (
        await resigner.sign(
          {
            method: 'POST',
            path: '/',
            rawQuery: '',
            headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' },
          },
          target,
          { service: 'dynamodb', region: 'eu-west-1' },
          body,
          now,
        )
      ).authorization,
    );
  assert.equal(await sign(), await plainSignature(A, now, body));
  assert.equal(await sign(), await plainSignature(A, now, body));
  creds = { ...A, secretAccessKey: 'c'.repeat(40) };
  const after = await sign();
  assert.equal(after, await plainSignature(creds, now, body));
  assert.notEqual(after, await plainSignature(A, now, body));
});
