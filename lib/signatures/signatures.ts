import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * Verification of detached CMS (PKCS#7 SignedData) signatures over a document's canonical
 * bytes (p.8, p.28), and of the signer's certificate: its chain to a configured trust store,
 * its validity at the moment checked, its revocation per the configured CRLs, and whose it
 * is (the IIN or BIN in its subject, as the national CA writes them).
 *
 * pkijs parses and verifies; node's WebCrypto is its engine (RSA PKCS#1 v1.5, RSA-PSS,
 * ECDSA P-256/384/521). The national GOST 34.310-2004 algorithm plugs in as another engine
 * (`useCryptoEngine`, docs/authentication.md), nothing here changes.
 */

/** Why a signature is refused; each with a sentence in `SignatureRefused.message`. */
export type SignatureRefusalReason =
  /** The signer's certificate does not chain to a root of the trust store. */
  | 'UNKNOWN_CA'
  /** A certificate of the chain had expired at the moment checked. */
  | 'EXPIRED'
  /** A certificate of the chain was not yet valid at the moment checked. */
  | 'NOT_YET_VALID'
  /** A certificate of the chain is on its CA's revocation list, revoked on or before the moment checked. */
  | 'REVOKED'
  /** CRLs are configured, but none signed by this CA and still current covers the certificate. */
  | 'REVOCATION_UNKNOWN'
  /** The certificate is valid but names another person or organisation than expected. */
  | 'WRONG_SIGNER'
  /** The signature does not match the content (the content or the signed attributes were changed). */
  | 'CONTENT_ALTERED'
  /** Not a CMS SignedData with one signer and its certificate, or an algorithm the engine does not know. */
  | 'MALFORMED';

export class SignatureRefused extends Error {
  constructor(
    readonly reason: SignatureRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'SignatureRefused';
  }
}

/** What the roots and revocation lists are, parsed once (`loadTrustStore`). */
export interface TrustStore {
  roots: readonly pkijs.Certificate[];
  crls: readonly pkijs.CertificateRevocationList[];
}

/** Who a certificate names: the national CA's forms, `SERIALNUMBER=IIN…` and `OU=BIN…`. */
export interface CertificateSubject {
  /** The person's IIN (12 digits) from `serialNumber` "IIN…", or null. */
  iin: string | null;
  /** The organisation's BIN (12 digits) from `OU` "BIN…", or null (a person's own certificate). */
  bin: string | null;
  /** The subject's common name (CN): the person's full name in the national CA's certificates. */
  commonName: string | null;
  /** Surname and given name (SN, G) when present. */
  surname: string | null;
  givenName: string | null;
}

export interface VerifiedSignature {
  signer: CertificateSubject;
  /** The certificate's serial number in hex, and its issuer's distinguished name. */
  certificateSerial: string;
  issuer: string;
  /** The signingTime attribute, when the signature carries one (asserted by the signer). */
  signedAt: Date | null;
  /** The moment the certificate's validity and revocation were checked at. */
  checkedAt: Date;
}

/** Whom the signature must be of: a person by IIN, an organisation by BIN, or both (an organisation's employee). */
export interface ExpectedSigner {
  iin?: string;
  bin?: string;
}

export interface VerifyOptions {
  /** The CMS SignedData, DER bytes or base64 (PEM armour allowed). */
  signature: Uint8Array | string;
  /**
   * The exact bytes signed (a document's canonical bytes), or only their SHA-256 where the
   * bytes are not kept (a sign-in nonce stored hashed): the signature's messageDigest
   * attribute must then be a SHA-256 equal to it.
   */
  content: Uint8Array | { sha256: Uint8Array };
  trust: TrustStore;
  expected?: ExpectedSigner;
  /**
   * The moment the certificate must have been valid and not revoked at:
   * - `'signingTime'` (default): the signature's signingTime attribute, or `now` when it has none;
   * - a Date: exactly that moment (sign-in checks at the time of the sign-in, ignoring what the signer claims).
   * signingTime is asserted by the signer; where that is not enough, a timestamp token is the remedy (not handled here).
   */
  at?: 'signingTime' | Date;
  now?: Date;
}

