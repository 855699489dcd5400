import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { awsModel } from '../../gateway/aws/model';
import { CATALOGUE, maskBody, Placeholders, PLACEHOLDER_PATTERN } from '../../gateway/masking';
import { master, ph, plan } from './support/mask-plan';

void describe('masking: built-in catalogue over JSON bodies', () => {
  void test('GetSecretValue: SecretString masked for agent and recording; other bytes untouched', () => {
    const body =
      '{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf","Name":"db",' +
      '"SecretString":"hunter2-canary","VersionStages":["AWSCURRENT"],"CreatedDate":1.700000000123E9}';
    const r = maskBody(body, 'json', plan('secretsmanager', 'GetSecretValue'), ph);
    assert.equal(r.readAs, 'json');
    assert.ok(!r.agent.includes('hunter2-canary') && !r.record.includes('hunter2-canary'));
    const parsed = JSON.parse(r.agent) as Record<string, unknown>;
    assert.match(String(parsed.SecretString), /^«airlock:masked:secretsmanager:SecretString:[0-9a-f]{12}»$/);
    // Everything else is byte-identical (the number keeps its exact spelling).
    assert.equal(r.agent.replace(/"SecretString":"[^"]*"/, ''), body.replace(/"SecretString":"[^"]*"/, ''));
    assert.deepEqual(r.masked, [{ where: 'response', field: 'SecretString', source: 'catalogue', count: 1 }]);
  });

  void test('placeholders: same secret → same tag within a task, different across tasks and secrets', () => {
    const p = plan('secretsmanager', 'GetSecretValue');
    const a1 = maskBody('{"SecretString":"s-A"}', 'json', p, ph).agent;
    const a2 = maskBody('{"SecretString":"s-A"}', 'json', p, ph).agent;
    const b = maskBody('{"SecretString":"s-B"}', 'json', p, ph).agent;
    const other = maskBody('{"SecretString":"s-A"}', 'json', p, Placeholders.forTask(master, 't-two')).agent;
    assert.equal(a1, a2);
    assert.notEqual(a1, b);
    assert.notEqual(a1, other);
  });

  void test('SecretBinary and KMS Plaintext: the agent gets base64 of the placeholder, so SDKs still decode', () => {
    const secret = Buffer.from('binary-canary').toString('base64');
    const r = maskBody(`{"SecretBinary":"${secret}"}`, 'json', plan('secretsmanager', 'GetSecretValue'), ph);
    const agentValue = (JSON.parse(r.agent) as { SecretBinary: string }).SecretBinary;
    assert.match(Buffer.from(agentValue, 'base64').toString(), PLACEHOLDER_PATTERN);
    assert.match((JSON.parse(r.record) as { SecretBinary: string }).SecretBinary, PLACEHOLDER_PATTERN);
    const k = maskBody(`{"KeyId":"k","Plaintext":"${secret}"}`, 'json', plan('kms', 'Decrypt'), ph);
    assert.ok(!k.agent.includes(secret) && k.agent.includes('"KeyId":"k"'));
  });

  void test('BatchGetSecretValue masks every list element', () => {
    const body =
      '{"SecretValues":[{"Name":"a","SecretString":"one-canary"},{"Name":"b","SecretString":"two-canary"}]}';
    const r = maskBody(body, 'json', plan('secretsmanager', 'BatchGetSecretValue'), ph);
    assert.ok(!/canary/.test(r.agent));
    assert.deepEqual(r.masked, [
      { where: 'response', field: 'SecretValues.SecretString', source: 'catalogue', count: 2 },
    ]);
  });

  void test('SSM: SecureString values masked whatever the member order, plain String values kept', () => {
    const body =
      '{"Parameters":[{"Value":"ssm-canary","Name":"/db/pw","Type":"SecureString"},' +
      '{"Name":"/app/stage","Type":"String","Value":"prod"}]}';
    const r = maskBody(body, 'json', plan('ssm', 'GetParametersByPath'), ph);
    assert.ok(!r.agent.includes('ssm-canary'));
    assert.ok(r.agent.includes('"Value":"prod"'));
  });

  void test('Lambda: every environment variable value, in GetFunction and ListFunctions', () => {
    const fn =
      '{"FunctionName":"f","Environment":{"Variables":{"DB_PASSWORD":"lambda-canary","STAGE":"test"}}}';
    const r = maskBody(`{"Functions":[${fn}]}`, 'json', plan('lambda', 'ListFunctions'), ph);
    const env = (
      JSON.parse(r.agent) as { Functions: { Environment: { Variables: Record<string, string> } }[] }
    ).Functions[0]?.Environment.Variables;
    assert.match(env?.DB_PASSWORD ?? '', /«airlock:masked:lambda:DB_PASSWORD:/);
    assert.match(env?.STAGE ?? '', /«airlock:masked:lambda:STAGE:/);
    const g = maskBody(`{"Configuration":${fn}}`, 'json', plan('lambda', 'GetFunction'), ph);
    assert.ok(!g.agent.includes('lambda-canary'));
  });

  void test('escaped JSON strings are unescaped before hashing and re-escaped on output', () => {
    const body = '{"SecretString":"{\\"password\\":\\"p\\u00e9-canary\\"}"}';
    const r = maskBody(body, 'json', plan('secretsmanager', 'GetSecretValue'), ph);
    assert.ok(!r.agent.includes('canary'));
    const direct = maskBody(
      JSON.stringify({ SecretString: '{"password":"pé-canary"}' }),
      'json',
      plan('secretsmanager', 'GetSecretValue'),
      ph,
    );
    assert.equal(r.agent, direct.agent);
  });
});

