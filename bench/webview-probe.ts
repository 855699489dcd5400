/**
 * Runs inside the benchmark's browser page (bundled by webview-host.ts as `AirlockBench`): the
 * event generator and the timing probes, kept out of `page.evaluate` bodies so they are plain
 * browser code. Type-checked without the DOM library, hence the small interfaces.
 */
import { generateEvents } from './webview-events';
import type { HostCommand } from './webview-host-worker';

export { generateEvents };

interface HostWorker {
  onmessage: ((e: { data: unknown }) => void) | null;
  postMessage(m: HostCommand): void;
}

interface ProbeElement {
  textContent: string | null;
  value?: string;
  dispatchEvent(e: unknown): boolean;
}
interface ProbeGlobals {
  document: {
    querySelector(s: string): ProbeElement | null;
    querySelectorAll(s: string): { length: number };
  };
  performance: { now(): number; memory?: { usedJSHeapSize: number } };
  requestAnimationFrame(cb: () => void): number;
  setTimeout(cb: () => void, ms?: number): unknown;
  postMessage(m: unknown, o: string): void;
  Event: new (type: string) => unknown;
  MessageEvent: new (type: string, init: { data: unknown }) => unknown;
  Worker: new (url: string) => HostWorker;
  dispatchEvent(e: unknown): boolean;
  location: { origin: string };
}

const g = globalThis as unknown as ProbeGlobals;
let worker: HostWorker | undefined;
let calls = 0;

/** After the next frame is painted. */
function painted(): Promise<void> {
  return new Promise((r) => g.requestAnimationFrame(() => g.setTimeout(r, 0)));
}

function rows(): number {
  return g.document.querySelectorAll('.calls [role="option"]').length;
}

function shown(): string {
  return g.document.querySelector('.filters .shown')?.textContent?.trim() ?? '';
}

/** Starts the host worker and has it generate the session (outside any measurement). */
export function prepare(taskId: string, events: number, seed: number): Promise<number> {
  const w = new g.Worker(`${g.location.origin}/bench/host-worker.js`);
  worker = w;
  return new Promise((resolve) => {
    w.onmessage = (e) => {
      const data = e.data as { prepared?: { calls: number } };
      if (data.prepared) {
        calls = data.prepared.calls;
        // From now on the worker speaks for the host: relay as VS Code's webview frame does.
        w.onmessage = (m) => g.dispatchEvent(new g.MessageEvent('message', { data: m.data }));
        resolve(calls);
      }
    };
    w.postMessage({ prepare: { taskId, events, seed } });
  });
}

export interface LoadResult {
  calls: number;
  firstPaintMs: number;
  firstRowsMs: number;
  rowsInDom: number;
  heapMb?: number;
}

export async function measureLoad(taskId: string, batch: number): Promise<LoadResult> {
  if (!worker) throw new Error('prepare first');
  const want = `${calls.toLocaleString('en-US')} calls`;
  const t0 = g.performance.now();
  worker.postMessage({ go: { taskId, batch } });
  let firstRowsMs = NaN;
  for (;;) {
    await painted();
    if (Number.isNaN(firstRowsMs) && rows() > 0) firstRowsMs = g.performance.now() - t0;
    if (shown() === want && rows() > 0) break;
  }
  const firstPaintMs = g.performance.now() - t0;
  const heap = g.performance.memory?.usedJSHeapSize;
  return {
    calls,
    firstPaintMs,
    firstRowsMs,
    rowsInDom: rows(),
    heapMb: heap === undefined ? undefined : Math.round(heap / 1048576),
  };
}

/** Sets a filter control as a user would and times until the filtered list is painted. */
export async function measureFilter(
  selector: string,
  value: string,
  type: 'input' | 'change',
): Promise<number> {
  const el = g.document.querySelector(selector);
  if (!el) throw new Error(`no ${selector}`);
  const before = shown();
  const t0 = g.performance.now();
  el.value = value;
  el.dispatchEvent(new g.Event(type));
  await painted();
  const ms = g.performance.now() - t0;
  if (shown() === before) throw new Error(`${selector} = "${value}" changed nothing`);
  return ms;
}
