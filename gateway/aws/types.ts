/**
 * What the identify stage sees of a request and what it concludes. Shared by the AWS model
 * (operation routing), the IAM mapping and the pipeline; pure data, no I/O.
 */

export type AwsProtocol = 'json' | 'query' | 'ec2' | 'rest-json' | 'rest-xml';

/** A request as the gateway received it, reduced to what routing needs. */
export interface RequestView {
  readonly method: string;
  /** Raw path as received (still percent-encoded), without the query string. */
  readonly path: string;
  /** Decoded query parameters, in order; a key may repeat. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** Lower-cased header names; a header repeated with different values has them joined with ",". */
  readonly headers: Readonly<Record<string, string>>;
  /** Lower-cased names of headers that arrived more than once with different values (ambiguous). */
  readonly repeatedHeaders?: readonly string[];
  /**
   * The body when the gateway buffered it (small JSON / form bodies of non-streaming
   * protocols). Undefined for streamed bodies such as S3 objects.
   */
  readonly body?: Buffer;
  /**
   * Set (and `body` left out) when a buffered body could not be decoded for reading (a content
   * coding that does not decode); refused when the identified operation reads its body.
   */
  readonly bodyProblem?: string;
  /** Signing name from the credential scope (endpoint mode) or derived from the host (proxy mode). */
  readonly signingName: string;
  readonly region: string;
  /** The real AWS host when known (proxy mode), e.g. `mybucket.s3.us-east-1.amazonaws.com`. */
  readonly host?: string;
}

/** The outcome of operation identification. */
export interface Identified {
  /** Model id, e.g. `s3`, `dynamodb`, `sqs`; `unknown` when no model matches the signing name. */
  readonly service: string;
  /** The service model's full name when known, e.g. `Amazon Simple Storage Service`. */
  readonly serviceFullName?: string;
  readonly protocol: AwsProtocol | 'unknown';
  /** Operation name from the model (`ListObjectsV2`), or undefined when it cannot be identified. */
  readonly operation?: string;
  readonly signingName: string;
  readonly region: string;
  /** IAM service prefix, e.g. `s3`, `dynamodb`, `cloudwatch` (for signing name `monitoring`). */
  readonly iamPrefix: string;
  /** Endpoint prefix used to build the real AWS host, e.g. `dynamodb`, `monitoring`. */
  readonly endpointPrefix: string;
  /** True for services with one global endpoint (IAM, Route 53, CloudFront, ...). */
  readonly globalEndpoint?: string;
  /** Region to sign for when calling `globalEndpoint` (`us-east-1` for IAM, `us-west-2` for Global Accelerator). */
  readonly globalRegion?: string;
  /** API version of the matched model, e.g. `2006-03-01`. */
  readonly apiVersion?: string;
  /**
   * Host prefix the operation's endpoint needs, resolved from the request (`123456789012.` for
   * S3 Control, `data-` for Cloud Map DiscoverInstances); absent when none or unresolvable.
   */
  readonly hostPrefix?: string;
  /**
   * Input parameters the gateway could read without streaming the body: URI labels, query and
   * header members by their model member name, plus top-level members of JSON / form bodies.
   */
  readonly params: Readonly<Record<string, unknown>>;
}

/** One IAM action a call needs, with the resources it touches. */
export interface IamRequirement {
  /** `s3:GetObject` */
  readonly action: string;
  /** Resource ARNs; `*` when the action is not resource-scoped or the resource is unknown. */
  readonly resources: readonly string[];
}

export interface IamMapping {
  readonly requirements: readonly IamRequirement[];
}
