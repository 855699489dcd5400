// Helpers for the proxy-mode suites (test/integration/proxy-*.test.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAws, type FakeAws } from '../fakes';
import { AWS_CLI_V2, agentShellEnv, run, type RunResult } from '../support/aws-clients';
import { permissivePolicy } from '../support/stack';
import {
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';

/** An HTTPS verifying fake, a gateway trusting it through --upstream-ca, and one task. */
export interface ProxyStack {
  readonly fake: FakeAws;
  readonly gw: GatewayProcess;
  readonly task: StartedTask;
  close(): Promise<void>;
}

export async function startProxyStack(opts: { gatewayArgs?: string[] } = {}): Promise<ProxyStack> {
  const fake = await startFakeAws({ tls: true });
  const dir = await mkdtemp(join(tmpdir(), 'airlock-proxy-ca-'));
  const caFile = join(dir, 'fake-ca.pem');
  await writeFile(caFile, fake.caPem ?? '');
  // The data path under test, not the gateway's judgement: no ask rule holds a call for a human.
  const policy = await permissivePolicy();
  let gw: GatewayProcess | undefined;
  try {
    gw = await startGatewayProcess({
      upstream: fake.url,
      credentials: fake.credentials,
      args: [
        '--account-id',
        fake.accountId,
        '--upstream-ca',
        caFile,
        ...policy.args,
        ...(opts.gatewayArgs ?? []),
      ],
    });
    const task = await startTask(gw, ['--name', 'proxy task']);
    // The gateway's own account lookup at start (STS GetCallerIdentity) is not what tests count.
    fake.reset();
    const started = gw;
    return {
      fake,
      gw: started,
      task,
      async close() {
        await started.dispose();
        await fake.close();
        await rm(dir, { recursive: true, force: true });
        await policy.cleanup();
      },
    };
  } catch (e) {
    await gw?.dispose();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
    await policy.cleanup();
    throw e;
  }
}

/** The agent's shell in proxy mode: the task env without AWS_ENDPOINT_URL. */
export function proxyShellEnv(taskEnv: Record<string, string>): NodeJS.ProcessEnv {
  const env = agentShellEnv(taskEnv);
  delete env.AWS_ENDPOINT_URL;
  return env;
}

/** Debian's AWS CLI 2.9, exactly as an agent would run it: no --endpoint-url. */
export function awsV2Proxy(args: string[], taskEnv: Record<string, string>): Promise<RunResult> {
  return run(AWS_CLI_V2, [...args, '--output', 'json'], proxyShellEnv(taskEnv));
}

/** A boto3 snippet with AWS_ENDPOINT_URL unset; `result` is printed as JSON. */
export async function boto3Proxy(snippet: string, taskEnv: Record<string, string>): Promise<unknown> {
  const program = `import boto3, json, sys\nresult = None\n${snippet}\nprint(json.dumps(result, default=str))\n`;
  const r = await run('python3', ['-c', program], proxyShellEnv(taskEnv));
  if (r.code !== 0) throw new Error(`boto3 failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null') as unknown;
}

/** Resolves once the socket is closed by the other side (or errors). */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.resume();
  });
}
