import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordingFailureAdvice } from '../../gateway/errors/recording-failure';

void test('a record that could not be written: disk advice for system errors only', () => {
  const full = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  assert.match(recordingFailureAdvice(full), /Check free disk space .*\(ENOSPC\)/);
  assert.match(recordingFailureAdvice(Object.assign(new Error('io'), { code: 'EIO' })), /disk space/);
  for (const e of [new RangeError('Maximum call stack size exceeded'), new Error('x'), 'text', undefined]) {
    const advice = recordingFailureAdvice(e);
    assert.doesNotMatch(advice, /disk space/, String(e));
    assert.match(advice, /inside the gateway, not on disk: the gateway log has the error/);
  }
  // Node's own non-system codes are not the disk's either.
  assert.doesNotMatch(
    recordingFailureAdvice(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' })),
    /disk space/,
  );
});
