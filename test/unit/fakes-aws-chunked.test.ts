import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { AwsChunkedDecoder } from '../fakes/aws-chunked';
import { BodyIntegrityError, HoldBackVerifier, sha256Checker } from '../fakes/body-checks';

function crc32Base64(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString('base64');
}

function encode(data: Buffer, chunkSize: number, trailers: string, ext = ''): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) {
    const piece = data.subarray(i, i + chunkSize);
    parts.push(Buffer.from(`${piece.length.toString(16)}${ext}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`0${ext}\r\n${trailers}\r\n`));
  return Buffer.concat(parts);
}

/** Feeds `wire` in pieces of `step` bytes through the transforms and collects what comes out. */
async function run(wire: Buffer, step: number, ...stages: NodeJS.ReadWriteStream[]): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < wire.length; i += step) pieces.push(wire.subarray(i, i + step));
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(chunk);
      done();
    },
  });
  await pipeline(Readable.from(pieces), ...(stages as [NodeJS.ReadWriteStream]), sink);
  return Buffer.concat(out);
}

const data = randomBytes(70_000);
const goodTrailer = `x-amz-checksum-crc32:${crc32Base64(data)}\r\n`;
const expect = { decodedLength: data.length, trailerNames: ['x-amz-checksum-crc32'] };

void test('decodes whatever way the wire is split, chunk extensions included', async () => {
  for (const step of [1, 7, 8192, 1 << 20]) {
    const wire = encode(data, 16_384, goodTrailer, step === 7 ? ';chunk-signature=abc' : '');
    const out = await run(wire, step, new AwsChunkedDecoder(expect));
    assert.ok(out.equals(data), `split every ${step} bytes`);
  }
});

void test('a wrong CRC32 trailer is BadDigest', async () => {
  const wire = encode(data, 8192, `x-amz-checksum-crc32:${crc32Base64(Buffer.from('x'))}\r\n`);
  await assert.rejects(run(wire, 4096, new AwsChunkedDecoder(expect)), (err: unknown) => {
    assert.ok(err instanceof BodyIntegrityError);
    assert.equal(err.code, 'BadDigest');
    return true;
  });
});

void test('a missing trailer, a wrong decoded length, truncation and trailing junk are all refused', async () => {
  const cases: [string, Buffer, typeof expect][] = [
    ['missing trailer', encode(data, 8192, ''), expect],
    ['length', encode(data, 8192, goodTrailer), { ...expect, decodedLength: data.length + 1 }],
    ['truncated', encode(data, 8192, goodTrailer).subarray(0, 50_000), expect],
    ['junk', Buffer.concat([encode(data, 8192, goodTrailer), Buffer.from('x')]), expect],
    ['bad size', Buffer.from('zz\r\n'), expect],
  ];
  for (const [name, wire, expectation] of cases) {
    await assert.rejects(run(wire, 1000, new AwsChunkedDecoder(expectation)), BodyIntegrityError, name);
  }
});

void test('HoldBackVerifier releases nothing of a small body that fails its check', async () => {
  const released: Buffer[] = [];
  const verifier = new HoldBackVerifier([sha256Checker('0'.repeat(64))], 1024 * 1024);
  verifier.on('data', (c: Buffer) => released.push(c));
  await assert.rejects(
    run(randomBytes(500_000), 10_000, verifier),
    /XAmzContentSHA256Mismatch|x-amz-content-sha256/,
  );
  assert.equal(released.length, 0);
});

void test('HoldBackVerifier keeps back the last window of a large failing body', async () => {
  let released = 0;
  const verifier = new HoldBackVerifier([sha256Checker('0'.repeat(64))], 1024 * 1024);
  verifier.on('data', (c: Buffer) => (released += c.length));
  await assert.rejects(run(randomBytes(3 * 1024 * 1024), 64 * 1024, verifier), BodyIntegrityError);
  assert.ok(released <= 2 * 1024 * 1024, `released ${released}`);
  assert.ok(released > 0);
});
