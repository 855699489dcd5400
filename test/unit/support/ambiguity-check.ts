// Views for ambiguity tests (a POST / in us-east-1 unless told) and what identify and the
// ambiguity check make of them.
import { identify } from '../../../gateway/aws/identify';
import { ambiguityOf } from '../../../gateway/aws/identify-ambiguity';
import type { Identified, RequestView } from '../../../gateway/aws/types';

export type ViewInput = Partial<RequestView> & { readonly signingName: string };

export function v(input: ViewInput): RequestView {
  return { method: 'POST', path: '/', query: [], headers: {}, region: 'us-east-1', ...input };
}

export function check(input: ViewInput): { id: Identified; why: string | undefined } {
  const view = v(input);
  const id = identify(view);
  return { id, why: ambiguityOf(view, id) };
}

export const DDB = {
  'x-amz-target': 'DynamoDB_20120810.DeleteItem',
  'content-type': 'application/x-amz-json-1.0',
};
export const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
