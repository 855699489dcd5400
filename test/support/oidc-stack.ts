import { spawn } from 'node:child_process';
import { startFakeAws, type FakeAws } from '../fakes';
import { AIRLOCK_BIN, type GatewayProcess, isolatedEnv, startGatewayProcess } from './gateway-process';
import { startTestIdp, type TestIdp, type TestIdpOptions } from './oidc-provider';
import { scriptedSignIn } from './scripted-browser';
import { permissivePolicy } from './stack';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/airlock-agents';

/** A real OpenID provider, a fake AWS whose STS trusts it, and a gateway in OIDC mode with no AWS credentials at all. */
export interface OidcStack {
  readonly idp: TestIdp;
  readonly fake: FakeAws;
  readonly gw: GatewayProcess;
  /** Runs `airlock login` and plays the user in the browser (or on the device page). */
  login(user: string, mode?: 'browser' | 'device'): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

export async function startOidcStack(
  o: { idp?: TestIdpOptions; credentialSeconds?: number; gatewayArgs?: string[]; policyFile?: string } = {},
): Promise<OidcStack> {
  const idp = await startTestIdp(o.idp);
  const fake = await startFakeAws({
    webIdentity: {
      issuer: idp.issuer,
      audience: idp.clientId,
      roleArn: ROLE_ARN,
      credentialSeconds: o.credentialSeconds,
    },
  });
  const policy = await permissivePolicy();
  // No credentials in the gateway's environment: in OIDC mode it has only what STS gives it.
  const gw = await startGatewayProcess({
    upstream: fake.url,
    args: [
      '--account-id',
      fake.accountId,
      ...(o.policyFile ? ['--policy', o.policyFile] : policy.args),
      '--oidc-issuer',
      idp.issuer,
      '--oidc-client-id',
      idp.clientId,
      '--oidc-role-arn',
      ROLE_ARN,
      ...(o.gatewayArgs ?? []),
    ],
  });
  const login: OidcStack['login'] = (user, mode = 'browser') =>
    new Promise((resolve, reject) => {
      const args = [
        AIRLOCK_BIN,
        'login',
        '--data-dir',
        gw.dataDir,
        mode === 'device' ? '--device' : '--no-browser',
      ];
      const p = spawn(process.execPath, args, { env: isolatedEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let started = false;
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const url =
          mode === 'device' ? /\(or open (\S+)\)/.exec(stderr)?.[1] : /visit:\n(http\S+)/.exec(stderr)?.[1];
        if (url && !started) {
          started = true;
          scriptedSignIn(url, user, { stopAt: (u) => u.includes('/callback?') }).catch(reject);
        }
      });
      p.on('error', reject);
      p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  return {
    idp,
    fake,
    gw,
    login,
    async close() {
      await gw.dispose();
      await fake.close();
      await idp.close();
      await policy.cleanup();
    },
  };
}
