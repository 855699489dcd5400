import { randomUUID } from 'node:crypto';
import type { FakeIdentity, ServiceStub, StubRequest, StubResponse } from '../types';
import { jsonOk, parseJsonBody, stubError, unknownOperation } from './shared';
import { randomChars } from '../credentials';

export interface SecretPlant {
  name: string;
  value: string;
}

interface Secret {
  name: string;
  suffix: string;
  value: string;
  versionId: string;
  created: number;
  changed: number;
}

export function createSecretsManagerStub(identity: FakeIdentity, plant: SecretPlant): ServiceStub {
  const secrets = new Map<string, Secret>();

  function seed(): void {
    secrets.clear();
    const now = Math.floor(Date.now() / 1000);
    secrets.set(plant.name, {
      name: plant.name,
      suffix: randomChars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 6),
      value: plant.value,
      versionId: randomUUID(),
      created: now,
      changed: now,
    });
  }
  seed();

  const arnOf = (s: Secret, region: string): string =>
    `arn:aws:secretsmanager:${region}:${identity.accountId}:secret:${s.name}-${s.suffix}`;

  function find(id: unknown, region: string): Secret | undefined {
    if (typeof id !== 'string') return undefined;
    return secrets.get(id) ?? [...secrets.values()].find((s) => arnOf(s, region) === id);
  }

  function notFound(operation: string): StubResponse {
    return stubError(
      'json',
      'secretsmanager',
      operation,
      400,
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
  }

  return {
    signingName: 'secretsmanager',
    reset: seed,
    handle(req: StubRequest): StubResponse {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('secretsmanager.')
        ? target.slice('secretsmanager.'.length)
        : target;
      let input: Record<string, unknown>;
      try {
        input = parseJsonBody(req);
      } catch {
        return stubError(
          'json',
          'secretsmanager',
          operation,
          400,
          'SerializationException',
          'body is not JSON',
        );
      }
      switch (operation) {
        case 'GetSecretValue': {
          const s = find(input['SecretId'], req.region);
          if (!s) return notFound(operation);
          return jsonOk(operation, {
            ARN: arnOf(s, req.region),
            Name: s.name,
            VersionId: s.versionId,
            SecretString: s.value,
            VersionStages: ['AWSCURRENT'],
            CreatedDate: s.changed,
          });
        }
        case 'ListSecrets':
          return jsonOk(operation, {
            SecretList: [...secrets.values()].map((s) => ({
              ARN: arnOf(s, req.region),
              Name: s.name,
              LastChangedDate: s.changed,
              CreatedDate: s.created,
              SecretVersionsToStages: { [s.versionId]: ['AWSCURRENT'] },
            })),
          });
        case 'PutSecretValue': {
          const s = find(input['SecretId'], req.region);
          if (!s) return notFound(operation);
          if (typeof input['SecretString'] !== 'string') {
            return stubError(
              'json',
              'secretsmanager',
              operation,
              400,
              'InvalidParameterException',
              'SecretString is required by this fake',
            );
          }
          s.value = input['SecretString'];
          s.versionId =
            typeof input['ClientRequestToken'] === 'string' ? input['ClientRequestToken'] : randomUUID();
          s.changed = Math.floor(Date.now() / 1000);
          return jsonOk(operation, {
            ARN: arnOf(s, req.region),
            Name: s.name,
            VersionId: s.versionId,
            VersionStages: ['AWSCURRENT'],
          });
        }
        default:
          return unknownOperation('json', 'secretsmanager', operation || 'unknown');
      }
    },
  };
}
