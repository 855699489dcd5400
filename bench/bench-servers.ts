// The processes a bench run talks to: helper servers (stubs, the plain proxy) and gateways.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type GatewayProcess, startGatewayProcess } from '../test/support/gateway-process';

/**
 * Runs a bench server script (TypeScript, through tsx) and waits for the one JSON line it prints
 * when listening: at least its port.
 */
export async function spawnBenchServer<Info extends { port: number }>(
  script: string,
  args: readonly string[] = [],
): Promise<{ info: Info; proc: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise<string>((r) => createInterface({ input: proc.stdout }).once('line', r));
    return { info: JSON.parse(line) as Info, proc };
  } catch (e) {
    proc.kill('SIGTERM');
    throw e;
  }
}

/**
 * A gateway as the extension starts it, sending every call to the stub. BENCH_PROFILE_DIR=/tmp/prof
 * writes a CPU profile of it there; BENCH_GATEWAY_NODE_ARGS adds Node flags (experiments).
 */
export function startBenchGateway(
  stubPort: number,
  realCreds: { accessKeyId: string; secretAccessKey: string },
  nodeArgs: readonly string[] = [],
  args: readonly string[] = [],
): Promise<GatewayProcess> {
  return startGatewayProcess({
    upstream: `http://127.0.0.1:${stubPort}`,
    credentials: realCreds,
    args: ['--log-level', 'warn', ...args],
    // With the gateway's runtime flags, as the extension starts it (the harness adds them).
    nodeArgs: [
      ...nodeArgs,
      ...(process.env.BENCH_PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
        : []),
      ...(process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
  });
}
