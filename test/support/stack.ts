import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAws, type FakeAws } from '../fakes';
import { type GatewayProcess, startGatewayProcess, startTask, type StartedTask } from './gateway-process';

/** A verifying fake AWS, a gateway started through the CLI pointing at it, and one task. */
export interface Stack {
  readonly fake: FakeAws;
  readonly gw: GatewayProcess;
  readonly task: StartedTask;
  close(): Promise<void>;
}

/**
 * A workspace policy with no deny or ask rules, for suites that test the data path rather than
 * the gateway's judgement (the built-in default asks before IAM writes and data deletes, and a
 * held call would wait for a human). Returns the gateway args and a cleanup.
 */
export async function permissivePolicy(): Promise<{ args: string[]; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-policy-'));
  const file = join(dir, 'policy.json');
  await writeFile(file, JSON.stringify({ description: 'data-path tests: no deny or ask rules' }));
  return { args: ['--policy', file], cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function startStack(taskArgs: string[] = ['--name', 'integration task']): Promise<Stack> {
  const fake = await startFakeAws();
  const policy = await permissivePolicy();
  const gw = await startGatewayProcess({
    upstream: fake.url,
    credentials: fake.credentials,
    args: ['--account-id', fake.accountId, ...policy.args],
  });
  const task = await startTask(gw, taskArgs);
  // The gateway's own account lookup at start (STS GetCallerIdentity) is not what tests count.
  fake.reset();
  return {
    fake,
    gw,
    task,
    async close() {
      await gw.dispose();
      await fake.close();
      await policy.cleanup();
    },
  };
}
