/**
 * AWS partitions and their regions (scripts/gen-aws-partitions.mjs distils them from the SDK v3
 * endpoint data): where the gateway must name every regional host ahead of any call, as in the
 * stand-in's certificate, rather than derive one host from a request.
 */
import data from './partitions.generated.json';

export interface Partition {
  readonly id: string;
  /** `amazonaws.com`, `amazonaws.com.cn`. */
  readonly dnsSuffix: string;
  /** `api.aws` for the commercial and GovCloud partitions. */
  readonly dualStackDnsSuffix: string;
  readonly regions: readonly string[];
}

export const PARTITIONS: readonly Partition[] = data.partitions;
