// Request views for identification tests: a GET / signed for s3 in us-east-1 unless told otherwise.
import { identify } from '../../../gateway/aws/identify';
import type { Identified, RequestView } from '../../../gateway/aws/types';

export type ViewInput = Partial<Omit<RequestView, 'body'>> & { body?: string | Buffer };

export function view(v: ViewInput): RequestView {
  const { body, ...rest } = v;
  return {
    method: 'GET',
    path: '/',
    query: [],
    headers: {},
    signingName: 's3',
    region: 'us-east-1',
    ...rest,
    ...(body !== undefined ? { body: Buffer.isBuffer(body) ? body : Buffer.from(body) } : {}),
  };
}

export function op(v: ViewInput): Identified {
  return identify(view(v));
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
