/**
 * Reads the credentials in an STS AssumeRole answer (query protocol XML) and puts the derived
 * ones in the agent's copy. Pure.
 */
export interface AssumedRoleAnswer {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration: Date;
  readonly roleArn?: string;
}

function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

const unescape = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

export function readAssumedRole(xml: string): AssumedRoleAnswer | undefined {
  const creds = /<Credentials>([\s\S]*?)<\/Credentials>/.exec(xml)?.[1];
  if (!creds) return undefined;
  const accessKeyId = tag(creds, 'AccessKeyId');
  const secretAccessKey = tag(creds, 'SecretAccessKey');
  const expiration = new Date(tag(creds, 'Expiration') ?? '');
  if (!accessKeyId || !secretAccessKey || Number.isNaN(expiration.getTime())) return undefined;
  const token = tag(creds, 'SessionToken');
  const roleArn = tag(/<AssumedRoleUser>([\s\S]*?)<\/AssumedRoleUser>/.exec(xml)?.[1] ?? '', 'Arn');
  return {
    accessKeyId: unescape(accessKeyId),
    secretAccessKey: unescape(secretAccessKey),
    ...(token ? { sessionToken: unescape(token) } : {}),
    expiration,
    ...(roleArn ? { roleArn: unescape(roleArn) } : {}),
  };
}

/** The agent's copy with the derived key, secret and token in place of whatever it held. */
export function withDerivedCredentials(
  xml: string,
  d: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
): string {
  return xml.replace(/<Credentials>([\s\S]*?)<\/Credentials>/, (_m, inner: string) => {
    const set = (s: string, name: string, v: string): string =>
      s.replace(new RegExp(`<${name}>[^<]*</${name}>`), `<${name}>${v}</${name}>`);
    return `<Credentials>${set(set(set(inner, 'AccessKeyId', d.accessKeyId), 'SecretAccessKey', d.secretAccessKey), 'SessionToken', d.sessionToken)}</Credentials>`;
  });
}
