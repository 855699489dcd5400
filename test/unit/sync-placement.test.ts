import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  INLINE_SYNC_PAUSE_MS,
  SLOW_INLINE_SYNC_MS,
  SyncPlacement,
} from '../../gateway/journal/sync-placement';

void describe('SyncPlacement', () => {
  void test('syncs on the event loop only while the call is alone', () => {
    let alone = true;
    const p = new SyncPlacement(
      () => alone,
      () => 0,
    );
    assert.equal(p.onLoop(), true);
    alone = false;
    assert.equal(p.onLoop(), false);
  });

  void test('one slow sync sends syncs to the thread pool for a while, then the loop is tried again', () => {
    let now = 1000;
    const p = new SyncPlacement(
      () => true,
      () => now,
    );
    p.tookOnLoop(SLOW_INLINE_SYNC_MS / 2);
    assert.equal(p.onLoop(), true, 'a fast sync changes nothing');
    p.tookOnLoop(SLOW_INLINE_SYNC_MS * 4);
    assert.equal(p.onLoop(), false);
    now += INLINE_SYNC_PAUSE_MS - 1;
    assert.equal(p.onLoop(), false);
    now += 1;
    assert.equal(p.onLoop(), true);
  });
});
