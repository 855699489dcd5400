import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { hmacKey } from '../../gateway/crypto/hmac-key';
import { Sha256Checksum } from '../../gateway/upstream/sha256-checksum';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

void test('the re-signer checksum computes what smithy hash-node computes, keyed or not', async () => {
  const key = new Uint8Array(Buffer.from('k'.repeat(32)));
  const secrets = [undefined, 'AWS4secret', key, key.buffer, Buffer.from('another key')];
  for (const [i, secret] of secrets.entries()) {
    const ours = new Sha256Checksum(secret);
    const theirs = new Hash('sha256', secret);
    for (const chunk of ['', 'abc', '€ and more']) {
      ours.update(Buffer.from(chunk));
      theirs.update(Buffer.from(chunk));
    }
    assert.equal(hex(await ours.digest()), hex(await theirs.digest()), `secret ${i}`);
    ours.reset();
    theirs.reset();
    ours.update(Buffer.from('again'));
    theirs.update(Buffer.from('again'));
    assert.equal(hex(await ours.digest()), hex(await theirs.digest()), `secret ${i} after reset`);
  }
  // One KeyObject per key object: the cache is what saves the HMAC its key check.
  assert.equal(hmacKey(key), hmacKey(key));
  assert.notEqual(hmacKey(key), hmacKey(new Uint8Array(key)));
});

void test('SignatureV4 signs the same with it as with hash-node', async () => {
  const opts = {
    service: 'dynamodb',
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  };
  const request = (): HttpRequest =>
    new HttpRequest({
      method: 'POST',
      hostname: 'dynamodb.eu-west-1.amazonaws.com',
      path: '/',
      headers: { host: 'dynamodb.eu-west-1.amazonaws.com', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
    });
  const at = { signingDate: new Date('2026-12-07T12:00:00Z') };
  const ours = await new SignatureV4({ ...opts, sha256: Sha256Checksum }).sign(request(), at);
  const theirs = await new SignatureV4({ ...opts, sha256: Hash.bind(null, 'sha256') }).sign(request(), at);
  assert.equal(ours.headers.authorization, theirs.headers.authorization);
  assert.match(String(ours.headers.authorization), /Signature=[0-9a-f]{64}$/);
});