const oids = {
  signedData: '1.2.840.113549.1.7.2',
  signingTime: '1.2.840.113549.1.9.5',
  basicConstraints: '2.5.29.19',
  serialNumber: '2.5.4.5',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  givenName: '2.5.4.42',
};

/** At most this many certificates between the signer and a root. */
const maxChainLength = 6;

let engineSet = false;

/**
 * The crypto engine pkijs verifies with. Default: node's WebCrypto. A GOST 34.310 engine
 * (a `pkijs.CryptoEngine` whose `subtle` implements the GOST algorithms and whose
 * `getAlgorithmByOID`/`getHashAlgorithm` map their OIDs) is installed here at start.
 */
export function useCryptoEngine(engine: pkijs.ICryptoEngine): void {
  pkijs.setEngine(engine.name, engine);
  engineSet = true;
}

function ensureEngine(): void {
  if (engineSet) return;
  useCryptoEngine(new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as Crypto }));
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** DER blocks of a PEM text, by label (CERTIFICATE, X509 CRL, CMS, PKCS7). */
export function pemBlocks(text: string, label?: string): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const match of text.matchAll(pattern)) {
    if (label && match[1] !== label) continue;
    blocks.push(new Uint8Array(Buffer.from((match[2] ?? '').replace(/\s+/g, ''), 'base64')));
  }
  return blocks;
}

function parseDer<T>(bytes: Uint8Array, build: (schema: asn1js.AsnType) => T): T | null {
  try {
    const parsed = asn1js.fromBER(toArrayBuffer(bytes));
    if (parsed.offset === -1 || parsed.offset !== bytes.byteLength) return null;
    return build(parsed.result);
  } catch {
    return null;
  }
}

export function parseCertificate(der: Uint8Array): pkijs.Certificate | null {
  return parseDer(der, (schema) => new pkijs.Certificate({ schema }));
}

/**
 * The trust store from PEM texts: the roots (certificates of the national CA's roots in
 * production) and their CRLs (PEM `X509 CRL` blocks, or DER). A block that does not parse
 * fails loudly: a trust store is configuration.
 */
export function loadTrustStore(source: { rootsPem: string; crls?: readonly (string | Uint8Array)[] }): TrustStore {
  const roots = pemBlocks(source.rootsPem, 'CERTIFICATE').map((der, index) => {
    const certificate = parseCertificate(der);
    if (!certificate) throw new Error(`Trust store: root certificate ${index + 1} does not parse.`);
    return certificate;
  });
  const crls = (source.crls ?? []).flatMap(crlBlocks).map((der, index) => {
    const parsed = parseDer(der, (schema) => new pkijs.CertificateRevocationList({ schema }));
    if (!parsed) throw new Error(`Trust store: CRL ${index + 1} does not parse.`);
    return parsed;
  });
  return { roots, crls };
}

/** The DER blocks of one configured CRL: PEM (`X509 CRL` or `CRL`) or DER; a text holding none is a configuration error. */
function crlBlocks(crl: string | Uint8Array, index: number): Uint8Array[] {
  if (typeof crl !== 'string') return [crl];
  const blocks = [...pemBlocks(crl, 'X509 CRL'), ...pemBlocks(crl, 'CRL')];
  if (blocks.length === 0) throw new Error(`Trust store: CRL source ${index + 1} holds no PEM CRL block.`);
  return blocks;
}

