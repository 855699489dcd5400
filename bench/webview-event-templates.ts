/** The calls the generated sessions are made of: what an agent refactoring a service would do. */

export interface Template {
  readonly service: string;
  readonly operation: string;
  readonly action: string;
  readonly resource: string;
  readonly protocol: string;
  readonly weight: number;
  readonly params: Record<string, unknown>;
  readonly fate?: 'deny' | 'ask' | 'mask' | 'notfound';
  readonly body?: string;
  readonly response?: string;
}

const ACCOUNT = '123456789012';
export const TEMPLATES: readonly Template[] = [
  {
    service: 'sts',
    operation: 'GetCallerIdentity',
    action: 'sts:GetCallerIdentity',
    resource: '*',
    protocol: 'query',
    weight: 3,
    params: {},
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
    response: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::${ACCOUNT}:assumed-role/dev/agent</Arn><UserId>AROAEXAMPLE:agent</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>0f6c1d7e-3a52-4b71-9d0c-8c1b2f3a4e5d</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  },
  {
    service: 's3',
    operation: 'ListObjectsV2',
    action: 's3:ListBucket',
    resource: 'arn:aws:s3:::orders-data',
    protocol: 'rest-xml',
    weight: 14,
    params: { Bucket: 'orders-data', Prefix: 'exports/2026/' },
  },
  {
    service: 's3',
    operation: 'GetObject',
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::orders-data/exports/2026/11/orders.csv',
    protocol: 'rest-xml',
    weight: 18,
    params: { Bucket: 'orders-data', Key: 'exports/2026/11/orders.csv' },
  },
  {
    service: 's3',
    operation: 'GetObject',
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::orders-data/exports/2026/10/missing.csv',
    protocol: 'rest-xml',
    weight: 2,
    params: { Bucket: 'orders-data', Key: 'exports/2026/10/missing.csv' },
    fate: 'notfound',
  },
  {
    service: 's3',
    operation: 'PutObject',
    action: 's3:PutObject',
    resource: 'arn:aws:s3:::orders-data/reports/summary.json',
    protocol: 'rest-xml',
    weight: 6,
    params: { Bucket: 'orders-data', Key: 'reports/summary.json', ContentType: 'application/json' },
  },
  {
    service: 'dynamodb',
    operation: 'Query',
    action: 'dynamodb:Query',
    resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`,
    protocol: 'json',
    weight: 16,
    params: { TableName: 'orders', KeyConditionExpression: 'customerId = :c' },
    body: '{"TableName":"orders","KeyConditionExpression":"customerId = :c","ExpressionAttributeValues":{":c":{"S":"c-1042"}},"Limit":25}',
    response:
      '{"Count":2,"Items":[{"orderId":{"S":"o-88121"},"total":{"N":"129.90"}},{"orderId":{"S":"o-88190"},"total":{"N":"18.00"}}],"ScannedCount":2}',
  },
  {
    service: 'dynamodb',
    operation: 'PutItem',
    action: 'dynamodb:PutItem',
    resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`,
    protocol: 'json',
    weight: 5,
    params: { TableName: 'orders' },
  },
  {
    service: 'lambda',
    operation: 'ListFunctions',
    action: 'lambda:ListFunctions',
    resource: '*',
    protocol: 'rest-json',
    weight: 3,
    params: {},
  },
  {
    service: 'lambda',
    operation: 'UpdateFunctionCode',
    action: 'lambda:UpdateFunctionCode',
    resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-api`,
    protocol: 'rest-json',
    weight: 2,
    params: { FunctionName: 'orders-api', S3Bucket: 'deploy-artifacts', S3Key: 'orders-api.zip' },
  },
  {
    service: 'logs',
    operation: 'FilterLogEvents',
    action: 'logs:FilterLogEvents',
    resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/orders-api`,
    protocol: 'json',
    weight: 6,
    params: { logGroupName: '/aws/lambda/orders-api', filterPattern: 'ERROR' },
  },
  {
    service: 'secretsmanager',
    operation: 'GetSecretValue',
    action: 'secretsmanager:GetSecretValue',
    resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:orders/db-AbCdEf`,
    protocol: 'json',
    weight: 2,
    params: { SecretId: 'orders/db' },
    fate: 'mask',
    body: '{"SecretId":"orders/db"}',
    response: `{"ARN":"arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:orders/db-AbCdEf","Name":"orders/db","SecretString":"«airlock:masked:secretsmanager:SecretString:3f9a0c1b2d4e»","VersionId":"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111","CreatedDate":1763800000.0}`,
  },
  {
    service: 'iam',
    operation: 'DeleteRole',
    action: 'iam:DeleteRole',
    resource: `arn:aws:iam::${ACCOUNT}:role/orders-api-legacy`,
    protocol: 'query',
    weight: 1,
    params: { RoleName: 'orders-api-legacy' },
    fate: 'deny',
  },
  {
    service: 'ec2',
    operation: 'TerminateInstances',
    action: 'ec2:TerminateInstances',
    resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc123def4567890`,
    protocol: 'ec2',
    weight: 1,
    params: { InstanceId: ['i-0abc123def4567890'] },
    fate: 'deny',
  },
  {
    service: 'iam',
    operation: 'CreateRole',
    action: 'iam:CreateRole',
    resource: `arn:aws:iam::${ACCOUNT}:role/orders-api-exec`,
    protocol: 'query',
    weight: 1,
    params: {
      RoleName: 'orders-api-exec',
      AssumeRolePolicyDocument:
        '{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    },
    fate: 'ask',
  },
];
