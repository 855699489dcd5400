// What the IAM-mapping tests share: a hand-built identified call, the mapping of one, and the
// mapping of the request a real SDK builds for an operation.
import { identify } from '../../../gateway/aws/identify';
import { mapToIam } from '../../../gateway/aws/iam-map';
import type { Identified, IamRequirement, RequestView } from '../../../gateway/aws/types';
import { sdkRequest } from './sdk-sample-requests';

export const ACCT = '123456789012';

/** An identified JSON-protocol call of a service whose names all equal its IAM prefix. */
export function call(
  iamPrefix: string,
  operation: string | undefined,
  params: Record<string, unknown> = {},
  region = 'us-east-1',
): Identified {
  return {
    service: iamPrefix,
    protocol: 'json',
    operation,
    signingName: iamPrefix,
    region,
    iamPrefix,
    endpointPrefix: iamPrefix,
    params,
  };
}

export function map(id: Identified, partition?: string): IamRequirement[] {
  return [
    ...mapToIam(id, partition === undefined ? { accountId: ACCT } : { accountId: ACCT, partition })
      .requirements,
  ];
}

export function mapView(view: RequestView, accountId = ACCT): IamRequirement[] {
  return [...mapToIam(identify(view), { accountId }).requirements];
}

/** What the gateway decides on for the request the SDK builds. */
export function viaSdk(
  serviceId: string,
  signingName: string,
  op: string,
  params: object,
  accountId = ACCT,
): IamRequirement[] {
  return mapView(sdkRequest(serviceId, signingName, op, params), accountId);
}

/** A requirement; no resources means `*`. */
export const r = (action: string, ...resources: string[]): IamRequirement => ({
  action,
  resources: resources.length > 0 ? resources : ['*'],
});
