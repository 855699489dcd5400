import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Interned, readEnvelope } from '../../gateway/journal/envelope-bytes';
import { ENVELOPE_TAIL } from '../../gateway/journal/scan-lines';

// readEnvelope replaced the ENVELOPE_TAIL regex on the read path: it must accept exactly what the
// regex accepts and links to the line before (prev equal to that line's hash), with the same
// captures. Checked on real envelopes and every one-character mutation of them (each position
// replaced, dropped or doubled), against the hash they should link to and others.
const PREV = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);
const ENVELOPES = [
  `,"prev":"${PREV}","seq":42,"task":"t-abc","ts":"2026-01-02T03:04:05.678Z","type":"call.request","v":2`,
  `,"prev":"${'0'.repeat(64)}","seq":1,"task":"t","ts":"x","type":"a","v":1`,
  `,"prev":"${PREV}","seq":123456789012345,"task":"${'t'.repeat(128)}","ts":"${'9'.repeat(40)}","type":"${'z'.repeat(40)}","v":9999`,
];
const SUBSTITUTES = ['"', '\\', ',', ':', 'x', 'A', '0', '9', '.', 'g', 'é'];

function regexFields(text: string, expectPrev: string): unknown {
  const m = ENVELOPE_TAIL.exec(text);
  if (!m || m[1] !== expectPrev) return undefined;
  return { prev: m[1], seq: Number(m[2]), task: m[3], ts: m[4], type: m[5], v: Number(m[6]) };
}

function bytesFields(text: string, expectPrev: string): unknown {
  // Inside a line, as the reader sees it: data before, the hash suffix after.
  const head = '{"data":{}';
  const buf = Buffer.from(`${head}${text},"hash":"${'f'.repeat(64)}"}`, 'latin1');
  const strings = { task: new Interned(2), ts: new Interned(2), type: new Interned(16) };
  const f = readEnvelope(
    buf,
    head.length,
    head.length + Buffer.byteLength(text, 'latin1'),
    expectPrev,
    strings,
  );
  return f && { ...f };
}

function* mutations(text: string): Generator<string> {
  yield text;
  for (let i = 0; i < text.length; i++) {
    yield text.slice(0, i) + text.slice(i + 1);
    yield text.slice(0, i) + (text[i] ?? '') + text.slice(i);
    for (const s of SUBSTITUTES) if (s !== text[i]) yield text.slice(0, i) + s + text.slice(i + 1);
  }
}

void test('the envelope read from bytes is what ENVELOPE_TAIL matches, mutation by mutation', () => {
  let accepted = 0;
  let checked = 0;
  for (const envelope of ENVELOPES)
    for (const text of mutations(envelope)) {
      // Only envelopes that start where the reader starts them (at the last `,"prev":"`).
      if (text.lastIndexOf(',"prev":"') !== 0) continue;
      for (const expectPrev of [PREV, '0'.repeat(64), 'b'.repeat(64), PREV.slice(1), '']) {
        const want = regexFields(text, expectPrev);
        assert.deepEqual(bytesFields(text, expectPrev), want, `${JSON.stringify(text)} (prev ${expectPrev})`);
        checked++;
        if (want) accepted++;
      }
    }
  assert.ok(checked > 10_000 && accepted > 100, `${checked} checked, ${accepted} accepted`);
});

void test('interned strings and a shared prev read as fresh ones would', () => {
  const interned = new Interned(2);
  const buf = Buffer.from('call.request call.request call.decision call.request');
  const a = interned.get(buf, 0, 12);
  assert.equal(a, 'call.request');
  assert.equal(interned.get(buf, 13, 25), a);
  assert.equal(interned.get(buf, 26, 39), 'call.decision');
  assert.equal(interned.get(buf, 40, 52), 'call.request');
  const strings = { task: new Interned(2), ts: new Interned(2), type: new Interned(16) };
  const text = ENVELOPES[0] ?? '';
  const line = Buffer.from(text, 'latin1');
  assert.equal(readEnvelope(line, 0, line.length, PREV, strings)?.prev, PREV);
  assert.equal(readEnvelope(line, 0, line.length, 'f'.repeat(64), strings), undefined);
});
