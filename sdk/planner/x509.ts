/**
 * X.509 certificates for isakmpd and iked (isakmpd(8) "X.509 AUTHENTICATION", seeds/003 FAQ 13.9): a CA
 * certificate (self-signed, `CA:TRUE`), and per gateway a certificate of its RSA key (rsakeys.ts) whose
 * subjectAltName is the identity the tunnel uses — an IP address (isakmpd's default ID), a DNS name for an
 * FQDN `srcid`, an e-mail address for `user@fqdn` — signed by the CA.
 *
 * Decision: certificates are *derived*, like the keys: the CA key from the CA's secret seed, each gateway's
 * key from its key seed, serial numbers from a hash of what the certificate says, validity from the CA's
 * declared dates (no clock), and RSA PKCS#1 v1.5 signatures (deterministic, unlike ECDSA's). The same
 * program yields the same bytes on every run, so preview is clean after up, and no CA private key is ever
 * stored: not in the state, not on a gateway (only ca.crt is installed). Rotating the CA seed reissues every
 * certificate. The DER is built with @peculiar/asn1-x509 (typed ASN.1 of RFC 5280) and signed with
 * node:crypto. Pure: no randomness, no clock, no I/O.
 */
import type * as Asn1Schema from "@peculiar/asn1-schema";
import type * as Asn1X509 from "@peculiar/asn1-x509";
import type { GeneralName, KeyIdentifier, SubjectPublicKeyInfo, TBSCertificate } from "@peculiar/asn1-x509";
import { localRequire } from "../local-require";
import { createHash, createPublicKey, sign } from "node:crypto";
import { idType } from "./ike-ids";
import { parseNet } from "../model/address/index";
import { deriveRsaKeyPair } from "./rsakeys";
import type { PemKeyPair } from "./keys";

/**
 * The ASN.1 libraries (some 85 modules, ~30 ms of CPU to load), required on the first certificate: a program
 * without X.509 does not pay for them on every `pulumi preview`.
 */
let asn1Libs: typeof Asn1Schema & typeof Asn1X509 | undefined;
function asn1(): typeof Asn1Schema & typeof Asn1X509 {
  if (!asn1Libs) {
    asn1Libs = { ...(localRequire("@peculiar/asn1-schema") as typeof Asn1Schema), ...(localRequire("@peculiar/asn1-x509") as typeof Asn1X509) };
  }
  return asn1Libs;
}

/** A certificate authority as the planner sees it (components/ca.ts). */
export interface CaSpec {
  /** The CertificateAuthority resource's name. */
  name: string;
  /** Secret seed of the CA's RSA key. */
  keySeed: string;
  /** Subject common name (`CN=`). Default the resource's name. */
  commonName?: string;
  /** Validity of every certificate it issues, ISO 8601 UTC (`2025-01-01T00:00:00Z`). Default {@link CA_DEFAULTS}. */
  notBefore?: string;
  notAfter?: string;
}

/** The validity of a CA's certificates when none is given (the planner applies it): 2025 to 2045. */
export const CA_DEFAULTS = { notBefore: "2025-01-01T00:00:00Z", notAfter: "2045-01-01T00:00:00Z" } as const;

/** A CA with its defaults applied. */
type Ca = Required<CaSpec>;
function withDefaults(ca: CaSpec): Ca {
  return { ...ca, commonName: ca.commonName ?? ca.name, notBefore: ca.notBefore ?? CA_DEFAULTS.notBefore, notAfter: ca.notAfter ?? CA_DEFAULTS.notAfter };
}

const SHA256_RSA = "1.2.840.113549.1.1.11";
const CN = "2.5.4.3";
/** DER NULL: the parameters of sha256WithRSAEncryption (RFC 4055). */
const NULL = new Uint8Array([5, 0]).buffer;

const ab = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
const nameOf = (cn: string) => {
  const { Name, RelativeDistinguishedName, AttributeTypeAndValue, AttributeValue } = asn1();
  return new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: CN, value: new AttributeValue({ utf8String: cn }) })])]);
};
const ext = (id: string, critical: boolean, value: unknown) => {
  const { Extension, OctetString, AsnConvert } = asn1();
  return new Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
};

/** Key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2, method 1). */
function keyId(spki: SubjectPublicKeyInfo): KeyIdentifier {
  return new (asn1().KeyIdentifier)(ab(createHash("sha1").update(Buffer.from(spki.subjectPublicKey)).digest()));
}

