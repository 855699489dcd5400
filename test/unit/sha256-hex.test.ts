import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { sha256Hex } from '../../gateway/crypto/sha256-hex';

void describe('sha256Hex', () => {
  void test('matches the FIPS 180-2 vector and an empty input', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256Hex(Buffer.from('abc')), sha256Hex('abc'));
  });

  void test('hashes strings as UTF-8 unless Latin-1 is asked for, as a canonical request is', () => {
    const s = 'x-amz-meta-name:caf\u00e9\n';
    assert.equal(sha256Hex(s), createHash('sha256').update(s, 'utf8').digest('hex'));
    assert.equal(sha256Hex(s, 'latin1'), createHash('sha256').update(s, 'latin1').digest('hex'));
    assert.notEqual(sha256Hex(s, 'latin1'), sha256Hex(s));
    assert.equal(sha256Hex('ascii only', 'latin1'), sha256Hex('ascii only'));
  });
});
