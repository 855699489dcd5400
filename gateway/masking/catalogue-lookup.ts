import { CATALOGUE, type CatalogueEntry } from './catalogue';
import { fieldSpec as f } from './field-path';
import type { FieldSpec } from './types';

const b64 = { base64: true } as const;

/**
 * Fields so unambiguous that they are masked in every call, whatever the operation (a newer API,
 * an operation the model does not know, a response the catalogue did not expect). They do not
 * make a call secret-bearing for the fail-safe rules: only the per-operation entries do.
 */
export const EVERYWHERE: CatalogueFields = {
  response: [
    f('Credentials.SecretAccessKey'),
    f('Credentials.SessionToken'),
    f('Credentials.SecretKey'),
    f('AccessKey.SecretAccessKey'),
    f('roleCredentials.secretAccessKey'),
    f('roleCredentials.sessionToken'),
    f('SecretString'),
    f('SecretBinary', b64),
    f('PrivateKeyPlaintext', b64),
    f('RandomPassword'),
    f('DbPassword'),
    f('ServicePassword'),
    f('AuthenticationResult.AccessToken'),
    f('AuthenticationResult.IdToken'),
    f('AuthenticationResult.RefreshToken'),
  ],
  request: [
    f('SecretString'),
    f('SecretBinary'),
    f('Password'),
    f('OldPassword'),
    f('NewPassword'),
    f('MasterUserPassword'),
    f('PrivateKey'),
    f('SSECustomerKey'),
  ],
};

export interface CatalogueFields {
  readonly response: readonly FieldSpec[];
  readonly request: readonly FieldSpec[];
}

function indexCatalogue(entries: readonly CatalogueEntry[]): Map<string, CatalogueFields> {
  const out = new Map<string, { response: FieldSpec[]; request: FieldSpec[] }>();
  for (const e of entries) {
    for (const op of e.operations === '*' ? ['*'] : e.operations) {
      const key = `${e.service}:${op}`;
      let slot = out.get(key);
      if (!slot) out.set(key, (slot = { response: [], request: [] }));
      slot.response.push(...(e.response ?? []));
      slot.request.push(...(e.request ?? []));
    }
  }
  return out;
}

const INDEX = indexCatalogue(CATALOGUE);
const NONE: CatalogueFields = { response: [], request: [] };

/** The catalogue's fields for one operation (plus the service's every-operation fields). */
export function catalogueFields(service: string, operation: string | undefined): CatalogueFields {
  const own = operation ? INDEX.get(`${service}:${operation}`) : undefined;
  const any = INDEX.get(`${service}:*`);
  if (!own && !any) return NONE;
  return {
    response: [...(own?.response ?? []), ...(any?.response ?? [])],
    request: [...(own?.request ?? []), ...(any?.request ?? [])],
  };
}
