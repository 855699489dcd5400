import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CrashLoopWatch } from '../../extension/gateway/crash-loop';
import type { GatewayState } from '../../extension/gateway/gateway-supervisor';

const restarting = (attempt: number): GatewayState => ({
  kind: 'restarting',
  attempt,
  delayMs: 1000 * 2 ** (attempt - 1),
  reason: 'The gateway exited with code 1.',
});

void test('a gateway that keeps stopping is said once per loop, from the second restart in a row', () => {
  const w = new CrashLoopWatch();
  assert.equal(w.next({ kind: 'starting', attempt: 1 }), undefined);
  assert.equal(w.next(restarting(1)), undefined, 'one crash may be a fluke');
  assert.equal(w.next({ kind: 'running', port: 1, pid: 2 }), undefined);
  const notice = w.next(restarting(2));
  assert.equal(
    notice,
    'Airlock: the gateway keeps stopping (2 times in a row). The gateway exited with code 1. Airlock restarts it in 2 s; until it runs, AWS calls from terminals fail.',
  );
  assert.equal(w.next({ kind: 'running', port: 1, pid: 3 }), undefined);
  assert.equal(w.next(restarting(3)), undefined, 'a brief start inside the loop does not repeat it');
  assert.equal(w.next(restarting(1)), undefined, 'after a healthy run the supervisor counts afresh');
  assert.match(w.next(restarting(2)) ?? '', /keeps stopping/, 'a new loop is said again');
  assert.equal(w.next({ kind: 'stopped' }), undefined);
  assert.match(w.next(restarting(2)) ?? '', /keeps stopping/, 'a restart on purpose ends the loop');
});
