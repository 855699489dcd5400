import { GatewayError } from '../errors/gateway-error';
import { printable } from '../sigv4/auth-fields';
import type { CallContext } from './call-context';

/**
 * The first stage: HTTP framing that Node would otherwise refuse by itself with a bare status and
 * no body (a request without Host, an Expect other than 100-continue), and request targets that
 * AWS could read differently from the gateway. Refused here instead, so the agent gets an
 * AWS-shaped error it can read and the refusal is recorded like any other.
 */
export function checkFraming(ctx: CallContext): void {
  const h = ctx.req.headers;
  if (h.host === undefined || h.host === '')
    throw new GatewayError(
      'MalformedRequest',
      'The request has no Host header. HTTP/1.1 requires one and SigV4 signs it: send the request with the Host header your SDK signed.',
    );
  // Origin form only. Inside an intercepted TLS connection an absolute-form target would be read
  // three ways: the signature covers its path alone, identify would read the whole URI as a path,
  // and AWS would route by the authority in it (RFC 9112 3.2.2), a host nobody decided on.
  const target = ctx.raw.rawUrl;
  if (!target.startsWith('/'))
    throw new GatewayError(
      'MalformedRequest',
      `Airlock accepts request targets in origin form only ("/path?query"), not "${printable(target)}": send the path alone, as AWS SDKs do.`,
    );
  const expect = h.expect;
  if (expect !== undefined && !/^\s*100-continue\s*$/i.test(expect))
    throw new GatewayError(
      'ExpectationFailed',
      `Airlock supports only "Expect: 100-continue", not "Expect: ${expect.slice(0, 64)}". Remove the Expect header or send 100-continue.`,
    );
}
