import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isolatedEnv } from './gateway-process';
import { rawRequest, sendSigned } from './signed-request';

/**
 * moto's own server (the pyenv Python's `moto`), as an upstream nobody on this project wrote: it
 * checks SigV4 itself in its IAM auth mode, authorizes every action it works out from the request
 * against the caller's IAM policies, and records every request it receives.
 */
/** The account moto puts everything in unless told otherwise. */
export const MOTO_ACCOUNT_ID = '123456789012';

export interface Moto {
  readonly url: string;
  /** moto's default account. */
  readonly accountId: string;
  /** A user whose policy the test sets per call (`allowOnly`); the gateway's real credentials. */
  readonly gatewayUser: { accessKeyId: string; secretAccessKey: string };
  /** A user allowed everything, for the test's own calls straight to moto. */
  readonly admin: { accessKeyId: string; secretAccessKey: string };
  /** Replaces the gateway user's one policy: it may do exactly `actions` on any resource. */
  allowOnly(actions: readonly string[]): Promise<void>;
  /** Forgets what was recorded so far and records from now on. */
  startRecording(): Promise<void>;
  /** Every request moto received since `startRecording`, in order. */
  recorded(): Promise<MotoRecordedRequest[]>;
  close(): Promise<void>;
}

export interface MotoRecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Unauthenticated actions moto allows before it checks every signature: the bootstrap below. */
const BOOTSTRAP_ACTIONS = 5;

// Stays up until its stdin closes, so it never outlives the test process.
const LAUNCHER = `
import json, sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)
server.start()
print(json.dumps({'port': server.get_host_and_port()[1]}), flush=True)
sys.stdin.read()
server.stop()
`;

function launch(dir: string): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn('python3', ['-c', LAUNCHER], {
    env: isolatedEnv({
      INITIAL_NO_AUTH_ACTION_COUNT: String(BOOTSTRAP_ACTIONS),
      MOTO_ENABLE_RECORDING: 'True',
      MOTO_RECORDER_FILEPATH: join(dir, 'recording.jsonl'),
    }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`moto_server did not start: ${stderr}`)), 30_000);
    proc.on('exit', (code) => reject(new Error(`moto_server exited (${code}): ${stderr}`)));
    createInterface({ input: proc.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ proc, port: (JSON.parse(line) as { port: number }).port });
    });
  });
}

/** An IAM policy document allowing `actions` on every resource. */
function allowing(actions: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: [...actions], Resource: '*' }],
  });
}

export async function startMoto(): Promise<Moto> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-moto-'));
  const { proc, port } = await launch(dir);
  const url = `http://127.0.0.1:${port}`;
  // Anyone may act until the bootstrap's actions are used up; every later request must be signed
  // by a key moto issued, and be allowed by its owner's policies.
  const bootstrap = { accessKeyId: 'AKIDBOOTSTRAP', secretAccessKey: 'bootstrap' };
  const iam = async (creds: typeof bootstrap, params: Record<string, string>): Promise<string> => {
    const r = await sendSigned({
      endpoint: url,
      ...creds,
      service: 'iam',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
    });
    if (r.status !== 200) throw new Error(`moto iam ${params.Action}: ${r.status} ${r.body}`);
    return r.body;
  };
  const keyOf = (xml: string): { accessKeyId: string; secretAccessKey: string } => {
    const accessKeyId = /<AccessKeyId>([^<]+)</.exec(xml)?.[1];
    const secretAccessKey = /<SecretAccessKey>([^<]+)</.exec(xml)?.[1];
    if (!accessKeyId || !secretAccessKey) throw new Error(`moto CreateAccessKey gave no key: ${xml}`);
    return { accessKeyId, secretAccessKey };
  };
  await iam(bootstrap, { Action: 'CreateUser', UserName: 'admin' });
  await iam(bootstrap, {
    Action: 'PutUserPolicy',
    UserName: 'admin',
    PolicyName: 'all',
    PolicyDocument: allowing(['*']),
  });
  const admin = keyOf(await iam(bootstrap, { Action: 'CreateAccessKey', UserName: 'admin' }));
  await iam(bootstrap, { Action: 'CreateUser', UserName: 'airlock-gateway' });
  const gatewayUser = keyOf(await iam(bootstrap, { Action: 'CreateAccessKey', UserName: 'airlock-gateway' }));
  const recorder = async (path: string): Promise<void> => {
    const r = await rawRequest(url, 'POST', `/moto-api/recorder/${path}`, {}, '');
    if (r.status !== 200) throw new Error(`moto recorder ${path}: ${r.status}`);
  };
  return {
    url,
    accountId: MOTO_ACCOUNT_ID,
    gatewayUser,
    admin,
    async allowOnly(actions) {
      await iam(admin, {
        Action: 'PutUserPolicy',
        UserName: 'airlock-gateway',
        PolicyName: 'only',
        PolicyDocument: allowing(actions),
      });
    },
    async startRecording() {
      await recorder('reset-recording');
      await recorder('start-recording');
    },
    async recorded() {
      const text = await readFile(join(dir, 'recording.jsonl'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => {
          const e = JSON.parse(l) as {
            method: string;
            url: string;
            headers: Record<string, string>;
            body: string | null;
            body_encoded: boolean;
          };
          const body = Buffer.from(e.body ?? '', e.body_encoded ? 'base64' : 'utf8');
          return { method: e.method, url: e.url, headers: e.headers, body };
        });
    },
    async close() {
      proc.stdin?.end();
      if (proc.exitCode === null && proc.signalCode === null)
        await new Promise<void>((r) => {
          const timer = setTimeout(() => {
            proc.kill('SIGKILL');
            r();
          }, 5_000);
          proc.once('exit', () => {
            clearTimeout(timer);
            r();
          });
        });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
