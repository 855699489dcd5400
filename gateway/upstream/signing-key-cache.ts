import { getSigningKey } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, ChecksumConstructor, HashConstructor } from '@smithy/types';

/** Distinct day/region/service/credential combinations kept; a new day or key rotation refills it. */
const MAX_KEYS = 64;

/**
 * The SigV4 signing key per day, region, service and credentials. Smithy caches its keys too, but
 * finds them by an HMAC of the secret computed on every sign (about 7% of the gateway's CPU per
 * call in the issue 16 profile); this looks them up by the key id, session token and the secret
 * itself compared as a string, and derives a missing one with smithy's own function.
 */
export class SigningKeyCache {
  private readonly keys = new Map<string, { readonly secret: string; readonly key: Promise<Uint8Array> }>();

  constructor(private readonly sha256: ChecksumConstructor | HashConstructor) {}

  get(
    credentials: AwsCredentialIdentity,
    shortDate: string,
    region: string,
    service: string,
  ): Promise<Uint8Array> {
    const id = `${shortDate}\n${region}\n${service}\n${credentials.accessKeyId}\n${credentials.sessionToken ?? ''}`;
    const hit = this.keys.get(id);
    if (hit && hit.secret === credentials.secretAccessKey) return hit.key;
    if (this.keys.size >= MAX_KEYS) this.keys.clear();
    const key = getSigningKey(this.sha256, credentials, shortDate, region, service);
    // A failed derivation is not kept: the next sign tries again.
    key.catch(() => this.keys.delete(id));
    this.keys.set(id, { secret: credentials.secretAccessKey, key });
    return key;
  }
}
