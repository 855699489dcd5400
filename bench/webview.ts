/**
 * Timeline benchmark: a generated 100,000-event task loaded into the built webview (dist/webview)
 * in headless Chromium, through a host page that plays the extension's part over postMessage.
 * Measures first paint (from `init` until the list shows every call) and filter time (from a
 * filter change until the filtered list is painted). Needs `npm run build:webview` first.
 */
import { launchChromium, openHostPage, startHostServer } from './webview-host';

export interface WebviewBench {
  readonly events: number;
  readonly calls: number;
  /** init + all events posted (in host-sized batches) → list painted with every call counted. */
  readonly firstPaintMs: number;
  /** init → first rows painted (the first batch). */
  readonly firstRowsMs: number;
  /** Median over runs: typing a search, choosing a decision. */
  readonly filterMs: { readonly search: number; readonly decision: number; readonly clear: number };
  readonly rowsInDom: number;
  readonly heapMb?: number;
  readonly targets: {
    readonly firstPaintMs: { readonly target: string; readonly met: boolean };
    readonly filterMs: { readonly target: string; readonly met: boolean };
  };
}

/** The probes the host page loads (bench/webview-probe.ts as `AirlockBench`). */
interface PageProbes {
  AirlockBench: typeof import('./webview-probe');
}

const EVENTS = Number(process.env.BENCH_WEBVIEW_EVENTS ?? 100_000);
/** What the extension host sends per `events` message. */
const BATCH = 5000;
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return +(s[Math.floor(s.length / 2)] ?? NaN).toFixed(1);
}

export async function benchWebview(): Promise<WebviewBench> {
  const server = await startHostServer();
  const browser = await launchChromium();
  try {
    const page = await openHostPage(browser, server, {
      theme: 'dark',
      surface: 'panel',
      width: 1360,
      height: 820,
    });
    // Generated in the page, outside the measurement: only delivery, ingestion and rendering count.
    await page.evaluate(
      (n) => (globalThis as unknown as PageProbes).AirlockBench.prepare('t-bench', n, 42),
      EVENTS,
    );
    const load = await page.evaluate(
      (batch) => (globalThis as unknown as PageProbes).AirlockBench.measureLoad('t-bench', batch),
      BATCH,
    );
    const filterOnce = (selector: string, value: string, type: 'input' | 'change'): Promise<number> =>
      page.evaluate(
        ([s, v, t]) => (globalThis as unknown as PageProbes).AirlockBench.measureFilter(s, v, t),
        [selector, value, type] as const,
      );
    const search: number[] = [];
    const decision: number[] = [];
    const clear: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      search.push(
        await filterOnce('vscode-textfield.search', i % 2 ? 'orders exports' : 'terminateinstances', 'input'),
      );
      clear.push(await filterOnce('vscode-textfield.search', '', 'input'));
      decision.push(
        await filterOnce(
          'vscode-single-select[aria-label="Decision"]',
          i % 2 ? 'approved' : 'denied',
          'change',
        ),
      );
      clear.push(await filterOnce('vscode-single-select[aria-label="Decision"]', 'all', 'change'));
    }
    const filterMs = { search: median(search), decision: median(decision), clear: median(clear) };
    const worstFilter = Math.max(filterMs.search, filterMs.decision, filterMs.clear);
    const firstPaintMs = +load.firstPaintMs.toFixed(1);
    return {
      events: EVENTS,
      calls: load.calls,
      firstPaintMs,
      firstRowsMs: +load.firstRowsMs.toFixed(1),
      filterMs,
      rowsInDom: load.rowsInDom,
      ...(load.heapMb === undefined ? {} : { heapMb: load.heapMb }),
      targets: {
        firstPaintMs: { target: '<= 1000', met: firstPaintMs <= 1000 },
        filterMs: { target: '<= 100', met: worstFilter <= 100 },
      },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
