import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { StandInServer } from '../../extension/gateway/standin-server';
import { run } from '../support/aws-clients';
import { isolatedEnv } from '../support/gateway-process';
import { freePort } from '../support/loopback';

// The real AWS CLI v1 against the stand-in that holds the gateway's port while it is down. The
// CLI's own retry settings are left at their defaults (legacy mode): that is what an agent's
// terminal has, and a retried status would make every call take seconds.
let standIn: StandInServer;
let port: number;

before(async () => {
  port = await freePort();
  standIn = new StandInServer();
  await standIn.open(port);
});
after(async () => {
  await standIn.close();
});

function terminalEnv(): NodeJS.ProcessEnv {
  const env = isolatedEnv({
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
  });
  delete env.AWS_MAX_ATTEMPTS;
  delete env.AWS_RETRY_MODE;
  return env;
}

for (const args of [
  ['sts', 'get-caller-identity'],
  ['s3', 'ls'],
  ['dynamodb', 'list-tables'],
  ['lambda', 'list-functions'],
  ['ec2', 'describe-vpcs'],
]) {
  void test(`aws ${args.join(' ')} while the gateway is down names Airlock and fails`, async () => {
    const started = Date.now();
    const r = await run('aws', args, terminalEnv());
    console.log(`aws ${args.join(' ')}: exit ${r.code} after ${Date.now() - started} ms: ${r.stderr.trim()}`);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /An error occurred \(AirlockGatewayDown\)/);
    assert.match(r.stderr, /The Airlock gateway is not running/);
    assert.match(r.stderr, /not sent to AWS/);
    assert.doesNotMatch(r.stderr, /max retries/, 'the CLI did not retry');
    assert.doesNotMatch(r.stderr, /<\?xml|__type/, 'the CLI parsed the error');
  });
}
