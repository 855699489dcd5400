import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { GATEWAY_NODE_FLAGS, missingRuntimeFlags } from '../../gateway/server/runtime-flags';

void test('the runtime flags a Node process lacks, from its execArgv and NODE_OPTIONS', () => {
  const [semi, growing] = GATEWAY_NODE_FLAGS;
  assert.deepEqual(GATEWAY_NODE_FLAGS, ['--max-semi-space-size=2', '--heap-growing-percent=60']);
  assert.deepEqual(missingRuntimeFlags([], undefined), GATEWAY_NODE_FLAGS);
  assert.deepEqual(missingRuntimeFlags([], ''), GATEWAY_NODE_FLAGS);
  // Node's own flags are not ours.
  assert.deepEqual(
    missingRuntimeFlags(['--enable-source-maps', '-r', 'x.js'], '--no-warnings'),
    GATEWAY_NODE_FLAGS,
  );
  assert.deepEqual(missingRuntimeFlags([...GATEWAY_NODE_FLAGS], undefined), []);
  assert.deepEqual(missingRuntimeFlags([semi!], undefined), [growing]);
  assert.deepEqual(missingRuntimeFlags(['--inspect', growing!], undefined), [semi]);
  // V8 spells a flag with `_` or `-` alike; Node keeps the spelling it was given.
  assert.deepEqual(
    missingRuntimeFlags(['--max_semi_space_size=2', '--heap_growing_percent=60'], undefined),
    [],
  );
  // Another value was chosen by whoever started Node: it stays.
  assert.deepEqual(missingRuntimeFlags(['--max-semi-space-size=8'], undefined), [growing]);
  // NODE_OPTIONS takes the semi-space size (not the growing factor) and Node leaves it out of execArgv.
  assert.deepEqual(missingRuntimeFlags([], ' --max-semi-space-size=4  --no-warnings'), [growing]);
  // A longer flag that starts with the same name is another flag.
  assert.deepEqual(missingRuntimeFlags(['--max-semi-space-size-x=1'], undefined), GATEWAY_NODE_FLAGS);
});

void test('detection agrees with what a real Node reports', () => {
  const report = (args: string[], nodeOptions?: string): unknown => {
    const r = spawnSync(process.execPath, [...args, '-p', 'JSON.stringify(process.execArgv)'], {
      env: { ...process.env, NODE_OPTIONS: nodeOptions ?? '' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return missingRuntimeFlags(JSON.parse(r.stdout) as string[], nodeOptions);
  };
  assert.deepEqual(report([...GATEWAY_NODE_FLAGS]), []);
  assert.deepEqual(report([]), GATEWAY_NODE_FLAGS);
  assert.deepEqual(report(['--heap-growing-percent=60'], '--max-semi-space-size=2'), []);
});
