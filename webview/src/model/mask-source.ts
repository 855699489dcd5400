/**
 * Why a value was masked, in plain words. The recording keeps the gateway's terms (`catalogue`,
 * `rule:<id>`, `shape:<kind>`); a person reading the timeline should not need them.
 */
const SHAPES: Readonly<Record<string, string>> = {
  'aws-secret-key': 'an AWS secret access key',
  'pem-private-key': 'a private key (PEM)',
  jwt: 'a JSON Web Token',
  'bearer-token': 'a bearer token',
};

export function maskSourceWords(source: string): string {
  if (source === 'catalogue') return 'a secret field of this operation, always masked';
  if (source.startsWith('rule:')) return `masked by workspace rule ${source.slice('rule:'.length)}`;
  if (source.startsWith('shape:')) {
    const kind = source.slice('shape:'.length);
    return `the value looks like ${SHAPES[kind] ?? kind}`;
  }
  return source;
}
