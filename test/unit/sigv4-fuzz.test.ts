/** Garbage in, only SigV4Error out: seeded random and mutated inputs through parse, verify and time checks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  checkRequestTime,
  checkSignature,
  parseAuth,
  resolvePayloadHash,
  SigV4Error,
  type ParsedAuth,
  type RawRequest,
} from '../../gateway/sigv4';
import { mulberry32 } from '../support/mulberry32';

const CRED = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
const SIG = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
const DATE = '20150830T123600Z';

function headerReq(authorization: string, extra: string[] = []): RawRequest {
  return {
    method: 'GET',
    rawUrl: '/',
    rawHeaders: [
      'Host',
      'example.amazonaws.com',
      'X-Amz-Date',
      DATE,
      ...extra,
      'Authorization',
      authorization,
    ],
  };
}

const PRESIGNED =
  `/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(CRED)}` +
  `&X-Amz-Date=${DATE}&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=${SIG}`;

const ALPHABET =
  'AWS4-HMAC-SHA256 Credential=/,;=%&?+ \t\r\n\u0000\u00ff\u1234\ud800abcdefXYZ0123456789_.~:aws4_request';

function garbage(next: () => number, maxLen: number): string {
  let s = '';
  const len = Math.floor(next() * maxLen);
  for (let i = 0; i < len; i++) {
    s +=
      next() < 0.8
        ? (ALPHABET[Math.floor(next() * ALPHABET.length)] ?? '')
        : String.fromCharCode(Math.floor(next() * 0x10000));
  }
  return s;
}

function mutate(next: () => number, s: string): string {
  let out = s;
  const edits = 1 + Math.floor(next() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (out.length + 1));
    const r = next();
    if (r < 0.33) out = out.slice(0, at) + out.slice(at + 1);
    else if (r < 0.66) out = out.slice(0, at) + garbage(next, 4) + out.slice(at);
    else out = out.slice(0, at) + garbage(next, 2) + out.slice(at + 2);
  }
  return out;
}

void test('garbage in: only SigV4Error comes out, of parsing, verifying and time checks', () => {
  const next = mulberry32(0x5147);
  const valid = `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host;x-amz-date, Signature=${SIG}`;
  let parsed = 0;
  let rejected = 0;
  for (let i = 0; i < 4000; i++) {
    const kind = i % 4;
    const raw: RawRequest =
      kind === 0
        ? headerReq(garbage(next, 120))
        : kind === 1
          ? headerReq(mutate(next, valid), next() < 0.5 ? [] : ['Date', garbage(next, 40)])
          : kind === 2
            ? { method: 'GET', rawUrl: mutate(next, PRESIGNED), rawHeaders: ['Host', 'h'] }
            : {
                method: garbage(next, 8),
                rawUrl: garbage(next, 60),
                rawHeaders: Array.from({ length: Math.floor(next() * 9) }, () => garbage(next, 30)),
              };
    let auth: ParsedAuth;
    try {
      auth = parseAuth(raw);
      parsed++;
    } catch (e) {
      assert.ok(e instanceof SigV4Error, `non-SigV4Error for ${JSON.stringify(raw)}: ${String(e)}`);
      rejected++;
      continue;
    }
    const check = checkSignature(raw, auth, 'secret', resolvePayloadHash(auth, Buffer.from('x')));
    assert.equal(check.ok, false);
    try {
      checkRequestTime(auth, Date.now());
    } catch (e) {
      assert.ok(e instanceof SigV4Error);
    }
  }
  // Both outcomes must occur, or the generator is not exercising the parser.
  assert.ok(parsed > 100 && rejected > 100, `parsed ${parsed}, rejected ${rejected}`);
});
