import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * A certification authority made by a test: root → intermediate → signers, RSA or ECDSA,
 * CRLs, and detached CMS signatures made with pkijs the way NCALayer-style clients make
 * them (signed attributes: content type, message digest, signing time).
 */
const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);
pkijs.setEngine('test-webcrypto', new pkijs.CryptoEngine({ name: 'test-webcrypto', crypto }));

export type KeyKind = 'RSA' | 'ECDSA';

const algorithms: Record<KeyKind, RsaHashedKeyGenParams | EcKeyGenParams> = {
  RSA: {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  } as RsaHashedKeyGenParams,
  ECDSA: { name: 'ECDSA', namedCurve: 'P-256' },
};

function signingAlgorithm(kind: KeyKind): Algorithm | EcdsaParams {
  return kind === 'RSA' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' };
}

export interface Issued {
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
  kind: KeyKind;
}

const day = 86_400_000;
let serial = 0x1000;

function nextSerial(): string {
  serial += 1;
  return serial.toString(16).padStart(8, '0');
}

async function generate(kind: KeyKind): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(algorithms[kind], true, ['sign', 'verify'])) as CryptoKeyPair;
}

export interface PersonName {
  iin: string;
  commonName: string;
  bin?: string;
}

/** A subject as the national CA writes it: CN, SURNAME, SERIALNUMBER=IIN…, and OU=BIN… for an organisation's employee. */
export function nationalSubject(person: PersonName): string {
  const parts = [`CN=${person.commonName}`, `2.5.4.5=IIN${person.iin}`, 'C=KZ'];
  if (person.bin) parts.push('O=Test organisation', `2.5.4.11=BIN${person.bin}`);
  return parts.join(', ');
}

export class TestAuthority {
  private constructor(
    readonly root: Issued,
    readonly intermediate: Issued,
    private readonly revoked: { serialNumber: string; revocationDate: Date }[] = [],
  ) {}

  /** A root and an intermediate CA of `kind`, valid from a year ago for ten years. */
  static async create(kind: KeyKind = 'RSA', name = 'Test national CA'): Promise<TestAuthority> {
    const now = Date.now();
    const rootKeys = await generate(kind);
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: nextSerial(),
      name: `CN=${name} root, C=KZ`,
      notBefore: new Date(now - 365 * day),
      notAfter: new Date(now + 3650 * day),
      keys: rootKeys,
      signingAlgorithm: { ...algorithms[kind], ...signingAlgorithm(kind) },
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    });
    const intermediateKeys = await generate(kind);
    const intermediate = await x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      subject: `CN=${name} intermediate, C=KZ`,
      issuer: root.subject,
      notBefore: new Date(now - 365 * day),
      notAfter: new Date(now + 3650 * day),
      publicKey: intermediateKeys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: { ...algorithms[kind], ...signingAlgorithm(kind) },
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    });
    return new TestAuthority({ certificate: root, keys: rootKeys, kind }, { certificate: intermediate, keys: intermediateKeys, kind });
  }

  /** The trust store's PEM: the root only (intermediates travel in the signatures). */
  get rootsPem(): string {
    return this.root.certificate.toString('pem');
  }

  /** A signer's certificate issued by the intermediate; by default valid from a day ago for a year. */
  async issue(person: PersonName, options: { kind?: KeyKind; notBefore?: Date; notAfter?: Date } = {}): Promise<Issued> {
    const kind = options.kind ?? this.intermediate.kind;
    const keys = await generate(kind);
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      subject: nationalSubject(person),
      issuer: this.intermediate.certificate.subject,
      notBefore: options.notBefore ?? new Date(Date.now() - day),
      notAfter: options.notAfter ?? new Date(Date.now() + 365 * day),
      publicKey: keys.publicKey,
      signingKey: this.intermediate.keys.privateKey,
      signingAlgorithm: { ...algorithms[this.intermediate.kind], ...signingAlgorithm(this.intermediate.kind) },
      extensions: [
        new x509.BasicConstraintsExtension(false),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      ],
    });
    return { certificate, keys, kind };
  }

  revoke(signer: Issued, revocationDate = new Date(Date.now() - 60_000)): void {
    this.revoked.push({ serialNumber: signer.certificate.serialNumber, revocationDate });
  }

  /** The intermediate's current CRL (PEM), listing what was revoked. */
  async crlPem(): Promise<string> {
    const crl = await x509.X509CrlGenerator.create({
      issuer: this.intermediate.certificate.subject,
      thisUpdate: new Date(Date.now() - 60_000),
      nextUpdate: new Date(Date.now() + day),
      // With a reason code: without one the generator writes an empty entry-extensions
      // sequence, which RFC 5280 does not allow and pkijs refuses to parse.
      entries: this.revoked.map((entry) => ({
        serialNumber: entry.serialNumber,
        revocationDate: entry.revocationDate,
        reason: x509.X509CrlReason.keyCompromise,
      })),
      signingKey: this.intermediate.keys.privateKey,
      signingAlgorithm: { ...algorithms[this.intermediate.kind], ...signingAlgorithm(this.intermediate.kind) },
    });
    return crl.toString('pem');
  }

  /** The root's CRL (PEM), covering the intermediate. */
  async rootCrlPem(): Promise<string> {
    const crl = await x509.X509CrlGenerator.create({
      issuer: this.root.certificate.subject,
      thisUpdate: new Date(Date.now() - 60_000),
      nextUpdate: new Date(Date.now() + day),
      entries: [],
      signingKey: this.root.keys.privateKey,
      signingAlgorithm: { ...algorithms[this.root.kind], ...signingAlgorithm(this.root.kind) },
    });
    return crl.toString('pem');
  }

  /** A detached CMS signature of `content` by `signer`, base64 of DER, with the intermediate included. */
  async sign(signer: Issued, content: Uint8Array, options: { signingTime?: Date } = {}): Promise<string> {
    return signDetached(signer, content, [this.intermediate.certificate], options);
  }
}

function toPkijs(certificate: x509.X509Certificate): pkijs.Certificate {
  return pkijs.Certificate.fromBER(certificate.rawData);
}

/** A detached CMS SignedData over `content`. */
export async function signDetached(
  signer: Issued,
  content: Uint8Array,
  chain: readonly x509.X509Certificate[],
  options: { signingTime?: Date } = {},
): Promise<string> {
  const certificate = toPkijs(signer.certificate);
  const bytes = new Uint8Array(content);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' })] }),
            new pkijs.Attribute({ type: '1.2.840.113549.1.9.4', values: [new asn1js.OctetString({ valueHex: digest })] }),
            new pkijs.Attribute({
              type: '1.2.840.113549.1.9.5',
              values: [new asn1js.UTCTime({ valueDate: options.signingTime ?? new Date() })],
            }),
          ],
        }),
      }),
    ],
    certificates: [certificate, ...chain.map(toPkijs)],
  });
  await signedData.sign(signer.keys.privateKey, 0, 'SHA-256', bytes);
  const info = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signedData.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false)).toString('base64');
}
