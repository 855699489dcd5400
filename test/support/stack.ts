import { startFakeAws, type FakeAws } from '../fakes';
import { type GatewayProcess, startGatewayProcess, startTask, type StartedTask } from './gateway-process';

/** A verifying fake AWS, a gateway started through the CLI pointing at it, and one task. */
export interface Stack {
  readonly fake: FakeAws;
  readonly gw: GatewayProcess;
  readonly task: StartedTask;
  close(): Promise<void>;
}

export async function startStack(taskArgs: string[] = ['--name', 'integration task']): Promise<Stack> {
  const fake = await startFakeAws();
  const gw = await startGatewayProcess({
    upstream: fake.url,
    credentials: fake.credentials,
    args: ['--account-id', fake.accountId],
  });
  const task = await startTask(gw, taskArgs);
  return {
    fake,
    gw,
    task,
    async close() {
      await gw.dispose();
      await fake.close();
    },
  };
}
