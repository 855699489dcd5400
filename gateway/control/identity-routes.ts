import type { Router } from 'express';
import type { IdentityMode } from '../identity/identity-mode';
import type { IdentityStatus } from '../protocol';
import { ControlError } from './control-error';

/**
 * `GET /identity` (mode and who is signed in), `POST /identity/reload` (after `airlock login`
 * stored a refresh token), `POST /identity/sign-in` (the extension, token in memory only) and
 * `POST /identity/sign-out` (credentials dropped at once). No route ever answers with a token.
 */
export function identityRoutes(router: Router, identity: IdentityMode): void {
  const send = (res: { json(b: IdentityStatus): void }, s: IdentityStatus): void => res.json(s);
  router.get('/identity', (_req, res) => send(res, identity.status()));
  router.post('/identity/reload', async (_req, res) => send(res, await identity.reload()));
  router.post('/identity/sign-in', async (req, res) => {
    const token = (req.body as { refreshToken?: unknown } | undefined)?.refreshToken;
    if (typeof token !== 'string' || token === '' || token.length > 8192)
      throw new ControlError('InvalidRequest', 400, 'sign-in needs the refreshToken the IdP issued.');
    send(res, await identity.signIn(token));
  });
  router.post('/identity/sign-out', async (_req, res) => send(res, await identity.signOut()));
}
