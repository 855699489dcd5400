import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identityPresentation } from '../../extension/identity/identity-view';

void test('status bar: the credential mode and who is signed in', () => {
  assert.deepEqual(identityPresentation(undefined), { text: '', line: '', signedOut: false });
  const profile = identityPresentation({ mode: 'profile', state: 'profile' });
  assert.equal(profile.text, '');
  assert.match(profile.line, /AWS profile/);
  const signedIn = identityPresentation({
    mode: 'oidc',
    state: 'signed-in',
    issuer: 'https://idp.example',
    roleArn: 'arn:aws:iam::123456789012:role/a',
    expiresAt: '2026-01-01T01:00:00.000Z',
    identity: { issuer: 'https://idp.example', subject: 's', email: 'alice@example.test', groups: [] },
  });
  assert.equal(signedIn.text, ' $(account) alice@example.test');
  assert.match(signedIn.line, /signed in as alice@example\.test .*role\/a, held in the gateway's memory/);
  assert.equal(signedIn.signedOut, false);
  const out = identityPresentation({ mode: 'oidc', state: 'signed-out' });
  assert.equal(out.text, ' $(account) signed out');
  assert.equal(out.signedOut, true);
  const failed = identityPresentation({
    mode: 'oidc',
    state: 'failed',
    error: 'the sign-in could not be refreshed (x)',
  });
  assert.match(failed.line, /^Signed out: the sign-in could not be refreshed \(x\)\. Run "Airlock: Sign In"/);
});