function spkiOf(publicKeyPem: string): SubjectPublicKeyInfo {
  const { AsnConvert, SubjectPublicKeyInfo } = asn1();
  return AsnConvert.parse(createPublicKey(publicKeyPem).export({ type: "spki", format: "der" }), SubjectPublicKeyInfo);
}

/** A positive 16-byte serial number from what the certificate says (same content, same serial). */
function serialOf(...parts: string[]): ArrayBuffer {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  const b = h.digest().subarray(0, 16);
  b[0] = (b[0]! & 0x7f) | 0x40;
  return ab(Buffer.from(b));
}

function pem(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString("base64");
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}

function signed(tbs: TBSCertificate, issuerKey: string): string {
  const { AsnConvert, Certificate, AlgorithmIdentifier } = asn1();
  const der = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign("sha256", der, issuerKey);
  return pem(AsnConvert.serialize(new Certificate({ tbsCertificate: tbs, signatureAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256_RSA, parameters: NULL }), signatureValue: ab(signature) })));
}

/** The CA's key pair (never installed anywhere; derived again on every run). */
export function caKeyPair(ca: CaSpec): PemKeyPair {
  return deriveRsaKeyPair(ca.keySeed, `ca-key:${ca.name}`);
}

// Time picks UTCTime before 2050 and GeneralizedTime from 2050 on (RFC 5280 4.1.2.5)
const validity = (ca: Ca) => new (asn1().Validity)({ notBefore: new Date(ca.notBefore), notAfter: new Date(ca.notAfter) });

/** The CA certificate (PEM): self-signed, CA:TRUE (critical), keyCertSign and cRLSign. */
export function caCertificate(spec: CaSpec): string {
  const { TBSCertificate, Version, AlgorithmIdentifier, Extensions, BasicConstraints, KeyUsage, KeyUsageFlags, SubjectKeyIdentifier, id_ce_basicConstraints, id_ce_keyUsage, id_ce_subjectKeyIdentifier } =
    asn1();
  const ca = withDefaults(spec);
  const key = caKeyPair(ca);
  const spki = spkiOf(key.publicKey);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialOf("ca", ca.name, ca.commonName, ca.notBefore, ca.notAfter, key.publicKey),
    signature: new AlgorithmIdentifier({ algorithm: SHA256_RSA, parameters: NULL }),
    issuer: nameOf(ca.commonName),
    validity: validity(ca),
    subject: nameOf(ca.commonName),
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      ext(id_ce_basicConstraints, true, new BasicConstraints({ cA: true })),
      ext(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
      ext(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(spki).buffer)),
    ]),
  });
  return signed(tbs, key.privateKey);
}

/** The subjectAltName entry of an identity: IP address, DNS name or e-mail (rfc822Name). */
function sanOf(id: string): GeneralName {
  const { GeneralName } = asn1();
  switch (idType(id)) {
    case "ipv4":
    case "ipv6":
      return new GeneralName({ iPAddress: parseNet(id)!.address });
    case "ufqdn":
      return new GeneralName({ rfc822Name: id });
    case "fqdn":
      return new GeneralName({ dNSName: id });
  }
}

/**
 * A gateway's certificate (PEM) for `identity`, of the public key `publicKey`, issued by `ca`: CN and
 * subjectAltName the identity, CA:FALSE, digitalSignature, authority/subject key identifiers.
 */
export function gatewayCertificate(spec: CaSpec, identity: string, publicKey: string): string {
  const a = asn1();
  const { TBSCertificate, Version, AlgorithmIdentifier, Extensions, BasicConstraints, KeyUsage, KeyUsageFlags, SubjectAlternativeName, SubjectKeyIdentifier, AuthorityKeyIdentifier } = a;
  const { id_ce_basicConstraints, id_ce_keyUsage, id_ce_subjectAltName, id_ce_subjectKeyIdentifier, id_ce_authorityKeyIdentifier } = a;
  const ca = withDefaults(spec);
  const caKey = caKeyPair(ca);
  const caSpki = spkiOf(caKey.publicKey);
  const spki = spkiOf(publicKey);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialOf("gateway", ca.name, identity, ca.notBefore, ca.notAfter, publicKey),
    signature: new AlgorithmIdentifier({ algorithm: SHA256_RSA, parameters: NULL }),
    issuer: nameOf(ca.commonName),
    validity: validity(ca),
    subject: nameOf(identity),
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      ext(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      ext(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
      ext(id_ce_subjectAltName, false, new SubjectAlternativeName([sanOf(identity)])),
      ext(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(spki).buffer)),
      ext(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: keyId(caSpki) })),
    ]),
  });
  return signed(tbs, caKey.privateKey);
}
