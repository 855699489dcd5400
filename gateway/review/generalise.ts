/**
 * Generalising a suggested policy's resources, only where the user asks. `names`: the names in
 * an ARN (bucket, object key, table, queue, function...) become `*`, keeping the partition,
 * service, region, account and resource type, so the grant still says "tables of this account in
 * this region", never "anything".
 */
export const GENERALISE_KINDS = ['names'] as const;
export type Generalise = (typeof GENERALISE_KINDS)[number];

export function isGeneralise(v: string): v is Generalise {
  return (GENERALISE_KINDS as readonly string[]).includes(v);
}

function generaliseName(service: string, resource: string): string {
  // S3 ARNs carry no resource type: `bucket` and `bucket/key` are both names.
  if (service === 's3') return resource.includes('/') ? '*/*' : '*';
  const slash = resource.indexOf('/');
  const colon = resource.indexOf(':');
  const cut = slash < 0 ? colon : colon < 0 ? slash : Math.min(slash, colon);
  return cut < 0 ? '*' : `${resource.slice(0, cut + 1)}*`;
}

export function generaliseResource(arn: string, kinds: readonly Generalise[]): string {
  if (!kinds.includes('names') || !arn.startsWith('arn:')) return arn;
  const parts = arn.split(':');
  if (parts.length < 6) return arn;
  const head = parts.slice(0, 5);
  return `${head.join(':')}:${generaliseName(parts[2] ?? '', parts.slice(5).join(':'))}`;
}
