import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { type Idp, type TokenSet, tokenSet } from './oidc-discovery';

export interface LoopbackSignInOptions {
  /** Opens the URL in the user's browser (the CLI prints it too; the extension uses openExternal). */
  readonly open: (url: string) => Promise<void> | void;
  /** How long to wait for the browser to come back. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const PAGE = (msg: string): string =>
  `<!doctype html><meta charset="utf-8"><title>Airlock</title><p>${msg}</p>`;

/**
 * Authorization code + PKCE with the redirect on a loopback port chosen now (RFC 8252): the IdP
 * must accept `http://127.0.0.1/callback` on any port for a native client.
 */
export async function signInWithBrowser(idp: Idp, opts: LoopbackSignInOptions): Promise<TokenSet> {
  const verifier = client.randomPKCECodeVerifier();
  const challenge = await client.calculatePKCECodeChallenge(verifier);
  const state = client.randomState();
  const nonce = client.randomNonce();
  let settle: { ok: (u: URL) => void; fail: (e: Error) => void } | undefined;
  const callback = new Promise<URL>((ok, fail) => (settle = { ok, fail }));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const failed = url.searchParams.get('error');
    res
      .writeHead(failed ? 400 : 200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        PAGE(
          failed
            ? 'Sign-in failed; see your terminal or editor.'
            : 'Signed in to Airlock. You can close this tab.',
        ),
      );
    settle?.ok(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url ?? '/'}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const timer = setTimeout(
    () => settle?.fail(new Error('no answer from the browser in time; run the sign-in again')),
    opts.timeoutMs ?? 5 * 60_000,
  );
  const onAbort = (): void => settle?.fail(new Error('sign-in cancelled'));
  opts.signal?.addEventListener('abort', onAbort);
  try {
    const url = client.buildAuthorizationUrl(idp.config, {
      redirect_uri: redirectUri,
      scope: idp.settings.scopes.join(' '),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      nonce,
      // Without consent some IdPs (and OIDC itself) drop offline_access: no refresh token.
      prompt: 'consent',
    });
    await opts.open(url.href);
    const back = await callback;
    const r = await client.authorizationCodeGrant(
      idp.config,
      back,
      { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true },
      { redirect_uri: redirectUri },
    );
    return tokenSet(r);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    server.closeAllConnections();
    server.close();
  }
}