void describe('masking: XML bodies (query, ec2)', () => {
  void test('STS AssumeRole: secret key and session token masked, access key id and expiry kept', () => {
    const xml =
      '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>' +
      '<Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE12</AccessKeyId><SecretAccessKey>wJalr&amp;XUtnFEMI/K7MDENG</SecretAccessKey>' +
      '<SessionToken>FwoGZXIvYXdzEcanary</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>' +
      '</AssumeRoleResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleResponse>';
    const r = maskBody(xml, 'xml', plan('sts', 'AssumeRole'), ph);
    assert.equal(r.readAs, 'xml');
    assert.ok(!r.agent.includes('wJalr') && !r.agent.includes('FwoGZXIvYXdzEcanary'));
    assert.ok(r.agent.includes('<AccessKeyId>ASIAEXAMPLEEXAMPLE12</AccessKeyId>'));
    assert.ok(r.agent.includes('<Expiration>2030-01-01T00:00:00Z</Expiration>'));
    // The tag is computed on the unescaped value.
    assert.ok(r.agent.includes(ph.make('response', 'sts', 'SecretAccessKey', 'wJalr&XUtnFEMI/K7MDENG')));
    assert.equal(r.masked.length, 2);
  });

  void test('EC2 GetPasswordData (lowerCamel, namespaced) and CreateKeyPair', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<GetPasswordDataResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
      '<requestId>r</requestId><instanceId>i-1</instanceId><passwordData>\n  ec2-pw-canary\n</passwordData></GetPasswordDataResponse>';
    const r = maskBody(xml, 'xml', plan('ec2', 'GetPasswordData'), ph);
    assert.ok(!r.agent.includes('ec2-pw-canary') && r.agent.includes('<instanceId>i-1</instanceId>'));
  });

  void test('CDATA sections and query list members are masked', () => {
    const xml =
      '<GetClusterCredentialsResponse><GetClusterCredentialsResult><DbUser>u</DbUser>' +
      '<DbPassword><![CDATA[rs-canary]]></DbPassword></GetClusterCredentialsResult></GetClusterCredentialsResponse>';
    const r = maskBody(xml, 'xml', plan('redshift', 'GetClusterCredentials'), ph);
    assert.ok(!r.agent.includes('rs-canary') && r.agent.includes('<DbUser>u</DbUser>'));
  });

  void test('a DTD is refused: the body is treated as text, and shapes are still masked', () => {
    const xml =
      '<!DOCTYPE x [<!ENTITY e "v">]><x>-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----</x>';
    const r = maskBody(xml, 'xml', plan('ec2', 'DescribeInstances'), ph);
    assert.equal(r.readAs, 'text');
    assert.ok(!r.agent.includes('MIIEabc'));
  });
});

