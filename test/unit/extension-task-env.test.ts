import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gatewayArgs, gatewayEnv } from '../../extension/gateway/gateway-args';
import { GATEWAY_NODE_FLAGS } from '../../gateway/server/runtime-flags';
import { readPolicy } from '../../extension/policy/policy-file';
import {
  collectionPlan,
  describeCollection,
  rebaseEnv,
  routedEnv,
  terminalEnv,
} from '../../extension/tasks/task-env';
import { REAL_CREDENTIAL_VARIABLES } from '../../gateway/control/agent-env';

const ENV = {
  AWS_ENDPOINT_URL: 'http://127.0.0.1:4000',
  HTTPS_PROXY: 'http://127.0.0.1:4000',
  AWS_CA_BUNDLE: '/data/ca.pem',
  AWS_ACCESS_KEY_ID: 'AKTASK',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'eu-west-1',
};

void test('routing modes drop the variables of the mode that is off', () => {
  assert.deepEqual(Object.keys(routedEnv(ENV, ['endpoint'])).sort(), [
    'AWS_ACCESS_KEY_ID',
    'AWS_ENDPOINT_URL',
    'AWS_REGION',
    'AWS_SECRET_ACCESS_KEY',
  ]);
  assert.ok(!('AWS_ENDPOINT_URL' in routedEnv(ENV, ['proxy'])));
  assert.equal(routedEnv(ENV, ['proxy']).HTTPS_PROXY, ENV.HTTPS_PROXY);
});

void test('the collection blanks real-credential variables but never a profile (botocore fails on AWS_PROFILE="")', () => {
  const plan = collectionPlan(ENV, REAL_CREDENTIAL_VARIABLES, { AWS_PROFILE: 'prod' });
  assert.deepEqual(plan.replace, ENV);
  assert.ok(
    plan.blanked.includes('AWS_SESSION_TOKEN') && plan.blanked.includes('AWS_WEB_IDENTITY_TOKEN_FILE'),
  );
  assert.ok(!plan.blanked.includes('AWS_PROFILE') && !plan.blanked.includes('AWS_DEFAULT_PROFILE'));
  assert.deepEqual(plan.keptProfile, ['AWS_PROFILE']);
  const text = describeCollection('Workspace: app', plan);
  assert.match(text, /Workspace: app/);
  assert.match(text, /empties .*AWS_SESSION_TOKEN/);
  assert.match(text, /AWS_PROFILE is set in VS Code's environment/);
  assert.deepEqual(collectionPlan(ENV, REAL_CREDENTIAL_VARIABLES, {}).keptProfile, []);
});

void test('a task terminal gets the editor env without real credentials or extension-host plumbing, plus the task', () => {
  const env = terminalEnv(
    {
      PATH: '/bin',
      AWS_PROFILE: 'prod',
      AWS_ACCESS_KEY_ID: 'AKREAL',
      VSCODE_IPC_HOOK: 'x',
      ELECTRON_RUN_AS_NODE: '1',
    },
    ENV,
    REAL_CREDENTIAL_VARIABLES,
  );
  assert.equal(env.PATH, '/bin');
  assert.equal(env.AWS_ACCESS_KEY_ID, 'AKTASK');
  assert.ok(!('AWS_PROFILE' in env) && !('VSCODE_IPC_HOOK' in env) && !('ELECTRON_RUN_AS_NODE' in env));
});

void test('rebaseEnv moves gateway URLs to the new port and nothing else', () => {
  const env = rebaseEnv(ENV, 5123);
  assert.equal(env.AWS_ENDPOINT_URL, 'http://127.0.0.1:5123');
  assert.equal(env.HTTPS_PROXY, 'http://127.0.0.1:5123');
  assert.equal(env.AWS_CA_BUNDLE, ENV.AWS_CA_BUNDLE);
});

void test('gateway flags are passed only for settings that differ from the defaults', () => {
  const defaults = {
    region: '',
    profile: '',
    upstreamUrl: '',
    accountId: '',
    approvalTimeoutSeconds: null,
    retentionDays: 0,
    logLevel: 'info' as const,
  };
  assert.deepEqual(gatewayArgs(defaults, undefined), []);
  assert.deepEqual(
    gatewayArgs(
      {
        ...defaults,
        region: 'eu-west-1',
        profile: 'dev',
        approvalTimeoutSeconds: 90,
        retentionDays: 30,
        syncResponses: true,
      },
      '/w/.airlock/policy.json',
    ),
    [
      '--region',
      'eu-west-1',
      '--profile',
      'dev',
      '--policy',
      '/w/.airlock/policy.json',
      '--approval-timeout',
      '90s',
      '--retention-days',
      '30',
      '--sync-responses',
    ],
  );
  // The runtime flags the gateway starts with are ones Node accepts (a typo would stop every start).
  const run = spawnSync(process.execPath, [...GATEWAY_NODE_FLAGS, '-e', '0']);
  assert.equal(run.status, 0, String(run.stderr));
  // OIDC settings (all three) replace the profile: the gateway refuses both at once.
  assert.deepEqual(
    gatewayArgs(
      {
        ...defaults,
        profile: 'dev',
        oidcIssuer: 'https://idp.example',
        oidcClientId: 'airlock',
        oidcRoleArn: 'arn:aws:iam::123456789012:role/a',
      },
      undefined,
    ),
    [
      '--oidc-issuer',
      'https://idp.example',
      '--oidc-client-id',
      'airlock',
      '--oidc-role-arn',
      'arn:aws:iam::123456789012:role/a',
      '--report-refresh-tokens',
    ],
  );
  assert.deepEqual(
    gatewayArgs({ ...defaults, profile: 'dev', oidcIssuer: 'https://idp.example' }, undefined),
    ['--profile', 'dev'],
  );
  const env = gatewayEnv({ PATH: '/bin', VSCODE_PID: '1' });
  assert.equal(env.ELECTRON_RUN_AS_NODE, '1');
  assert.ok(!('VSCODE_PID' in env));
});

void test('readPolicy gives the scope templates, and says what is wrong with a broken file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-policy-'));
  try {
    const file = join(dir, 'policy.json');
    assert.deepEqual(await readPolicy(file), { kind: 'missing' });
    await writeFile(
      file,
      '{ "scopeTemplates": { "read-only": { "Statement": [] } }, "approvalTimeoutSeconds": 60 }',
    );
    const ok = await readPolicy(file);
    assert.ok(ok.kind === 'ok');
    assert.deepEqual(ok.templates, [{ name: 'read-only', document: { Statement: [] } }]);
    assert.equal(ok.approvalTimeoutSeconds, 60);
    await writeFile(file, '{ "scopeTemplates": [] }');
    assert.equal((await readPolicy(file)).kind, 'invalid');
    await writeFile(file, '{ nope');
    const bad = await readPolicy(file);
    assert.ok(bad.kind === 'invalid' && /JSON/.test(bad.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
