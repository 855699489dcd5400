import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AirlockClient } from '../../extension/control/airlock-client';
import { gatewayArgs, type GatewaySettings } from '../../extension/gateway/gateway-args';
import { type GatewayState, GatewaySupervisor } from '../../extension/gateway/gateway-supervisor';
import {
  refreshTokenSecretKey,
  type SecretStore,
  storeRotatedRefreshToken,
} from '../../extension/identity/refresh-token-secret';
import { signInWithDevice } from '../../gateway/identity/device-sign-in';
import { parseOidcConfig, type OidcConfig } from '../../gateway/identity/oidc-config';
import { discoverIdp } from '../../gateway/identity/oidc-discovery';
import type { RefreshTokenLine } from '../../gateway/protocol';
import { startFakeAws, type FakeAws } from '../fakes';
import { awsV1 } from '../support/aws-clients';
import { AIRLOCK_BIN, isolatedEnv, REPO_ROOT, runNode } from '../support/gateway-process';
import { ROLE_ARN } from '../support/oidc-stack';
import { startTestIdp, type TestIdp } from '../support/oidc-provider';
import { scriptedSignIn } from '../support/scripted-browser';
import { permissivePolicy } from '../support/stack';

// The extension's own pieces (supervisor, gateway flags, control client, SecretStorage update)
// around the real gateway, against an IdP that rotates refresh tokens at every refresh.
let idp: TestIdp;
let fake: FakeAws;
let policy: Awaited<ReturnType<typeof permissivePolicy>>;
let dataDir: string;
let config: OidcConfig;
let sup: GatewaySupervisor;
const secrets = new Map<string, string>();
const store: SecretStore = {
  get: (k) => Promise.resolve(secrets.get(k)),
  store: (k, v) => Promise.resolve(void secrets.set(k, v)),
  delete: (k) => Promise.resolve(void secrets.delete(k)),
};
const reported: RefreshTokenLine[] = [];
const logLines: string[] = [];
let running: ((s: GatewayState) => void) | undefined;

function nextRunning(): Promise<Extract<GatewayState, { kind: 'running' }>> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`no running gateway:\n${logLines.slice(-10).join('\n')}`)),
      20_000,
    );
    running = (s) => {
      if (s.kind !== 'running') return;
      clearTimeout(t);
      running = undefined;
      resolve(s);
    };
  });
}

async function client(port: number): Promise<AirlockClient> {
  return new AirlockClient(port, (await readFile(join(dataDir, 'control-token'), 'utf8')).trim(), 'test');
}

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  idp = await startTestIdp({ rotateRefreshTokens: true, idTokenTtl: 8 });
  fake = await startFakeAws({
    webIdentity: { issuer: idp.issuer, audience: idp.clientId, roleArn: ROLE_ARN, credentialSeconds: 6 },
  });
  policy = await permissivePolicy();
  dataDir = await mkdtemp(join(tmpdir(), 'airlock-rotation-'));
  config = parseOidcConfig({ issuer: idp.issuer, clientId: idp.clientId, roleArn: ROLE_ARN }, 'test')!;
  const settings: GatewaySettings = {
    region: 'us-east-1',
    profile: '',
    upstreamUrl: fake.url,
    accountId: fake.accountId,
    approvalTimeoutSeconds: null,
    retentionDays: 0,
    logLevel: 'info',
    oidcIssuer: idp.issuer,
    oidcClientId: idp.clientId,
    oidcRoleArn: ROLE_ARN,
  };
  sup = new GatewaySupervisor({
    execPath: process.execPath,
    script: join(REPO_ROOT, 'dist', 'gateway.js'),
    dataDir,
    args: () => Promise.resolve(gatewayArgs(settings, policy.args[1])),
    env: isolatedEnv(),
    onLogLine: (l) => logLines.push(l),
    onState: (s) => running?.(s),
    onRefreshToken: (line) => {
      reported.push(line);
      void storeRotatedRefreshToken(store, config, line);
    },
  });
});

after(async () => {
  await sup?.dispose();
  await fake?.close();
  await idp?.close();
  await policy?.cleanup();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

void test('rotated refresh tokens reach the extension, which keeps the live one; a restarted gateway signs in with it', async () => {
  const first = nextRunning();
  sup.start();
  const gw = await first;
  // The extension's sign-in: device flow in "the browser", the token to SecretStorage, then to the gateway.
  const tokens = await signInWithDevice(await discoverIdp(config), async (d) => {
    await scriptedSignIn(d.verificationUriComplete ?? d.verificationUri, 'alice', { userCode: d.userCode });
  });
  const original = tokens.refreshToken!;
  const key = refreshTokenSecretKey(config);
  await store.store(key, original);
  const status = await (await client(gw.port)).signIn(original);
  assert.equal(status.state, 'signed-in', status.error);

  // The gateway's own refresh at sign-in spent the token the extension gave it.
  await until('the first rotation', () => reported.length >= 1);
  assert.notEqual(secrets.get(key), original, 'SecretStorage holds the rotated token');
  assert.equal(secrets.get(key), reported.at(-1)!.refreshToken);
  // Renewal before expiry (credentials live 6 s) rotates it again, and again it is reported.
  await until('a rotation at renewal', () => reported.length >= 2);
  const live = secrets.get(key)!;
  assert.equal(live, reported.at(-1)!.refreshToken);
  assert.equal(new Set([original, ...reported.map((r) => r.refreshToken)]).size, reported.length + 1);
  assert.ok(!logLines.some((l) => reported.some((r) => l.includes(r.refreshToken))), 'no token in the log');

  // A new gateway (VS Code restarted, the gateway crashed) is signed out; the stored token signs it in.
  const second = nextRunning();
  await sup.restart();
  const gw2 = await second;
  const c2 = await client(gw2.port);
  assert.equal((await c2.identity()).state, 'signed-out');
  const again = await c2.signIn(secrets.get(key)!);
  assert.equal(again.state, 'signed-in', again.error);
  const started = await runNode(
    [AIRLOCK_BIN, 'task', 'start', '--json', '--name', 'after restart', '--data-dir', dataDir],
    isolatedEnv(),
  );
  assert.equal(started.code, 0, started.stderr);
  const call = await awsV1(
    ['sqs', 'list-queues'],
    (JSON.parse(started.stdout) as { env: Record<string, string> }).env,
  );
  assert.equal(call.code, 0, call.stderr);
  assert.equal(fake.received.filter((c) => c.service === 'sqs').at(-1)?.verified, 'ok');

  // What the extension held before this fix: the original token. The IdP refuses it as spent.
  const stale = await c2.signIn(original);
  assert.equal(stale.state, 'failed');
  assert.match(stale.error ?? '', /could not be refreshed/);
});
