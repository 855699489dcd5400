// `npm run bench`: prints one JSON document of side-by-side measurements (never asserted in tests).
import { benchAllocations } from './allocations';
import { decisionBench } from './decision';
import { benchGateway } from './gateway-bench';
import { recordingBench } from './recording';
import { reviewBench } from './review';
import { storeBench } from './store';
import { benchUpstreamClient } from './upstream-client';
import { benchWebview } from './webview';

/** `npm run bench -- gateway` (or any of the part names) runs only those parts; none: all. */
const parts = process.argv.slice(2);
const wanted = (part: string): boolean => parts.length === 0 || parts.includes(part);

async function main(): Promise<void> {
  // CPU-only, before any server runs: policy + scope decision time next to iam-simulate.
  const decision = wanted('decision') ? await decisionBench() : undefined;
  // CPU and disk only: export and verify of a 100,000-event task, bundle size, index build.
  const recording = wanted('recording') ? await recordingBench() : undefined;
  // Queries over a 1,000,000-call store (issue 12): each query a process of its own.
  const store = wanted('store') ? await storeBench() : undefined;
  // CPU and disk only: review, policy suggestion and what-if over a 100,000-call task.
  const review = wanted('review') ? await reviewBench() : undefined;
  // The timeline in headless Chromium, also before the gateway runs (both cores free).
  const webview = wanted('webview') ? await benchWebview() : undefined;
  const gateway = wanted('gateway') ? await benchGateway() : undefined;
  // The upstream leg alone: node:http (what the gateway uses) against undici's Pool.
  const upstreamClient = wanted('upstream-client') ? await benchUpstreamClient() : undefined;
  // What a call allocates in the gateway, by stage (what its GC pays for).
  const allocations = wanted('allocations') ? await benchAllocations() : undefined;
  const machine = { node: process.version, cpus: (await import('node:os')).cpus().length };
  process.stdout.write(
    JSON.stringify(
      { gateway, upstreamClient, allocations, decision, recording, store, review, webview, machine },
      null,
      2,
    ) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
