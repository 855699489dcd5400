import assert from 'node:assert/strict';
import {
  startGatewayProcess,
  startTask,
  type GatewayProcess,
  type StartedTask,
} from '../support/gateway-process';
import { readJournalEvents, type LooseEvent } from '../support/journal';
import { sendSignedWithin, type SentResponse } from '../support/signed-request';
import { permissivePolicy } from '../support/stack';
import { GET_CALLER_IDENTITY } from './recording-helpers';
import { startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream';

/** A gateway (no deny or ask rules) in front of a scripted upstream, with one task. */
export interface ScriptedStack {
  readonly upstream: ScriptedUpstream;
  readonly gw: GatewayProcess;
  readonly task: StartedTask;
  close(): Promise<void>;
}

export async function startScriptedStack(gatewayFlags: string[], taskName: string): Promise<ScriptedStack> {
  const upstream = await startScriptedUpstream();
  const policy = await permissivePolicy();
  const gw = await startGatewayProcess({
    upstream: upstream.url,
    credentials: { accessKeyId: 'AKIDUPSTREAMTEST0000', secretAccessKey: 'x'.repeat(40) },
    args: ['--account-id', '123456789012', ...policy.args, ...gatewayFlags],
  });
  const task = await startTask(gw, ['--name', taskName]);
  return {
    upstream,
    gw,
    task,
    async close() {
      await gw.dispose();
      await upstream.close();
      await policy.cleanup();
    },
  };
}

/** The task's key, as its agent signs with it. */
export function taskKey(s: ScriptedStack): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!, secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY! };
}

/**
 * The recorded outcome (call.response) of the task's call to `target`. It is written as the
 * connection goes, so it may land just after the agent hears back: waited for, up to 2 s.
 */
export async function recordedOutcome(s: ScriptedStack, target: string): Promise<LooseEvent> {
  for (let i = 0; ; i++) {
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const request = events.find((e) => e.type === 'call.request' && e.data.target === target);
    const outcome = events.find((e) => e.type === 'call.response' && e.data.callId === request?.data.callId);
    if (outcome !== undefined) return outcome;
    assert.ok(i < 100, `no outcome on record for ${target}: ${JSON.stringify(events.map((e) => e.type))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The task's signed STS GetCallerIdentity; rejects when no answer comes within `boundMs`. */
export async function callStsWithin(
  s: ScriptedStack,
  boundMs: number,
  headers: Record<string, string> = {},
): Promise<SentResponse> {
  return sendSignedWithin(
    {
      endpoint: s.task.env.AWS_ENDPOINT_URL!,
      ...taskKey(s),
      ...GET_CALLER_IDENTITY,
      headers: { ...GET_CALLER_IDENTITY.headers, ...headers },
    },
    boundMs,
  );
}
