import { existsSync } from 'node:fs';
import type { WriteFaultHook } from '../journal/task-journal-options';

/**
 * TEST ONLY. `AIRLOCK_TEST_FAIL_JOURNAL=<file>`: while `<file>` exists, every journal write fails
 * as a full disk would (ENOSPC), so tests can drive the real gateway process into and out of a
 * failing store. Unset in normal use; it can only make the gateway refuse calls, never let one
 * through unrecorded.
 */
export function testJournalFault(env: NodeJS.ProcessEnv): WriteFaultHook | undefined {
  const file = env.AIRLOCK_TEST_FAIL_JOURNAL;
  if (!file) return undefined;
  return () =>
    existsSync(file)
      ? Object.assign(new Error('ENOSPC: no space left on device (simulated: AIRLOCK_TEST_FAIL_JOURNAL)'), {
          code: 'ENOSPC',
        })
      : undefined;
}
