/**
 * Parameters a decision needs that travel in a body identify() leaves unread: the keys of an S3
 * DeleteObjects, which IAM authorizes one by one (s3:DeleteObject / s3:DeleteObjectVersion on
 * each object). The body read here is the buffered body the gateway forwards, byte for byte.
 * A body that cannot be read with certainty refuses the call; it is never decided as `bucket/*`.
 */
import { GatewayError } from '../errors/gateway-error';
import { checkBodyDigests } from './s3-body-digests';
import { parseDeleteObjects } from './s3-delete-objects';
import type { Identified, RequestView } from './types';

const S3_SIGNING_NAMES = new Set(['s3', 's3-outposts', 's3express']);

/**
 * Must the body be read before the decision? For S3, whose bodies otherwise stream unread: a
 * POST with a `delete` subresource is DeleteObjects. Decided before identify() runs, so it is
 * broad on purpose; a DeleteObjects that arrives unread is refused by `withPayloadParams`.
 */
export function decisionNeedsBody(
  signingName: string,
  method: string,
  query: ReadonlyArray<readonly [string, string]>,
): boolean {
  return (
    S3_SIGNING_NAMES.has(signingName) &&
    method.toUpperCase() === 'POST' &&
    query.some(([k]) => k === 'delete')
  );
}

function refuse(code: 'InvalidRequest' | 'BadDigest' | 'MalformedXML', why: string): never {
  throw new GatewayError(
    code,
    `Airlock refused this DeleteObjects: ${why}. It decides a multi-object delete key by key from its ` +
      'XML body, and did not send this one to AWS.',
  );
}

function deleteObjectsParams(view: RequestView): Record<string, unknown> {
  const h = view.headers;
  const body = view.body;
  const encoding = Object.hasOwn(h, 'content-encoding') ? (h['content-encoding'] ?? '') : '';
  const declared = Object.hasOwn(h, 'x-amz-content-sha256') ? (h['x-amz-content-sha256'] ?? '') : '';
  if (
    /aws-chunked/i.test(encoding) ||
    Object.hasOwn(h, 'x-amz-trailer') ||
    declared.startsWith('STREAMING-')
  ) {
    refuse(
      'InvalidRequest',
      'its body is aws-chunked; send it as one plain XML body with its checksum in a header',
    );
  }
  if (body === undefined)
    refuse('InvalidRequest', 'its body was not buffered, so its keys could not be read');
  const digests = checkBodyDigests(body, h);
  if (!digests.ok) refuse('BadDigest', digests.reason);
  const parsed = parseDeleteObjects(body);
  if (!parsed.ok) refuse('MalformedXML', `its XML body cannot be read with certainty (${parsed.reason})`);
  return {
    Objects: parsed.objects.map((o) =>
      o.versionId === undefined ? { Key: o.key } : { Key: o.key, VersionId: o.versionId },
    ),
    ...(parsed.quiet !== undefined ? { Quiet: parsed.quiet } : {}),
  };
}

/** The identified call with its body parameters added; throws GatewayError when they cannot be read. */
export function withPayloadParams(id: Identified, view: RequestView): Identified {
  if (id.operation !== 'DeleteObjects') return id;
  return { ...id, params: { ...id.params, Delete: deleteObjectsParams(view) } };
}
