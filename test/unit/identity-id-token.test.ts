import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseOidcConfig } from '../../gateway/identity/oidc-config';
import { discoverIdp, type Idp } from '../../gateway/identity/oidc-discovery';
import { signInWithBrowser } from '../../gateway/identity/loopback-sign-in';
import { signInWithDevice } from '../../gateway/identity/device-sign-in';
import { refreshTokens } from '../../gateway/identity/oidc-discovery';
import { IdTokenError, unverifiedClaims, verifyIdToken } from '../../gateway/identity/verify-id-token';
import { startTestIdp, type TestIdp } from '../support/oidc-provider';
import { scriptedSignIn } from '../support/scripted-browser';

const ROLE = 'arn:aws:iam::123456789012:role/airlock';

async function connect(idp: TestIdp): Promise<Idp> {
  return discoverIdp(parseOidcConfig({ issuer: idp.issuer, clientId: idp.clientId, roleArn: ROLE }, 'test')!);
}

function browserSignIn(idp: Idp, user: string): Promise<{ idToken: string; refreshToken?: string }> {
  return signInWithBrowser(idp, {
    open: (url) => {
      void scriptedSignIn(url, user, { stopAt: (u) => u.includes('/callback?') });
    },
  });
}

function problemOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof IdTokenError, String(e));
    return `${e.problem}: ${e.message}`;
  }
  return 'accepted';
}

void describe('sign-in against a real OpenID provider (oidc-provider on loopback)', () => {
  let a: TestIdp;
  let b: TestIdp;
  let idpA: Idp;
  let idpB: Idp;
  let token: string;
  let refreshToken: string;
  before(async () => {
    a = await startTestIdp();
    b = await startTestIdp();
    idpA = await connect(a);
    idpB = await connect(b);
    const t = await browserSignIn(idpA, 'alice');
    token = t.idToken;
    refreshToken = t.refreshToken!;
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  void test('code + PKCE: an ID token with the claims, and a refresh token', () => {
    const claims = unverifiedClaims(token);
    assert.equal(claims.sub, 'alice');
    assert.equal(claims.email, 'alice@example.test');
    assert.deepEqual(claims.groups, ['platform-admins']);
    assert.ok(refreshToken.length > 10);
  });

  void test('a valid token verifies against the issuer keys', async () => {
    const claims = verifyIdToken(token, { issuer: a.issuer, audience: a.clientId, jwks: await idpA.jwks() });
    assert.equal(claims.sub, 'alice');
  });

  void test('expired, tampered, foreign-issuer and wrong-audience tokens are refused, each saying why', async () => {
    const jwks = await idpA.jwks();
    const exp = unverifiedClaims(token).exp as number;
    assert.match(
      problemOf(() =>
        verifyIdToken(token, {
          issuer: a.issuer,
          audience: a.clientId,
          jwks,
          now: new Date((exp + 60) * 1000),
        }),
      ),
      /^expired: the ID token expired at /,
    );
    const [h, , sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...unverifiedClaims(token), sub: 'mallory' })).toString(
      'base64url',
    );
    assert.match(
      problemOf(() =>
        verifyIdToken(`${h}.${forged}.${sig}`, { issuer: a.issuer, audience: a.clientId, jwks }),
      ),
      /^signature: the ID token's signature does not verify against the keys/,
    );
    const foreign = (await browserSignIn(idpB, 'alice')).idToken;
    // Signed by another provider: its keys are not the issuer's.
    assert.match(
      problemOf(() => verifyIdToken(foreign, { issuer: a.issuer, audience: a.clientId, jwks })),
      /^signature:/,
    );
    // Even with that provider's keys at hand, it is not the configured issuer.
    const both = [...jwks, ...(await idpB.jwks())];
    assert.match(
      problemOf(() => verifyIdToken(foreign, { issuer: a.issuer, audience: a.clientId, jwks: both })),
      new RegExp(`^issuer: the ID token was issued by ${b.issuer}, not by the configured issuer ${a.issuer}`),
    );
    assert.match(
      problemOf(() => verifyIdToken(token, { issuer: a.issuer, audience: 'another-client', jwks })),
      /^audience: the ID token is for airlock-test, not for Airlock's client another-client/,
    );
  });

  void test('refresh: a new ID token and a rotated refresh token', async () => {
    const r = await refreshTokens(idpA, refreshToken);
    assert.notEqual(r.refreshToken, refreshToken, 'public clients get rotated refresh tokens');
    assert.equal(unverifiedClaims(r.idToken).sub, 'alice');
    await assert.rejects(
      refreshTokens(idpA, refreshToken),
      (e: { cause?: { error?: string } }) => e.cause?.error === 'invalid_grant',
      'the old refresh token is spent',
    );
  });

  void test('device authorization: the user confirms the code elsewhere', async () => {
    let shown = '';
    const t = await signInWithDevice(idpA, (p) => {
      shown = p.userCode;
      void scriptedSignIn(p.verificationUri, 'bob', { userCode: p.userCode });
    });
    assert.ok(shown.length > 0);
    assert.equal(unverifiedClaims(t.idToken).sub, 'bob');
  });
});
