import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyBudget } from '../../gateway/pipeline/body-budget';

const MiB = 1024 * 1024;
const limits = {
  unverifiedBytes: 10 * MiB,
  totalBytes: 20 * MiB,
  smallBodyBytes: 1000,
  smallHeadroomBytes: 5000,
};

void test('unverified bodies share their own budget; past it a reservation is refused, not queued', () => {
  const b = new BodyBudget(limits);
  const first = b.reserve(6 * MiB, true);
  assert.ok(first);
  assert.equal(b.reserve(6 * MiB, true), undefined, 'would pass the unverified budget');
  const second = b.reserve(4 * MiB, true);
  assert.ok(second);
  assert.deepEqual(b.usage(), { unverified: 10 * MiB, total: 10 * MiB });
  first.release();
  first.release();
  assert.deepEqual(b.usage(), { unverified: 4 * MiB, total: 4 * MiB }, 'released once only');
  assert.ok(b.reserve(6 * MiB, true));
});

void test('verified bodies count against the total only; verifying moves a lease out of the unverified share', () => {
  const b = new BodyBudget(limits);
  const lease = b.reserve(10 * MiB, true);
  assert.ok(lease);
  assert.equal(b.reserve(1 * MiB, true), undefined);
  lease.verified();
  assert.deepEqual(b.usage(), { unverified: 0, total: 10 * MiB });
  assert.ok(b.reserve(10 * MiB, true));
  assert.equal(b.reserve(1 * MiB, false), undefined, 'the total is full');
  lease.release();
  assert.deepEqual(b.usage(), { unverified: 10 * MiB, total: 10 * MiB });
});

void test('small bodies get headroom past a budget the large ones filled', () => {
  const b = new BodyBudget(limits);
  assert.ok(b.reserve(10 * MiB, true));
  assert.equal(b.reserve(2000, true), undefined, 'not small');
  for (let i = 0; i < 5; i++) assert.ok(b.reserve(1000, true), `small ${i}`);
  assert.equal(b.reserve(1000, true), undefined, 'the headroom is bounded too');
});

void test('a body of unknown length grows its lease chunk by chunk and stops at the budget', () => {
  const b = new BodyBudget(limits);
  const lease = b.reserve(0, true);
  assert.ok(lease);
  assert.equal(lease.grow(900), true);
  assert.equal(lease.grow(6000), true, 'no longer small, still under the budget');
  assert.equal(lease.grow(9 * MiB), true);
  assert.equal(lease.grow(MiB), false);
  assert.equal(lease.bytes, 6900 + 9 * MiB);
  lease.release();
  assert.deepEqual(b.usage(), { unverified: 0, total: 0 });
  assert.equal(lease.grow(1), false, 'a released lease takes nothing');
});
