// Loaded into a bench gateway with --import (bench/allocations.ts): V8's sampling heap profiler,
// with objects already collected kept in, so the profile says what a call allocates (what the GC
// pays for), not what stays alive. Starts on SIGUSR2, says so on stderr, and writes the profile to
// BENCH_ALLOC_PROFILE when the process exits.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const out = process.env.BENCH_ALLOC_PROFILE;
const session = new Session();
session.connect();
let sampling = false;

process.once('SIGUSR2', () => {
  session.post(
    'HeapProfiler.startSampling',
    {
      samplingInterval: 2048,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    },
    (err) => {
      sampling = !err;
      process.stderr.write(err ? `alloc-sampling failed: ${err.message}\n` : 'alloc-sampling started\n');
    },
  );
});

process.on('exit', () => {
  if (!sampling || !out) return;
  // An in-thread session answers synchronously, so this still runs before the process ends.
  session.post('HeapProfiler.stopSampling', (err, result) => {
    if (!err) writeFileSync(out, JSON.stringify(result.profile));
  });
});
