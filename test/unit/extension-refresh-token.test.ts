import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseRefreshTokenLine,
  refreshTokenSecretKey,
  type SecretStore,
  storeRotatedRefreshToken,
} from '../../extension/identity/refresh-token-secret';

function memorySecrets(): SecretStore & { readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: (k) => Promise.resolve(map.get(k)),
    store: (k, v) => Promise.resolve(void map.set(k, v)),
    delete: (k) => Promise.resolve(void map.delete(k)),
  };
}

const IDP = { issuer: 'https://idp.example', clientId: 'airlock' };
const key = refreshTokenSecretKey(IDP);

void test('a gateway stdout line after the ready line is read as a rotated refresh token, and only that', () => {
  assert.deepEqual(parseRefreshTokenLine(JSON.stringify({ refreshToken: 'rt-2', ...IDP })), {
    refreshToken: 'rt-2',
    ...IDP,
  });
  assert.equal(parseRefreshTokenLine('{"ready":true,"port":1,"dataDir":"/d"}'), undefined);
  assert.equal(parseRefreshTokenLine(JSON.stringify({ refreshToken: '', ...IDP })), undefined);
  assert.equal(parseRefreshTokenLine(JSON.stringify({ refreshToken: 'rt', issuer: IDP.issuer })), undefined);
  assert.equal(parseRefreshTokenLine('not json'), undefined);
  assert.equal(parseRefreshTokenLine('null'), undefined);
});

void test('the rotated token replaces the spent one in SecretStorage, for the configured issuer and client only', async () => {
  const secrets = memorySecrets();
  await secrets.store(key, 'rt-1');
  assert.equal(await storeRotatedRefreshToken(secrets, IDP, { refreshToken: 'rt-2', ...IDP }), true);
  assert.equal(secrets.map.get(key), 'rt-2');
  // Settings changed meanwhile (another IdP or client): the token is not for this sign-in.
  assert.equal(
    await storeRotatedRefreshToken(secrets, IDP, { ...IDP, clientId: 'other', refreshToken: 'rt-x' }),
    false,
  );
  assert.equal(
    await storeRotatedRefreshToken(undefined as never, undefined, { refreshToken: 'rt-y', ...IDP }),
    false,
  );
  assert.equal(secrets.map.get(key), 'rt-2');
  assert.equal(secrets.map.size, 1);
});

void test('a rotation reported after sign-out does not bring the sign-in back', async () => {
  const secrets = memorySecrets();
  await secrets.store(key, 'rt-1');
  await secrets.delete(key);
  assert.equal(await storeRotatedRefreshToken(secrets, IDP, { refreshToken: 'rt-2', ...IDP }), false);
  assert.equal(secrets.map.size, 0);
});