function decodeSignature(signature: Uint8Array | string): Uint8Array | null {
  if (typeof signature !== 'string') return signature;
  const pem = pemBlocks(signature);
  if (pem.length > 0) return pem[0] ?? null;
  const text = signature.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  return new Uint8Array(Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64'));
}

function malformed(message: string): SignatureRefused {
  return new SignatureRefused('MALFORMED', message);
}

function attributeText(name: pkijs.RelativeDistinguishedNames, type: string): string | null {
  const value = name.typesAndValues.find((entry) => entry.type === type)?.value;
  if (!value) return null;
  const text = (value.valueBlock as { value?: unknown }).value;
  return typeof text === 'string' ? text : null;
}

/** The IIN, BIN and names of a certificate's subject. */
export function certificateSubject(certificate: pkijs.Certificate): CertificateSubject {
  const subject = certificate.subject;
  const serial = attributeText(subject, oids.serialNumber);
  const iin = serial?.match(/^IIN(\d{12})$/)?.[1] ?? null;
  const units = subject.typesAndValues.filter((entry) => entry.type === oids.organizationalUnit);
  let bin: string | null = null;
  for (const unit of units) {
    const text = (unit.value.valueBlock as { value?: unknown }).value;
    const found = typeof text === 'string' ? text.match(/^BIN(\d{12})$/)?.[1] : undefined;
    if (found) bin = found;
  }
  return {
    iin,
    bin,
    commonName: attributeText(subject, oids.commonName),
    surname: attributeText(subject, oids.surname),
    givenName: attributeText(subject, oids.givenName),
  };
}

function distinguishedName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((entry) => {
      const text = (entry.value.valueBlock as { value?: unknown }).value;
      return `${entry.type}=${typeof text === 'string' ? text : '?'}`;
    })
    .join(', ');
}

function hex(integer: asn1js.Integer): string {
  return Buffer.from(integer.valueBlock.valueHexView).toString('hex');
}

/** A serial number compared by value (encoders differ on leading zero octets). */
function serialKey(integer: asn1js.Integer): string {
  return hex(integer).replace(/^(00)+(?=.)/, '');
}

function isCertificateAuthority(certificate: pkijs.Certificate): boolean {
  const extension = certificate.extensions?.find((entry) => entry.extnID === oids.basicConstraints);
  const constraints = extension?.parsedValue as pkijs.BasicConstraints | undefined;
  return constraints?.cA === true;
}

async function issuedBy(subject: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  if (!subject.issuer.isEqual(issuer.subject)) return false;
  try {
    return await subject.verify(issuer);
  } catch {
    return false;
  }
}

/** The path signer → … → root, the root last; UNKNOWN_CA when none reaches the trust store. */
async function chainOf(signer: pkijs.Certificate, offered: readonly pkijs.Certificate[], trust: TrustStore): Promise<pkijs.Certificate[]> {
  const path = [signer];
  let current = signer;
  while (path.length <= maxChainLength) {
    for (const root of trust.roots) if (await issuedBy(current, root)) return [...path, root];
    let next: pkijs.Certificate | null = null;
    for (const candidate of offered) {
      if (path.includes(candidate) || !isCertificateAuthority(candidate)) continue;
      if (await issuedBy(current, candidate)) {
        next = candidate;
        break;
      }
    }
    if (!next) break;
    path.push(next);
    current = next;
  }
  throw new SignatureRefused('UNKNOWN_CA', "The signer's certificate was not issued by a certification authority this system trusts.");
}

function checkValidity(path: readonly pkijs.Certificate[], at: Date): void {
  for (const [index, certificate] of path.entries()) {
    const whose = index === 0 ? "The signer's certificate" : 'A certificate of its chain';
    if (at < certificate.notBefore.value)
      throw new SignatureRefused(
        'NOT_YET_VALID',
        `${whose} was not yet valid at ${at.toISOString()} (valid from ${certificate.notBefore.value.toISOString()}).`,
      );
    if (at > certificate.notAfter.value)
      throw new SignatureRefused(
        'EXPIRED',
        `${whose} had expired at ${at.toISOString()} (valid until ${certificate.notAfter.value.toISOString()}).`,
      );
  }
}

/**
 * Revocation per the configured CRLs: each certificate below the root is looked up in a
 * CRL signed by its issuer (the signature is verified; a CRL that does not verify counts
 * as none). With no CRL configured at all, revocation is not checked; with CRLs
 * configured, a certificate whose issuer has no current CRL is REVOCATION_UNKNOWN.
 */
