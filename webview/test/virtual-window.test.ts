import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeWindow, pageSize, scrollToReveal } from '../src/model/virtual-window';

void test('only the rows on screen plus the overscan are rendered', () => {
  // 100,000 rows of 24 px in a 480 px viewport, scrolled to row 1000.
  const w = computeWindow(100_000, 24, 24_000, 480, 8);
  assert.deepEqual(w, { start: 992, end: 1029, offset: 992 * 24, total: 2_400_000 });
  assert.ok(w.end - w.start < 40);
});

void test('the window is clamped at both ends and empty for no rows', () => {
  assert.deepEqual(computeWindow(0, 24, 100, 480), { start: 0, end: 0, offset: 0, total: 0 });
  const top = computeWindow(1000, 24, -50, 480, 4);
  assert.equal(top.start, 0);
  assert.equal(top.offset, 0);
  // Scrolled past the end (the list shrank under a filter): the last screenful, not nothing.
  const past = computeWindow(100, 24, 999_999, 480, 4);
  assert.equal(past.end, 100);
  assert.ok(past.start <= 100 - 20, `${past.start}`);
  // Fewer rows than fit: all of them.
  assert.deepEqual(computeWindow(5, 24, 0, 480), { start: 0, end: 5, offset: 0, total: 120 });
});

void test('revealing a row scrolls as little as possible', () => {
  assert.equal(scrollToReveal(10, 24, 0, 480), 0, 'already visible');
  assert.equal(scrollToReveal(19, 24, 0, 480), 0, 'last fully visible row');
  assert.equal(scrollToReveal(20, 24, 0, 480), 24, 'one below: scroll by one row');
  assert.equal(scrollToReveal(3, 24, 240, 480), 72, 'above: align to the top');
  assert.equal(scrollToReveal(0, 24, 0, 10), 0);
  assert.equal(pageSize(24, 480), 19);
  assert.equal(pageSize(24, 10), 1);
});
