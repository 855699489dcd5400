import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../fakes';
import {
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';
import type { ApprovalInfo, GatewayEvent } from '../../gateway/protocol';

export const TRUST_LAMBDA = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export interface ApprovalStack {
  readonly fake: FakeAws;
  readonly gw: GatewayProcess;
  readonly task: StartedTask;
  /** Pending approvals straight from the control API (tests poll it; users run `airlock approvals`). */
  pending(): Promise<ApprovalInfo[]>;
  /** Resolves with the first pending approval matching `pred`, polling until it appears. */
  waitForPending(pred?: (a: ApprovalInfo) => boolean): Promise<ApprovalInfo>;
  /** Decides through the control API directly (quicker than spawning the CLI, for short timeouts). */
  decide(approvalId: string, decision: 'approve-once' | 'approve-for-task' | 'deny'): Promise<number>;
  /** Counts upstream calls of one operation (what actually reached "AWS"). */
  upstreamCount(operation: string): number;
  close(): Promise<void>;
}

export async function controlFetch(gw: GatewayProcess, path: string, init?: RequestInit): Promise<Response> {
  const token = (await readFile(join(gw.dataDir, 'control-token'), 'utf8')).trim();
  return fetch(`http://127.0.0.1:${gw.port}/_airlock/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
}

/** Something between the gateway and the fake (an upstream hop), closed with the stack. */
export interface UpstreamHop {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A verifying fake AWS and a gateway with the given extra args (policy, timeout), plus one task;
 * `hop` puts an upstream hop of the test's own between them; `fakeOptions` go to the fake.
 */
export async function startApprovalStack(
  gatewayArgs: string[] = [],
  taskArgs: string[] = ['--name', 'approvals task'],
  hop?: (fakeUrl: string) => Promise<UpstreamHop>,
  fakeOptions: FakeAwsOptions = {},
): Promise<ApprovalStack> {
  const fake = await startFakeAws(fakeOptions);
  const between = hop ? await hop(fake.url) : undefined;
  const gw = await startGatewayProcess({
    upstream: between?.url ?? fake.url,
    credentials: fake.credentials,
    args: ['--account-id', fake.accountId, ...gatewayArgs],
  });
  const task = await startTask(gw, taskArgs);
  const pending = async (): Promise<ApprovalInfo[]> => {
    const r = await controlFetch(gw, '/approvals');
    return ((await r.json()) as { approvals: ApprovalInfo[] }).approvals;
  };
  return {
    fake,
    gw,
    task,
    pending,
    async waitForPending(pred = () => true) {
      for (let i = 0; i < 600; i++) {
        const found = (await pending()).find(pred);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no matching pending approval appeared; gateway log:\n${gw.stderr()}`);
    },
    async decide(approvalId, decision) {
      const r = await controlFetch(gw, `/approvals/${approvalId}/decide`, {
        method: 'POST',
        body: JSON.stringify({ decision, decidedBy: 'test' }),
      });
      return r.status;
    },
    upstreamCount: (operation) =>
      fake.received.filter((c) => c.operation === operation && c.backendReached).length,
    async close() {
      await gw.dispose();
      await between?.close();
      await fake.close();
    },
  };
}

/** Follows `GET /events` and collects what arrives until `stop()`. */
export async function followEvents(gw: GatewayProcess): Promise<{
  events: GatewayEvent[];
  next(pred: (e: GatewayEvent) => boolean): Promise<GatewayEvent>;
  stop(): void;
}> {
  const abort = new AbortController();
  const res = await controlFetch(gw, '/events', { signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`GET /events answered ${res.status}`);
  const events: GatewayEvent[] = [];
  const waiters: Array<{ pred: (e: GatewayEvent) => boolean; resolve: (e: GatewayEvent) => void }> = [];
  const body = res.body;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (data === '') continue;
          const ev = JSON.parse(data) as GatewayEvent;
          events.push(ev);
          for (const w of [...waiters]) {
            if (w.pred(ev)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(ev);
            }
          }
        }
      }
    } catch {
      // Aborted by stop().
    }
  })();
  return {
    events,
    next(pred) {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    stop: () => abort.abort(),
  };
}
