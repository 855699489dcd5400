import {
  startGatewayProcess,
  startTask,
  type GatewayProcess,
  type StartedTask,
} from '../support/gateway-process';
import { sendSigned, type SentResponse } from '../support/signed-request';
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

/** The task's signed STS GetCallerIdentity; rejects when no answer comes within `boundMs`. */
export async function callStsWithin(
  s: ScriptedStack,
  boundMs: number,
  headers: Record<string, string> = {},
): Promise<SentResponse> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    sendSigned({
      endpoint: s.task.env.AWS_ENDPOINT_URL!,
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
      ...GET_CALLER_IDENTITY,
      headers: { ...GET_CALLER_IDENTITY.headers, ...headers },
    }),
    new Promise<SentResponse>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${boundMs} ms`)), boundMs);
    }),
  ]).finally(() => clearTimeout(timer));
}