async function checkRevocation(path: readonly pkijs.Certificate[], trust: TrustStore, at: Date, now: Date): Promise<void> {
  if (trust.crls.length === 0) return;
  for (let index = 0; index < path.length - 1; index++) {
    const certificate = path[index] as pkijs.Certificate;
    const issuer = path[index + 1] as pkijs.Certificate;
    let covered = false;
    for (const crl of trust.crls) {
      if (!crl.issuer.isEqual(issuer.subject)) continue;
      let genuine = false;
      try {
        genuine = await crl.verify({ issuerCertificate: issuer });
      } catch {
        genuine = false;
      }
      if (!genuine) continue;
      if (crl.nextUpdate && crl.nextUpdate.value < now) continue;
      covered = true;
      const serial = serialKey(certificate.serialNumber);
      const entry = crl.revokedCertificates?.find((revoked) => serialKey(revoked.userCertificate) === serial);
      if (entry && entry.revocationDate.value <= at)
        throw new SignatureRefused(
          'REVOKED',
          `${index === 0 ? "The signer's certificate" : 'A certificate of its chain'} was revoked on ${entry.revocationDate.value.toISOString()}.`,
        );
    }
    if (!covered)
      throw new SignatureRefused(
        'REVOCATION_UNKNOWN',
        'No current revocation list of the issuing certification authority is available; the certificate cannot be checked.',
      );
  }
}

const sha256Oid = '2.16.840.1.101.3.4.2.1';

/**
 * The signature over signed attributes whose messageDigest must equal `sha256`: what
 * pkijs's `verify` does after hashing the content, for a content known only by its hash.
 */
async function verifyOverDigest(
  signerInfo: pkijs.SignerInfo,
  offered: readonly pkijs.Certificate[],
  sha256: Uint8Array,
): Promise<{ signatureVerified: boolean; signerCertificate: pkijs.Certificate | null }> {
  const sid = signerInfo.sid;
  const signer =
    sid instanceof pkijs.IssuerAndSerialNumber
      ? offered.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber))
      : undefined;
  if (!signer) throw malformed("The signature does not include the signer's certificate (by issuer and serial number).");
  if (signerInfo.digestAlgorithm.algorithmId !== sha256Oid) throw malformed('The signature must use SHA-256 as its digest algorithm here.');
  const attributes = signerInfo.signedAttrs?.attributes ?? [];
  if (!attributes.some((entry) => entry.type === '1.2.840.113549.1.9.3')) throw malformed('The signature has no content-type attribute.');
  const digest = attributes.find((entry) => entry.type === '1.2.840.113549.1.9.4')?.values[0];
  if (!(digest instanceof asn1js.OctetString)) throw malformed('The signature has no message-digest attribute.');
  if (!Buffer.from(digest.valueBlock.valueHexView).equals(Buffer.from(sha256)))
    throw new SignatureRefused('CONTENT_ALTERED', 'The signature does not match the content: it was made over other content.');
  const engine = pkijs.getCrypto(true);
  const encoded = signerInfo.signedAttrs?.encodedValue ?? new ArrayBuffer(0);
  const verified = await engine.verifyWithPublicKey(
    encoded,
    signerInfo.signature,
    signer.subjectPublicKeyInfo,
    signerInfo.signatureAlgorithm,
    'SHA-256',
  );
  return { signatureVerified: verified, signerCertificate: signer };
}

function signingTimeOf(signerInfo: pkijs.SignerInfo): Date | null {
  const attribute = signerInfo.signedAttrs?.attributes.find((entry) => entry.type === oids.signingTime);
  const value = attribute?.values[0];
  if (value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime) return value.toDate();
  return null;
}

/**
 * Verifies a detached CMS signature over `content` and the signer's certificate; returns
 * who signed and when, or throws `SignatureRefused` with its reason. Checks, in order:
 * the structure (MALFORMED), the signature over the content (CONTENT_ALTERED), the chain
 * to the trust store (UNKNOWN_CA), validity (EXPIRED, NOT_YET_VALID), revocation (REVOKED,
 * REVOCATION_UNKNOWN) and the expected subject (WRONG_SIGNER).
 */
