// Runs before the e2e test files (package.json `test:e2e`): installs Node 24 and code-server once,
// so a failed install is reported once, with what to do, instead of as every test's stack trace.
import { performance } from 'node:perf_hooks';
import { E2eInstallError, cacheDir, ensureCodeServer } from './harness/install';

async function main(): Promise<void> {
  const started = performance.now();
  try {
    const install = await ensureCodeServer();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`e2e prerequisites ready in ${seconds} s: ${install.codeServerRoot} (cache ${cacheDir()})`);
  } catch (e) {
    console.error(e instanceof E2eInstallError ? e.message : e);
    process.exitCode = 1;
  }
}

void main();
