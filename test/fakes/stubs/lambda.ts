import { newRequestId } from '../aws-errors';
import type { FakeIdentity, ServiceStub, StubRequest, StubResponse } from '../types';
import { stubError, unknownOperation } from './shared';

export interface LambdaPlant {
  /** Function whose configuration carries the planted environment variables. */
  functionName: string;
  environment: Record<string, string>;
}

function restOk(
  operation: string,
  status: number,
  body: string,
  extra: Record<string, string> = {},
): StubResponse {
  return {
    status,
    operation,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': newRequestId(), ...extra },
    body,
  };
}

/** A function name from the path may be a bare name, a partial or a full ARN, with a qualifier. */
function functionNameFrom(piece: string): string {
  const decoded = decodeURIComponent(piece);
  const arn = /^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:([^:]+)/.exec(decoded);
  if (arn?.[1]) return arn[1];
  return decoded.split(':')[0] ?? decoded;
}

export function createLambdaStub(identity: FakeIdentity, plant: LambdaPlant): ServiceStub {
  const names = [plant.functionName, 'airlock-plain-fn'];

  function configuration(name: string, region: string): Record<string, unknown> {
    const config: Record<string, unknown> = {
      FunctionName: name,
      FunctionArn: `arn:aws:lambda:${region}:${identity.accountId}:function:${name}`,
      Runtime: 'nodejs20.x',
      Role: `arn:aws:iam::${identity.accountId}:role/airlock-existing-role`,
      Handler: 'index.handler',
      CodeSize: 312,
      Description: 'fake function',
      Timeout: 3,
      MemorySize: 128,
      LastModified: '2024-01-01T00:00:00.000+0000',
      CodeSha256: 'n8aTIzT0uE5ZXdI9ktm+9bxmaTZbO5OLfVgjq6sZLqI=',
      Version: '$LATEST',
      PackageType: 'Zip',
      Architectures: ['x86_64'],
      State: 'Active',
      LastUpdateStatus: 'Successful',
    };
    if (name === plant.functionName) config['Environment'] = { Variables: { ...plant.environment } };
    return config;
  }

  function notFound(operation: string, name: string, region: string): StubResponse {
    return stubError(
      'rest-json',
      'lambda',
      operation,
      404,
      'ResourceNotFoundException',
      `Function not found: arn:aws:lambda:${region}:${identity.accountId}:function:${name}`,
    );
  }

  function invoke(req: StubRequest, name: string): StubResponse {
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'Event') return restOk('Invoke', 202, '');
    if (type === 'DryRun') return restOk('Invoke', 204, '');
    let input: unknown = null;
    try {
      input = req.body.length > 0 ? JSON.parse(req.body.toString('utf8')) : null;
    } catch {
      input = req.body.toString('utf8');
    }
    const payload = JSON.stringify({ statusCode: 200, function: name, echo: input });
    return restOk('Invoke', 200, payload, { 'x-amz-executed-version': '$LATEST' });
  }

  return {
    signingName: 'lambda',
    reset: () => undefined,
    handle(req: StubRequest): StubResponse {
      const m = /^\/2015-03-31\/functions\/?([^/]*)(\/invocations)?\/?$/.exec(req.path);
      if (!m) return unknownOperation('rest-json', 'lambda', `${req.method} ${req.path}`);
      const [, piece = '', invocations] = m;
      if (piece === '' && req.method === 'GET') {
        const functions = names.map((n) => configuration(n, req.region));
        return restOk('ListFunctions', 200, JSON.stringify({ Functions: functions }));
      }
      const name = functionNameFrom(piece);
      const operation = invocations ? 'Invoke' : 'GetFunction';
      if (!names.includes(name)) return notFound(operation, name, req.region);
      if (invocations && req.method === 'POST') return invoke(req, name);
      if (!invocations && req.method === 'GET') {
        const body = {
          Configuration: configuration(name, req.region),
          Code: {
            RepositoryType: 'S3',
            Location: `https://awslambda-${req.region}-tasks.s3.amazonaws.com/snapshots/${name}`,
          },
          Tags: { team: 'airlock' },
        };
        return restOk('GetFunction', 200, JSON.stringify(body));
      }
      return unknownOperation('rest-json', 'lambda', `${req.method} ${req.path}`);
    },
  };
}
