import { randomInt } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+';

export function randomChars(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** An id shaped like AWS's (prefix + base32-ish uppercase), e.g. AKIA..., ASIA..., AROA... */
export function awsStyleId(prefix: string, length = 16): string {
  return prefix + randomChars(UPPER_ALNUM, length);
}

/** A 40-character secret from the same alphabet AWS uses, '/' and '+' included on purpose. */
export function awsStyleSecret(): string {
  return randomChars(SECRET_CHARS, 40);
}

export interface FakeCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export function newCredentials(): FakeCredentials {
  return { accessKeyId: awsStyleId('AKIA'), secretAccessKey: awsStyleSecret() };
}