export async function verifyDetachedSignature(options: VerifyOptions): Promise<VerifiedSignature> {
  ensureEngine();
  const now = options.now ?? new Date();
  const der = decodeSignature(options.signature);
  if (!der || der.byteLength === 0) throw malformed('The signature is not base64 or PEM of a CMS SignedData.');
  const info = parseDer(der, (schema) => new pkijs.ContentInfo({ schema }));
  if (!info || info.contentType !== oids.signedData) throw malformed('The signature is not a CMS SignedData.');
  const signed = parseDer(new Uint8Array(info.content.toBER(false)), (schema) => new pkijs.SignedData({ schema }));
  if (!signed) throw malformed('The CMS SignedData does not parse.');
  if (signed.signerInfos.length !== 1) throw malformed('The signature must have exactly one signer.');
  const signerInfo = signed.signerInfos[0] as pkijs.SignerInfo;
  if (!signerInfo.signedAttrs) throw malformed('The signature has no signed attributes (message digest, content type).');

  // A signature with the content inside is accepted only when that content is the document.
  const attached = signed.encapContentInfo.eContent;
  if (attached) {
    const carried = new Uint8Array(attached.getValue());
    const same =
      options.content instanceof Uint8Array
        ? Buffer.from(carried).equals(Buffer.from(options.content))
        : Buffer.from(await webcrypto.subtle.digest('SHA-256', carried)).equals(Buffer.from(options.content.sha256));
    if (!same) throw new SignatureRefused('CONTENT_ALTERED', 'The signature carries other content than the document.');
  }

  const offered = (signed.certificates ?? []).filter((entry): entry is pkijs.Certificate => entry instanceof pkijs.Certificate);
  let result: { signatureVerified?: boolean | null; signerCertificate?: pkijs.Certificate | null };
  try {
    result =
      options.content instanceof Uint8Array
        ? await signed.verify({ signer: 0, data: toArrayBuffer(options.content), checkChain: false, extendedMode: true })
        : await verifyOverDigest(signerInfo, offered, options.content.sha256);
  } catch (error) {
    if (error instanceof SignatureRefused) throw error;
    const code = (error as { code?: number }).code;
    const message = String((error as { message?: unknown }).message ?? '');
    if (code === 15 && /digest/i.test(message))
      throw new SignatureRefused('CONTENT_ALTERED', 'The signature does not match the content: the document was changed after signing.');
    if (code === 2 || code === 3) throw malformed("The signature does not include the signer's certificate.");
    if (code === 7) throw malformed('The signature uses an algorithm this system does not verify.');
    throw malformed('The signature could not be verified: it is damaged or uses an unsupported algorithm.');
  }
  if (!result.signatureVerified || !result.signerCertificate)
    throw new SignatureRefused('CONTENT_ALTERED', 'The signature does not match the content or its signed attributes.');
  const signer = result.signerCertificate;

  const signedAt = signingTimeOf(signerInfo);
  const at = options.at instanceof Date ? options.at : (signedAt ?? now);
  if (at.getTime() > now.getTime() + 5 * 60_000) throw malformed('The signing time is in the future.');

  const path = await chainOf(signer, offered, options.trust);
  checkValidity(path, at);
  await checkRevocation(path, options.trust, at, now);

  const subject = certificateSubject(signer);
  const expected = options.expected;
  if (expected?.iin !== undefined && subject.iin !== expected.iin)
    throw new SignatureRefused('WRONG_SIGNER', 'The signature was made with the certificate of another person (the IIN differs).');
  if (expected?.bin !== undefined && subject.bin !== expected.bin)
    throw new SignatureRefused('WRONG_SIGNER', 'The signature was made with the certificate of another organisation (the BIN differs).');

  return {
    signer: subject,
    certificateSerial: hex(signer.serialNumber),
    issuer: distinguishedName(signer.issuer),
    signedAt,
    checkedAt: at,
  };
}
