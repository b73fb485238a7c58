import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * A throw-away certification authority for the demo's signed reports: a root made at seed
 * time and one signer's certificate (the OSI chair's, with the OSI's BIN), ECDSA P-256. Its
 * key is never kept, and no deployment trusts it, so the demo's signatures are real CMS with a
 * real chain and verify as "not issued by a CA this system trusts" (or "not configured"):
 * demo data is not signed by the national CA.
 */

const crypto = webcrypto as unknown as Crypto;
const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const day = 86_400_000;

const oids = {
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  basicConstraints: '2.5.29.19',
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
};

function engine(): void {
  pkijs.setEngine('node-webcrypto', new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto }));
}

function name(entries: readonly [string, string][]): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: entries.map(
      ([type, value]) =>
        new pkijs.AttributeTypeAndValue({
          type,
          value:
            type === oids.country || type === oids.serialNumber ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value }),
        }),
    ),
  });
}

async function certificate(options: {
  serial: number;
  subject: readonly [string, string][];
  issuer: readonly [string, string][];
  publicKey: CryptoKey;
  signingKey: CryptoKey;
  from: Date;
  ca: boolean;
}): Promise<pkijs.Certificate> {
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ value: options.serial });
  certificate.subject = name(options.subject);
  certificate.issuer = name(options.issuer);
  certificate.notBefore.value = options.from;
  certificate.notAfter.value = new Date(options.from.getTime() + 5 * 365 * day);
  const constraints = new pkijs.BasicConstraints({ cA: options.ca });
  certificate.extensions = [
    new pkijs.Extension({
      extnID: oids.basicConstraints,
      critical: true,
      extnValue: constraints.toSchema().toBER(false),
      parsedValue: constraints,
    }),
  ];
  await certificate.subjectPublicKeyInfo.importKey(options.publicKey);
  await certificate.sign(options.signingKey, 'SHA-256');
  // Parsed back, as every verifier sees it.
  return pkijs.Certificate.fromBER(certificate.toSchema(true).toBER(false));
}

export interface DemoSigner {
  /** The demo root certificate (PEM), for a trust store that accepts the demo's signatures while seeding. */
  rootPem: string;
  /** A detached CMS signature (base64 of DER) over `content`, signed at `signingTime`. */
  sign(content: Uint8Array, signingTime: Date): Promise<string>;
}

/** The demo CA and its one signer: the person `commonName` (IIN `iin`) of the organisation with BIN `bin`. */
export async function demoSigner(
  signer: { iin: string; bin: string; commonName: string; organisation: string },
  from: Date,
): Promise<DemoSigner> {
  engine();
  const rootKeys = (await crypto.subtle.generateKey(ecdsa, false, ['sign', 'verify'])) as CryptoKeyPair;
  const signerKeys = (await crypto.subtle.generateKey(ecdsa, false, ['sign', 'verify'])) as CryptoKeyPair;
  const rootName: [string, string][] = [
    [oids.commonName, 'Demo certification authority (not trusted)'],
    [oids.country, 'KZ'],
  ];
  const root = await certificate({
    serial: 1,
    subject: rootName,
    issuer: rootName,
    publicKey: rootKeys.publicKey,
    signingKey: rootKeys.privateKey,
    from,
    ca: true,
  });
  const holder = await certificate({
    serial: 2,
    subject: [
      [oids.commonName, signer.commonName],
      [oids.serialNumber, `IIN${signer.iin}`],
      [oids.country, 'KZ'],
      [oids.organization, signer.organisation],
      [oids.organizationalUnit, `BIN${signer.bin}`],
    ],
    issuer: rootName,
    publicKey: signerKeys.publicKey,
    signingKey: rootKeys.privateKey,
    from,
    ca: false,
  });

  const der = Buffer.from(root.toSchema(true).toBER(false)).toString('base64');
  return {
    rootPem: `-----BEGIN CERTIFICATE-----\n${der.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`,
    async sign(content, signingTime) {
      const bytes = new Uint8Array(content);
      const digest = await crypto.subtle.digest('SHA-256', bytes);
      const signedData = new pkijs.SignedData({
        version: 1,
        encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: oids.data }),
        signerInfos: [
          new pkijs.SignerInfo({
            version: 1,
            sid: new pkijs.IssuerAndSerialNumber({ issuer: holder.issuer, serialNumber: holder.serialNumber }),
            signedAttrs: new pkijs.SignedAndUnsignedAttributes({
              type: 0,
              attributes: [
                new pkijs.Attribute({ type: oids.contentType, values: [new asn1js.ObjectIdentifier({ value: oids.data })] }),
                new pkijs.Attribute({ type: oids.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
                new pkijs.Attribute({ type: oids.signingTime, values: [new asn1js.UTCTime({ valueDate: signingTime })] }),
              ],
            }),
          }),
        ],
        certificates: [holder, root],
      });
      await signedData.sign(signerKeys.privateKey, 0, 'SHA-256', bytes);
      const info = new pkijs.ContentInfo({ contentType: oids.signedData, content: signedData.toSchema(true) });
      return Buffer.from(info.toSchema().toBER(false)).toString('base64');
    },
  };
}
