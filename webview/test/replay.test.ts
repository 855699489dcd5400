import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayClock } from '../src/model/replay-clock';
import { SessionState } from '../src/state/session-state.svelte';
import { ManualFrames } from './support/frames';
import { journal, smallSession, T0 } from './support/journal-events';

void test('the clock walks real time at the chosen speed and stops at the end', () => {
  let wall = 1000;
  const clock = new ReplayClock(0, 10_000, () => wall);
  assert.equal(clock.position(), 10_000, 'a new clock rests at the end: everything shown');
  clock.play();
  assert.equal(clock.position(), 0, 'playing from the end starts over');
  wall += 1500;
  assert.equal(clock.position(), 1500);
  clock.setSpeed(4);
  assert.equal(clock.position(), 1500, 'a speed change does not jump');
  wall += 500;
  assert.equal(clock.position(), 3500);
  clock.pause();
  wall += 60_000;
  assert.equal(clock.position(), 3500, 'paused: stays');
  clock.seek(9000);
  clock.setSpeed(16);
  clock.play();
  wall += 100;
  assert.equal(clock.position(), 10_000, 'reaching the end clamps there');
  assert.equal(clock.playing, false, '... and pauses');
  clock.seek(-5);
  assert.equal(clock.position(), 0, 'seeks are clamped');
});

void test('a live session extends the clock: resting at the end follows it, paused earlier stays', () => {
  let wall = 0;
  const a = new ReplayClock(0, 1000, () => wall);
  a.extend(0, 5000);
  assert.equal(a.position(), 5000);
  const b = new ReplayClock(0, 1000, () => wall);
  b.seek(200);
  b.extend(0, 5000);
  assert.equal(b.position(), 200);
  b.play();
  wall += 300;
  b.extend(0, 9000);
  assert.equal(b.position(), 500, 'playing: keeps its place through an extension');
});

void test('replay of a session: frames advance the playhead and move the list cursor in rhythm', () => {
  const frames = new ManualFrames();
  const s = new SessionState('t-1', {}, frames);
  s.ingest(smallSession());
  const r = s.replay;
  assert.equal(r.engaged, false);
  r.toggle();
  assert.equal(r.playing, true);
  assert.equal(r.position, T0, 'from the task start');
  frames.advance(1500); // +1.5 s: c-1 (at +1 s) has happened, c-2 (+2 s) not yet
  assert.equal(s.visible.indices[s.cursor], 0);
  assert.equal(r.engaged, true);
  r.setSpeed(4);
  frames.advance(500); // +2 s of session time at 4×: now at +3.5 s
  assert.equal(r.position, T0 + 3500);
  assert.equal(s.calls[s.visible.indices[s.cursor]!]?.callId, 'c-3');
  r.toggle();
  assert.equal(frames.waiting, 0, 'paused: no frame requested');
  frames.advance(10_000);
  assert.equal(r.position, T0 + 3500);
});

void test('step walks call by call (same-millisecond calls included), scrubbing moves the cursor', () => {
  const frames = new ManualFrames();
  const s = new SessionState('t-1', {}, frames);
  // Two calls in the same millisecond, then one later.
  const req = (callId: string, at: number) => ({
    at,
    type: 'call.request' as const,
    data: {
      callId,
      arrival: 'endpoint' as const,
      identity: 'dev',
      accessKeyId: 'K',
      method: 'GET',
      target: '/',
      service: 's3',
      region: 'us-east-1',
      protocol: 'rest-xml',
      actions: [],
      params: {},
    },
  });
  s.ingest(journal('t-1', T0, [req('a', 0), req('b', 0), req('c', 700)]));
  const r = s.replay;
  r.step(1);
  assert.equal(s.calls[s.visible.indices[s.cursor]!]?.callId, 'a', 'from the end, forward starts over');
  r.step(1);
  assert.equal(s.calls[s.visible.indices[s.cursor]!]?.callId, 'b');
  r.step(1);
  assert.equal(s.calls[s.visible.indices[s.cursor]!]?.callId, 'c');
  assert.equal(r.position, T0 + 700);
  r.step(1);
  assert.equal(s.cursor, 2, 'past the last call: stays');
  r.step(-1);
  r.step(-1);
  assert.equal(s.calls[s.visible.indices[s.cursor]!]?.callId, 'a');
  r.seek(T0 + 500);
  assert.equal(
    s.calls[s.visible.indices[s.cursor]!]?.callId,
    'b',
    'scrubbing: the last call started by then',
  );
  r.reset();
  assert.equal(r.engaged, false);
});

void test('stepping follows the filters: only visible calls are visited', () => {
  const s = new SessionState('t-1', {}, new ManualFrames());
  s.ingest(smallSession());
  s.service = 'iam';
  s.replay.step(1);
  s.replay.step(1);
  assert.equal(s.calls[s.visible.indices[s.cursor]!]?.callId, 'c-3');
});
