// A test file whose process outlives its tests (a server, a child or a socket left open) makes
// `node --test` wait for it forever: CI once sat silent for an hour behind one such file. In each
// test file's own process, once its tests are done, give it a grace period to exit by itself; if
// it does not, name what holds it open and fail the file.
import { after } from 'node:test';

const GRACE_MS = 10_000;

function describeHandle(h: unknown): string {
  const name = (h as { constructor?: { name?: string } }).constructor?.name ?? typeof h;
  if (name === 'Server') {
    const address = (h as { address(): unknown }).address();
    return `Server ${JSON.stringify(address)}`;
  }
  if (name === 'ChildProcess') {
    const c = h as { pid?: number; spawnargs?: string[] };
    return `ChildProcess ${c.pid} ${(c.spawnargs ?? []).join(' ').slice(0, 200)}`;
  }
  if (name === 'Socket') {
    const s = h as { localPort?: number; remotePort?: number; remoteAddress?: string };
    return s.remotePort === undefined
      ? 'Socket (pipe)'
      : `Socket ${s.localPort} -> ${s.remoteAddress}:${s.remotePort}`;
  }
  return name;
}

// Only inside the per-file child the runner starts, never in the runner itself.
if (process.env.NODE_TEST_CONTEXT) {
  after(() => {
    setTimeout(() => {
      const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
      const lines = handles.map(describeHandle);
      process.stderr.write(
        `\nexit-guard: ${process.argv[1] ?? 'this test file'} finished its tests but did not exit within ${GRACE_MS / 1000} s.\n` +
          `Still open (close them in an after hook):\n  ${lines.join('\n  ') || process.getActiveResourcesInfo().join(', ')}\n`,
      );
      process.exit(1);
    }, GRACE_MS).unref();
  });
}
