// Where the gateway's main thread spends a call at 32 connections, by pipeline stage: a gateway run
// under the V8 CPU profiler, each sample given to the innermost stage on its stack. The profiler
// slows the run, so the shares are what counts; they are scaled to the CPU per call measured
// without it. fdatasyncs in the thread pool are not on the main thread and not in the profile.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchGateway } from './bench-servers';
import { load } from './load';
import { taskSmallCall } from './signed-request';

export const STAGES = ['verify', 'identify', 'decide', 'journal', 're-sign', 'forward', 'mask'] as const;
type Stage = (typeof STAGES)[number] | 'pipeline' | 'socket-write' | 'node-http' | 'gc';

/** Function names (esbuild keeps them) that open each stage; the innermost on a stack wins. */
const MARKERS: Readonly<Record<string, Stage>> = {
  // verify: framing, SigV4 and the body hash
  checkFraming: 'verify',
  authenticate: 'verify',
  readVerifiedBody: 'verify',
  // identify: operation, ambiguity, IAM mapping
  toRequestView: 'identify',
  identify: 'identify',
  refuseAmbiguous: 'identify',
  withPayloadParams: 'identify',
  mapRequestQueueUrl: 'identify',
  mapToIam: 'identify',
  checkProxyCall: 'identify',
  // decide: policy and scope
  decideCall: 'decide',
  decide: 'decide',
  // journal: events built, sealed, written, summaries folded
  callRequestEvent: 'journal',
  recordOrRefuse: 'journal',
  recordResponse: 'journal',
  sealEvent: 'journal',
  enqueue: 'journal',
  flushLoop: 'journal',
  tellDurable: 'journal',
  // re-sign: the SigV4 of the real credentials
  // forward: the upstream request (client-side HTTP parsing runs outside it: node-http)
  forwardAndDeliver: 'forward',
  forward: 'forward',
  // mask: request params for the recording, the answer for agent and recording, its delivery
  maskEventsForRecording: 'mask',
  deliverResponse: 'mask',
  maskAnswer: 'mask',
  // everything else of the call
  handleCall: 'pipeline',
  publishCall: 'pipeline',
};
// Resigner.sign shares its name with other `sign`s: smithy's signRequest is what it runs.
const RESIGN = new Set(['signRequest', 'getSigningKey', 'createCanonicalRequest', 'getSignature']);

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
export interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Native writes: to a socket, unless the journal's flush made them. */
const WRITES = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'writeAsciiString']);

function stageOf(node: ProfileNode, parent: ReadonlyMap<number, ProfileNode>): Stage | 'idle' {
  const leaf = node.callFrame.functionName;
  if (leaf === '(idle)') return 'idle';
  if (leaf === '(garbage collector)') return 'gc';
  let write = WRITES.has(leaf);
  for (let n: ProfileNode | undefined = node; n; n = parent.get(n.id)) {
    const name = n.callFrame.functionName;
    if (write) {
      if (name !== 'flushLoop') continue;
      write = false;
    }
    if (RESIGN.has(name)) return 're-sign';
    // Own keys only: a function named `toString` must not find Object.prototype's.
    const stage = Object.hasOwn(MARKERS, name) ? MARKERS[name] : undefined;
    if (stage && n.callFrame.url.endsWith('gateway.js')) return stage;
  }
  return write ? 'socket-write' : 'node-http';
}

/** Main-thread CPU shares by stage from one profile (idle excluded). */
export function splitProfile(p: Profile): Record<Stage, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, ProfileNode>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const time = new Map<number, number>();
  p.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const out: Record<Stage, number> = {
    verify: 0,
    identify: 0,
    decide: 0,
    journal: 0,
    're-sign': 0,
    forward: 0,
    mask: 0,
    pipeline: 0,
    'socket-write': 0,
    'node-http': 0,
    gc: 0,
  };
  let busy = 0;
  for (const [id, t] of time) {
    const node = byId.get(id);
    if (!node) continue;
    const stage = stageOf(node, parent);
    if (stage === 'idle') continue;
    out[stage] += t;
    busy += t;
  }
  for (const k of Object.keys(out) as Stage[]) out[k] = busy > 0 ? out[k] / busy : 0;
  return out;
}

/**
 * A profiled gateway serving `n` calls at 32 connections; the shares scaled to `cpuUsPerCall`
 * (measured unprofiled) give µs per call per stage.
 */
export async function stageSplit(
  stubPort: number,
  realCreds: { accessKeyId: string; secretAccessKey: string },
  n: number,
  cpuUsPerCall: number,
): Promise<{ usPerCall: Record<string, number>; share: Record<string, number>; note: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'));
  const gw = await startBenchGateway(stubPort, realCreds, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  try {
    const { r } = await taskSmallCall(gw, 'bench-profile');
    await load(r, n, 32);
  } finally {
    await gw.dispose();
  }
  try {
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('the profiled gateway wrote no profile');
    const share = splitProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile);
    const usPerCall: Record<string, number> = {};
    const rounded: Record<string, number> = {};
    for (const [k, v] of Object.entries(share)) {
      usPerCall[k] = Math.round(v * cpuUsPerCall);
      rounded[k] = +v.toFixed(3);
    }
    return {
      usPerCall,
      share: rounded,
      note: 'main-thread CPU by the innermost stage on each profiled stack (bench/stage-split.ts), scaled to the unprofiled CPU per call (all threads); socket-write = native writes to sockets wherever made, node-http = Node HTTP server/client work outside the stages, pipeline = the rest of handleCall',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
