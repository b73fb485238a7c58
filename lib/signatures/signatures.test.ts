import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestAuthority } from '../../test/support/signature-authority.js';
import { loadTrustStore, type SignatureRefusalReason, type TrustStore, verifyDetachedSignature } from './signatures.js';

const document = new TextEncoder().encode('{"report":"2026-10","building":"…","total":"125000.00"}');
const iin = '900101300123';
const otherIin = '850505400321';
const bin = '120340012345';

async function refusal(promise: Promise<unknown>): Promise<SignatureRefusalReason | 'ACCEPTED'> {
  try {
    await promise;
    return 'ACCEPTED';
  } catch (error) {
    return (error as { reason: SignatureRefusalReason }).reason;
  }
}

describe.each(['RSA', 'ECDSA'] as const)('detached CMS signatures, %s', (kind) => {
  let authority: TestAuthority;
  let trust: TrustStore;

  beforeAll(async () => {
    authority = await TestAuthority.create(kind);
    trust = loadTrustStore({ rootsPem: authority.rootsPem, crls: [await authority.crlPem(), await authority.rootCrlPem()] });
  });

  it('accepts a valid chain root → intermediate → signer and says who signed and when', async () => {
    const signer = await authority.issue({ iin, commonName: 'ИВАНОВ ИВАН' });
    const signingTime = new Date(Date.now() - 60_000);
    const signature = await authority.sign(signer, document, { signingTime });
    const verified = await verifyDetachedSignature({ signature, content: document, trust, expected: { iin } });
    expect(verified.signer).toMatchObject({ iin, bin: null, commonName: 'ИВАНОВ ИВАН' });
    expect(verified.signedAt?.getTime()).toBe(Math.floor(signingTime.getTime() / 1000) * 1000);
    expect(verified.checkedAt).toEqual(verified.signedAt);
  });

  it("reads an organisation's employee: BIN in OU and the person's IIN", async () => {
    const signer = await authority.issue({ iin, commonName: 'ИВАНОВ ИВАН', bin });
    const signature = await authority.sign(signer, document);
    const verified = await verifyDetachedSignature({ signature, content: document, trust, expected: { bin } });
    expect(verified.signer).toMatchObject({ iin, bin });
  });

  it('refuses a certificate of an unknown CA', async () => {
    const stranger = await TestAuthority.create(kind, 'Stranger CA');
    const signer = await stranger.issue({ iin, commonName: 'ИВАНОВ ИВАН' });
    const signature = await stranger.sign(signer, document);
    expect(await refusal(verifyDetachedSignature({ signature, content: document, trust }))).toBe('UNKNOWN_CA');
  });

  it('refuses an expired certificate and one not yet valid', async () => {
    const expired = await authority.issue(
      { iin, commonName: 'ИВАНОВ ИВАН' },
      { notBefore: new Date(Date.now() - 20 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) },
    );
    expect(await refusal(verifyDetachedSignature({ signature: await authority.sign(expired, document), content: document, trust }))).toBe(
      'EXPIRED',
    );
    const future = await authority.issue({ iin, commonName: 'ИВАНОВ ИВАН' }, { notBefore: new Date(Date.now() + 86_400_000) });
    expect(await refusal(verifyDetachedSignature({ signature: await authority.sign(future, document), content: document, trust }))).toBe(
      'NOT_YET_VALID',
    );
  });

  it('accepts a signature made while the certificate was valid when checked at its signing time', async () => {
    const expired = await authority.issue(
      { iin, commonName: 'ИВАНОВ ИВАН' },
      { notBefore: new Date(Date.now() - 20 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) },
    );
    const signature = await authority.sign(expired, document, { signingTime: new Date(Date.now() - 2 * 86_400_000) });
    await expect(verifyDetachedSignature({ signature, content: document, trust })).resolves.toBeTruthy();
    expect(await refusal(verifyDetachedSignature({ signature, content: document, trust, at: new Date() }))).toBe('EXPIRED');
  });

  it('refuses a certificate revoked per the CA-signed CRL, and a CRL not signed by the CA counts as none', async () => {
    const signer = await authority.issue({ iin, commonName: 'ИВАНОВ ИВАН' });
    authority.revoke(signer);
    const withCrl = loadTrustStore({ rootsPem: authority.rootsPem, crls: [await authority.crlPem(), await authority.rootCrlPem()] });
    const signature = await authority.sign(signer, document);
    expect(await refusal(verifyDetachedSignature({ signature, content: document, trust: withCrl }))).toBe('REVOKED');

    const forger = await TestAuthority.create(kind, 'Test national CA');
    const forged = loadTrustStore({ rootsPem: authority.rootsPem, crls: [await forger.crlPem(), await authority.rootCrlPem()] });
    expect(await refusal(verifyDetachedSignature({ signature, content: document, trust: forged }))).toBe('REVOCATION_UNKNOWN');
  });

  it('refuses a wrong signer: another IIN or another BIN', async () => {
    const signer = await authority.issue({ iin: otherIin, commonName: 'ПЕТРОВ ПЁТР', bin });
    const signature = await authority.sign(signer, document);
    expect(await refusal(verifyDetachedSignature({ signature, content: document, trust, expected: { iin } }))).toBe('WRONG_SIGNER');
    expect(await refusal(verifyDetachedSignature({ signature, content: document, trust, expected: { bin: '120340012346' } }))).toBe(
      'WRONG_SIGNER',
    );
  });

  it('refuses altered content', async () => {
    const signer = await authority.issue({ iin, commonName: 'ИВАНОВ ИВАН' });
    const signature = await authority.sign(signer, document);
    const altered = new TextEncoder().encode('{"report":"2026-10","building":"…","total":"925000.00"}');
    expect(await refusal(verifyDetachedSignature({ signature, content: altered, trust }))).toBe('CONTENT_ALTERED');
  });

  it("verifies against the content's SHA-256 alone (a nonce kept hashed)", async () => {
    const signer = await authority.issue({ iin, commonName: 'ИВАНОВ ИВАН' });
    const signature = await authority.sign(signer, document);
    const sha256 = new Uint8Array(createHash('sha256').update(document).digest());
    await expect(verifyDetachedSignature({ signature, content: { sha256 }, trust, expected: { iin } })).resolves.toBeTruthy();
    const other = new Uint8Array(createHash('sha256').update('another nonce').digest());
    expect(await refusal(verifyDetachedSignature({ signature, content: { sha256: other }, trust }))).toBe('CONTENT_ALTERED');
  });

  it('refuses what is not a CMS signature', async () => {
    expect(await refusal(verifyDetachedSignature({ signature: 'not base64!', content: document, trust }))).toBe('MALFORMED');
    expect(await refusal(verifyDetachedSignature({ signature: Buffer.from('hello').toString('base64'), content: document, trust }))).toBe(
      'MALFORMED',
    );
    const signer = await authority.issue({ iin, commonName: 'ИВАНОВ ИВАН' });
    const signature = Buffer.from(await authority.sign(signer, document), 'base64');
    signature.writeUInt8((signature.readUInt8(signature.length - 5) ^ 0xff) & 0xff, signature.length - 5);
    expect(await refusal(verifyDetachedSignature({ signature, content: document, trust }))).toMatch(/^(MALFORMED|CONTENT_ALTERED)$/);
  });
});
