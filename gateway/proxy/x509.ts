/**
 * X.509 certificates for proxy mode's local CA and its leaf certificates. The ASN.1 structure
 * comes from @peculiar/asn1-x509 (RFC 5280 schemas, no dependency-injection runtime); keys and
 * signatures are node:crypto's, so the private keys never pass through JavaScript crypto code.
 */
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';
import { isIP } from 'node:net';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const ID_AT_COMMON_NAME = '2.5.4.3';
const ID_AT_ORGANIZATION = '2.5.4.10';

export interface CertificateSpec {
  readonly subject: DistinguishedName;
  /** The issuer's subject exactly as encoded in its certificate; absent for a self-signed CA. */
  readonly issuer?: Name;
  /** The certified key (public half). */
  readonly publicKey: KeyObject;
  /** The issuer's private key (ECDSA P-256): the certificate is signed with it. */
  readonly signingKey: KeyObject;
  /** Subject key identifier of the issuer, for the authority key identifier extension. */
  readonly issuerKeyId: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** A CA certificate (may sign leaves, path length 0), else a TLS server leaf. */
  readonly ca: boolean;
  /** DNS names or IP addresses for the subject alternative name (leaves). */
  readonly altNames?: readonly string[];
}

export interface DistinguishedName {
  readonly commonName: string;
  readonly organization?: string;
}

function name(n: DistinguishedName): Name {
  const rdns = [new RelativeDistinguishedName([attribute(ID_AT_COMMON_NAME, n.commonName)])];
  if (n.organization !== undefined)
    rdns.unshift(new RelativeDistinguishedName([attribute(ID_AT_ORGANIZATION, n.organization)]));
  return new Name(rdns);
}

function attribute(type: string, value: string): AttributeTypeAndValue {
  return new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) });
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bit string. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  return createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** A positive 16-byte serial: the top bit cleared so DER keeps it unsigned. */
function serialNumber(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return toArrayBuffer(bytes);
}

function keyUsage(flags: number): KeyUsage {
  const ku = new KeyUsage();
  ku.fromNumber(flags);
  return ku;
}

/** Builds and signs one certificate; returns its DER bytes. */
export function createCertificate(spec: CertificateSpec): Buffer {
  const signatureAlgorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const spki = AsnConvert.parse(spec.publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  const extensions: Extension[] = [
    extension(
      id_ce_basicConstraints,
      true,
      new BasicConstraints(spec.ca ? { cA: true, pathLenConstraint: 0 } : { cA: false }),
    ),
    extension(
      id_ce_keyUsage,
      true,
      keyUsage(spec.ca ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature),
    ),
    extension(
      id_ce_subjectKeyIdentifier,
      false,
      new SubjectKeyIdentifier(toArrayBuffer(keyIdentifier(spec.publicKey))),
    ),
    extension(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(toArrayBuffer(spec.issuerKeyId)) }),
    ),
  ];
  if (!spec.ca) {
    extensions.push(extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])));
    const names = (spec.altNames ?? []).map((n) =>
      isIP(n) ? new GeneralName({ iPAddress: n }) : new GeneralName({ dNSName: n }),
    );
    extensions.push(extension(id_ce_subjectAltName, false, new SubjectAlternativeName(names)));
  }
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    signature: signatureAlgorithm,
    issuer: spec.issuer ?? name(spec.subject),
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject: name(spec.subject),
    subjectPublicKeyInfo: spki,
    extensions: new Extensions(extensions),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  // node:crypto's ECDSA signature is already the DER Ecdsa-Sig-Value X.509 expects.
  const signature = sign('sha256', tbsDer, { key: spec.signingKey, dsaEncoding: 'der' });
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm,
    signatureValue: toArrayBuffer(signature),
  });
  return Buffer.from(AsnConvert.serialize(cert));
}

/** A certificate's subject as encoded, to name it as the issuer of the leaves it signs. */
export function subjectOf(certDer: Buffer): Name {
  return AsnConvert.parse(certDer, Certificate).tbsCertificate.subject;
}

export function toPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
}
