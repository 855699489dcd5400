import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isolatedEnv } from './gateway-process';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Debian's AWS CLI v2 (2.9): ignores AWS_ENDPOINT_URL, so callers pass --endpoint-url. */
export const AWS_CLI_V2 = '/usr/bin/aws';
export const hasAwsCliV2 = existsSync(AWS_CLI_V2);

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(input ?? '');
  });
}

/** The agent's shell: nothing but the task env on top of a clean environment. */
export function agentShellEnv(taskEnv: Record<string, string>): NodeJS.ProcessEnv {
  return isolatedEnv({ ...taskEnv, AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1', AWS_RETRY_MODE: 'standard' });
}

/** AWS CLI v1 from pyenv: honours AWS_ENDPOINT_URL (botocore ≥ 1.31). */
export function awsV1(args: string[], taskEnv: Record<string, string>): Promise<RunResult> {
  return run('aws', [...args, '--output', 'json'], agentShellEnv(taskEnv));
}

export function awsV2(args: string[], taskEnv: Record<string, string>): Promise<RunResult> {
  const endpoint = taskEnv.AWS_ENDPOINT_URL ?? '';
  const env = agentShellEnv(taskEnv);
  delete env.AWS_ENDPOINT_URL;
  return run(AWS_CLI_V2, [...args, '--endpoint-url', endpoint, '--output', 'json'], env);
}

/** Runs a boto3 snippet; `result` in the snippet is printed as JSON on stdout. */
export async function boto3(snippet: string, taskEnv: Record<string, string>): Promise<unknown> {
  const program = `import boto3, json, sys\nresult = None\n${snippet}\nprint(json.dumps(result, default=str))\n`;
  const r = await run('python3', ['-c', program], agentShellEnv(taskEnv));
  if (r.code !== 0) throw new Error(`boto3 failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null') as unknown;
}

/**
 * A JS SDK v3 client's settings for a task's environment: its endpoint, region and key, and one
 * attempt, so a refusal is seen as the gateway gave it rather than retried.
 */
export function sdkConfig(env: Record<string, string>): {
  endpoint: string | undefined;
  region: string | undefined;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
} {
  return {
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
    maxAttempts: 1,
  };
}
