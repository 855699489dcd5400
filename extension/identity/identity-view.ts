import type { IdentityStatus } from '../../gateway/protocol';

/**
 * How the status bar names the credential mode (pure, no vscode): who is signed in, or that
 * nobody is, or that the gateway re-signs with a profile.
 */
export function identityPresentation(s: IdentityStatus | undefined): {
  readonly text: string;
  readonly line: string;
  readonly signedOut: boolean;
} {
  if (!s) return { text: '', line: '', signedOut: false };
  if (s.mode === 'profile')
    return {
      text: '',
      line: 'Credentials: the AWS profile of the gateway (no sign-in configured).',
      signedOut: false,
    };
  if (s.state === 'signed-in' && s.identity) {
    const who = s.identity.email ?? s.identity.subject;
    return {
      text: ` $(account) ${who.length > 24 ? `${who.slice(0, 23)}…` : who}`,
      line: `Credentials: signed in as ${who} (${s.issuer}) → ${s.roleArn}, held in the gateway's memory until ${s.expiresAt}.`,
      signedOut: false,
    };
  }
  return {
    text: ' $(account) signed out',
    line:
      s.state === 'failed'
        ? `Signed out: ${s.error}. Run "Airlock: Sign In"; AWS calls fail until then.`
        : 'Signed out. Run "Airlock: Sign In"; AWS calls fail until then.',
    signedOut: true,
  };
}
