/**
 * AWS region names, checked wherever one comes from a request (the credential scope) or from
 * configuration (the gateway's --region, the task env): a region ends up inside a host name, and
 * `x.s3` or `evil.execute-api.us-east-1` there would name someone else's host.
 */

/** `us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`, `ap-southeast-5`. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const MAX_REGION_LENGTH = 32;

export function isRegion(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_REGION_LENGTH && REGION.test(value);
}

/** Quoted for a message without letting the value run on or carry control characters. */
export function quoteRegion(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(shown);
}

/** What to tell whoever configured or signed with a bad region. */
export function regionProblem(value: string, where: string): string {
  return (
    `${where} names the region ${quoteRegion(value)}, which is not an AWS region name ` +
    '(like us-east-1 or eu-west-2: letters, dashes and a number)'
  );
}

/** The DNS suffix of a region's partition (`amazonaws.com`, `amazonaws.com.cn`). */
export function dnsSuffix(region: string): string {
  if (region.startsWith('cn-')) return 'amazonaws.com.cn';
  if (region.startsWith('us-iso-')) return 'c2s.ic.gov';
  if (region.startsWith('us-isob-')) return 'sc2s.sgov.gov';
  if (region.startsWith('us-isof-')) return 'csp.hci.ic.gov';
  if (region.startsWith('eu-isoe-')) return 'cloud.adc-e.uk';
  return 'amazonaws.com';
}

/** The commercial partition (`aws`): where the model's global endpoints (iam.amazonaws.com) apply. */
export function inAwsPartition(region: string): boolean {
  return !/^(?:cn|us-gov|us-iso[a-z]*|eu-isoe)-/.test(region);
}
