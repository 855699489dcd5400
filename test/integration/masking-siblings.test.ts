import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeAws, type FakeAws } from '../fakes';
import type { StubResponse } from '../fakes/types';
import { awsV1 } from '../support/aws-clients';
import { permissivePolicy } from '../support/stack';
import { assertNoCanaries, canary } from './masking-cases';
import { type RawGateway, spawnGateway, startTaskIn } from './recording-helpers';

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };

/**
 * A secret the catalogue masks in one place, read through another: a sibling operation answering
 * with the same structure, a member carrying another service's raw answer, or an operation whose
 * credentials the catalogue did not name. Each is asked for the way an agent would (AWS CLI v1),
 * answered as AWS answers it, and its canary looked for in what the agent received, the journal,
 * the call index, an exported bundle and the gateway's log.
 */
void describe('masking: the same secret through a sibling operation (real process, AWS CLI v1)', () => {
  let fake: FakeAws;
  let gw: RawGateway;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let task: { taskId: string; env: Record<string, string> };
  let current: StubResponse | undefined;
  const agentSaw: string[] = [];
  const canaries: string[] = [];
  const planted = (): string => {
    const c = canary();
    canaries.push(c);
    return c;
  };

  before(async () => {
    fake = await startFakeAws({ canned: () => current });
    dataDir = await mkdtemp(join(tmpdir(), 'airlock-siblings-'));
    const policy = await permissivePolicy();
    cleanup = policy.cleanup;
    gw = await spawnGateway({
      dataDir,
      upstream: fake.url,
      credentials: fake.credentials,
      args: policy.args,
    });
    task = await startTaskIn(dataDir, 'sibling operations');
  });
  after(async () => {
    await gw.stop();
    await fake.close();
    await cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Runs the CLI against a canned answer; the agent must get it (masked), not a refusal. */
  async function agent(args: string[], answer: StubResponse): Promise<string> {
    current = answer;
    const r = await awsV1(args, task.env).finally(() => (current = undefined));
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    agentSaw.push(r.stdout, r.stderr);
    assert.match(r.stdout, /«airlock:masked:/, `${args.join(' ')} shows no placeholder`);
    for (const c of canaries) assert.ok(!r.stdout.includes(c), `${args.join(' ')} leaked ${c}`);
    return r.stdout;
  }

  void test('ssm GetParameter of a Secrets Manager reference: its SourceResult holds the SecretString', async () => {
    const secret = planted();
    const source = JSON.stringify({
      ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
      Name: 'db',
      SecretString: secret,
      VersionStages: ['AWSCURRENT'],
    });
    await agent(['ssm', 'get-parameter', '--name', '/aws/reference/secretsmanager/db', '--with-decryption'], {
      status: 200,
      headers: JSON_11,
      body: JSON.stringify({
        Parameter: {
          Name: '/aws/reference/secretsmanager/db',
          Type: 'SecureString',
          Value: secret,
          Version: 0,
          SourceResult: source,
        },
      }),
    });
  });

  void test('lambda UpdateFunctionCode (a dry run) answers with the environment GetFunction masks', async () => {
    const zip = join(dataDir, 'f.zip');
    await writeFile(zip, Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'latin1'));
    const out = await agent(
      ['lambda', 'update-function-code', '--function-name', 'f', '--zip-file', `fileb://${zip}`, '--dry-run'],
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          FunctionName: 'f',
          Runtime: 'nodejs20.x',
          Environment: { Variables: { DB_PASSWORD: planted() } },
        }),
      },
    );
    assert.match(out, /"DB_PASSWORD": "«airlock:masked:lambda:DB_PASSWORD:/);
  });

  void test('codepipeline PollForJobs hands out artifact credentials', async () => {
    await agent(
      [
        'codepipeline',
        'poll-for-jobs',
        '--action-type-id',
        'category=Build,owner=Custom,provider=canary,version=1',
      ],
      {
        status: 200,
        headers: JSON_11,
        body: JSON.stringify({
          jobs: [
            {
              id: 'j-1',
              nonce: '1',
              accountId: '123456789012',
              data: {
                artifactCredentials: {
                  accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
                  secretAccessKey: planted(),
                  sessionToken: planted(),
                },
              },
            },
          ],
        }),
      },
    );
  });

  void test('cognito-idp DescribeUserPoolClient carries the app client secret', async () => {
    await agent(
      ['cognito-idp', 'describe-user-pool-client', '--user-pool-id', 'us-east-1_abc', '--client-id', 'c1'],
      {
        status: 200,
        headers: JSON_11,
        body: JSON.stringify({
          UserPoolClient: {
            UserPoolId: 'us-east-1_abc',
            ClientId: 'c1',
            ClientName: 'web',
            ClientSecret: planted(),
          },
        }),
      },
    );
  });

  void test('iam CreateVirtualMFADevice answers with the MFA seed (the CLI writes it to a file)', async () => {
    const seed = planted();
    const outfile = join(dataDir, 'mfa-seed.txt');
    current = {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body:
        '<CreateVirtualMFADeviceResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateVirtualMFADeviceResult><VirtualMFADevice>' +
        `<SerialNumber>arn:aws:iam::123456789012:mfa/canary</SerialNumber><Base32StringSeed>${Buffer.from(seed).toString('base64')}</Base32StringSeed>` +
        '</VirtualMFADevice></CreateVirtualMFADeviceResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></CreateVirtualMFADeviceResponse>',
    };
    const r = await awsV1(
      [
        'iam',
        'create-virtual-mfa-device',
        '--virtual-mfa-device-name',
        'canary',
        '--outfile',
        outfile,
        '--bootstrap-method',
        'Base32StringSeed',
      ],
      task.env,
    ).finally(() => (current = undefined));
    assert.equal(r.code, 0, r.stderr);
    const written = await readFile(outfile, 'utf8');
    agentSaw.push(r.stdout, r.stderr, written);
    assert.match(written, /^«airlock:masked:iam:Base32StringSeed:[0-9a-f]{12}»$/);
  });

  void test('ssm PutParameter overwriting a SecureString without naming its Type', async () => {
    const value = planted();
    current = { status: 200, headers: JSON_11, body: JSON.stringify({ Version: 2, Tier: 'Standard' }) };
    const r = await awsV1(
      ['ssm', 'put-parameter', '--name', '/prod/db', '--value', value, '--overwrite'],
      task.env,
    ).finally(() => (current = undefined));
    assert.equal(r.code, 0, r.stderr);
    agentSaw.push(r.stdout, r.stderr);
  });

  void test('none of it in the journal, the call index, a bundle or the gateway log', async () => {
    assert.equal(canaries.length, 7);
    await assertNoCanaries({ dataDir, gw, taskId: task.taskId, agentSaw, canaries });
  });
});