void describe('masking: secret shapes anywhere', () => {
  const any = plan('dynamodb', 'GetItem');
  void test('PEM private keys, JWTs and bearer tokens in an ordinary response', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWNhbmFyeQ';
    const body = JSON.stringify({
      Item: {
        key: {
          S: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
        },
        tok: { S: `token ${jwt} here` },
        hdr: { S: 'Authorization: Bearer abcdefghijklmnop0123456789' },
        pub: { S: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----' },
      },
    });
    const r = maskBody(body, 'json', any, ph);
    assert.ok(!r.agent.includes('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'));
    assert.ok(!r.agent.includes(jwt));
    assert.ok(!r.agent.includes('abcdefghijklmnop0123456789'));
    assert.ok(r.agent.includes('token «airlock:masked:shape:jwt:'));
    assert.ok(r.agent.includes('Bearer «airlock:masked:shape:bearer-token:'));
    assert.ok(r.agent.includes('BEGIN PUBLIC KEY'), 'public keys are not secrets');
    assert.deepEqual(
      new Set(r.masked.map((m) => m.source)),
      new Set(['shape:pem-private-key', 'shape:jwt', 'shape:bearer-token']),
    );
  });

  void test('a 40-character secret key is masked only next to an access key id', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE12';
    const withId = JSON.stringify({ id: { S: 'AKIAIOSFODNN7EXAMPLE' }, sk: { S: secret } });
    assert.ok(!maskBody(withId, 'json', any, ph).agent.includes(secret));
    const alone = JSON.stringify({ sk: { S: secret } });
    assert.ok(maskBody(alone, 'json', any, ph).agent.includes(secret));
    const sha1 = JSON.stringify({
      id: 'AKIAIOSFODNN7EXAMPLE',
      commit: '3f786850e387550fdab836ed7e6dc881de23001b',
    });
    assert.equal(maskBody(sha1, 'json', any, ph).agentChanged, false, 'hex digests are not secret keys');
  });

  void test('bodies that are not JSON are masked as text', () => {
    const r = maskBody('oops {"a": -----BEGIN EC PRIVATE KEY-----\nxyz', 'json', any, ph);
    assert.equal(r.readAs, 'text');
    assert.ok(!r.agent.includes('xyz'));
  });
});

void describe('masking: catalogue', () => {
  void test('every catalogue operation exists in the AWS model (but for APIs newer than it)', () => {
    const newer = new Set([
      'sts:AssumeRoot',
      'cognitoidentityserviceprovider:GetTokensFromRefreshToken',
      'lightsail:DownloadDefaultKeyPair',
    ]);
    const model = awsModel();
    for (const e of CATALOGUE) {
      const svc = model.byId.get(e.service);
      assert.ok(svc, `unknown service ${e.service}`);
      if (e.operations === '*') continue;
      for (const op of e.operations) {
        const known = svc.operationNames.has(op) || svc.restOperations.some((r) => r.name === op);
        assert.ok(known || newer.has(`${e.service}:${op}`), `${e.service}:${op} is not in the model`);
      }
    }
  });

  void test('a strict plan exactly when the catalogue or a rule names fields', () => {
    assert.equal(plan('secretsmanager', 'GetSecretValue').strict, true);
    assert.equal(plan('secretsmanager', 'ListSecrets').strict, false);
    assert.equal(plan('sts', 'GetCallerIdentity').strict, false);
  });
});
