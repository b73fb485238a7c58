import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configuredTrustStore } from '../lib/signatures/trust-store-config.js';
import { signedPublications } from '../schema/condominium.js';
import { canonicalBytes, normalizeVerificationCode, SignedPublications } from '../subgraphs/condominium/signed-publication.js';
import { bin, iin } from './support/buildings-fixtures.js';
import { TestAuthority } from './support/signature-authority.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// The signing and publishing module shared by reports and protocols (p.8, p.28): a CA made
// here, each refusal with its reason and nothing kept, and verification by anyone through
// the gateway by the record's id or the code printed on paper.

const verify = `query($id: ID, $code: String) { verifyPublication(id: $id, code: $code) {
  recordKind recordId title code contentSha256 signedAt publishedAt signatureValid signatureProblem
  signer { bin organisationName } building { id } } }`;

describe('condominium signed publications', () => {
  let system: TestSystem;
  let authority: TestAuthority;
  const managerBin = bin(701);
  const buildingId = randomUUID();
  const record = { kind: 'MONTHLY', period: '2026-10', lines: [{ category: 'CLEANING', amountTiyn: 1_250_000n }] };
  const content = canonicalBytes(record);

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    authority = await TestAuthority.create('ECDSA');
    process.env.SIGNATURE_TRUST_ROOTS = authority.rootsPem;
  });
  afterAll(async () => {
    delete process.env.SIGNATURE_TRUST_ROOTS;
    delete process.env.SIGNATURE_CRLS;
    await system?.close();
  });

  async function signAs(signature: string, recordId = randomUUID(), signed = content) {
    return system.db.transaction((tx) =>
      new SignedPublications(tx).sign({
        recordKind: 'REPORT',
        recordId,
        buildingId,
        title: 'Monthly report for 2026-10',
        content: signed,
        signature,
        expected: { bin: managerBin, organisationName: 'OSI Samal 12' },
        trust: configuredTrustStore(),
        at: new Date(),
        field: 'signature',
      }),
    );
  }

  async function kept(): Promise<number> {
    const [row] = await system.db.select({ n: count() }).from(signedPublications).where(eq(signedPublications.buildingId, buildingId));
    return row?.n ?? -1;
  }

  async function refusal(signature: string, signed = content): Promise<{ reason?: unknown; field?: unknown; message: string }> {
    const before = await kept();
    const error = (await signAs(signature, randomUUID(), signed).then(
      () => null,
      (thrown: unknown) => thrown,
    )) as { extensions?: Record<string, unknown>; message: string } | null;
    expect(error).not.toBeNull();
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await kept()).toBe(before);
    return { reason: error?.extensions?.reason, field: error?.extensions?.field, message: error?.message ?? '' };
  }

  it('canonical bytes do not depend on the order of keys, and carry money as decimal strings', () => {
    const reordered = { lines: [{ amountTiyn: 1_250_000n, category: 'CLEANING' }], period: '2026-10', kind: 'MONTHLY' };
    expect(Buffer.from(canonicalBytes(reordered)).equals(Buffer.from(content))).toBe(true);
    expect(Buffer.from(content).toString('utf8')).toBe(
      '{"kind":"MONTHLY","lines":[{"amountTiyn":"1250000","category":"CLEANING"}],"period":"2026-10"}',
    );
  });

  it('accepts a valid chain, keeps who signed, and anyone verifies it by id or by the printed code once published', async () => {
    const signer = await authority.issue({ iin: iin(11), commonName: 'AKHMETOV ASKAR', bin: managerBin });
    const recordId = randomUUID();
    const { publication } = await signAs(await authority.sign(signer, content), recordId);
    expect(publication).toMatchObject({ signerBin: managerBin, signerIin: iin(11), signerOrganisationName: 'OSI Samal 12' });
    expect(publication.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

    // Signed but not yet published: not verifiable by the public.
    expect((await system.query(verify, { id: recordId })).data?.verifyPublication).toBeNull();
    await new SignedPublications(system.db).publish('REPORT', recordId, new Date());

    const byId = await system.query(verify, { id: recordId });
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.verifyPublication).toMatchObject({
      recordKind: 'REPORT',
      recordId,
      title: 'Monthly report for 2026-10',
      code: publication.code,
      signatureValid: true,
      signatureProblem: null,
      signer: { bin: managerBin, organisationName: 'OSI Samal 12' },
      building: { id: buildingId },
    });
    // As typed from paper: lower case, spaces for hyphens, O for 0 and I for 1 all read the same.
    const typed = publication.code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'i');
    expect(normalizeVerificationCode(typed)).toBe(publication.code);
    const byCode = await system.query(verify, { code: typed });
    expect(byCode.data?.verifyPublication?.recordId).toBe(recordId);
    // No person's IIN or name anywhere in the open answer.
    expect(JSON.stringify(byCode.data)).not.toContain(iin(11));
    expect(JSON.stringify(byCode.data)).not.toContain('AKHMETOV');

    const unknown = await system.query(verify, { code: '0000-0000-0000' });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.verifyPublication).toBeNull();
    const both = await system.query(verify, { id: recordId, code: publication.code });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers that a kept record no longer verifies when its stored content was changed', async () => {
    const signer = await authority.issue({ iin: iin(18), commonName: 'AKHMETOV ASKAR', bin: managerBin });
    const recordId = randomUUID();
    await signAs(await authority.sign(signer, content), recordId);
    await new SignedPublications(system.db).publish('REPORT', recordId, new Date());
    const tampered = canonicalBytes({ ...record, lines: [{ category: 'CLEANING', amountTiyn: 1n }] });
    await system.db
      .update(signedPublications)
      .set({ content: Buffer.from(tampered) })
      .where(eq(signedPublications.recordId, recordId));
    const answer = await system.query(verify, { id: recordId });
    expect(answer.data?.verifyPublication).toMatchObject({ signatureValid: false });
    expect(answer.data?.verifyPublication.signatureProblem).toMatch(/does not match the content/);
  });

  it('refuses a certificate of a CA it does not trust', async () => {
    const stranger = await TestAuthority.create('ECDSA', 'Unknown CA');
    const signer = await stranger.issue({ iin: iin(12), commonName: 'STRANGER', bin: managerBin });
    const refused = await refusal(await stranger.sign(signer, content));
    expect(refused).toMatchObject({ reason: 'UNKNOWN_CA', field: 'signature' });
    expect(refused.message).toMatch(/not issued by a certification authority this system trusts/);
  });

  it('refuses an expired certificate', async () => {
    const day = 86_400_000;
    const signer = await authority.issue(
      { iin: iin(13), commonName: 'EXPIRED', bin: managerBin },
      { notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) },
    );
    expect(await refusal(await authority.sign(signer, content, { signingTime: new Date(Date.now() - 2 * day) }))).toMatchObject({
      reason: 'EXPIRED',
    });
  });

  it('refuses a revoked certificate', async () => {
    const signer = await authority.issue({ iin: iin(14), commonName: 'REVOKED', bin: managerBin });
    authority.revoke(signer);
    process.env.SIGNATURE_CRLS = `${await authority.crlPem()}\n${await authority.rootCrlPem()}`;
    try {
      const refused = await refusal(await authority.sign(signer, content));
      expect(refused.reason).toBe('REVOKED');
      expect(refused.message).toMatch(/revoked/);
    } finally {
      delete process.env.SIGNATURE_CRLS;
    }
  });

  it('refuses the certificate of another organisation', async () => {
    const signer = await authority.issue({ iin: iin(15), commonName: 'OTHER ORG', bin: bin(702) });
    const refused = await refusal(await authority.sign(signer, content));
    expect(refused.reason).toBe('WRONG_SIGNER');
    expect(refused.message).toMatch(/another organisation/);
  });

  it('refuses a signature over other content than the record', async () => {
    const signer = await authority.issue({ iin: iin(16), commonName: 'AKHMETOV ASKAR', bin: managerBin });
    const signature = await authority.sign(signer, content);
    const altered = canonicalBytes({ ...record, lines: [{ category: 'CLEANING', amountTiyn: 9_250_000n }] });
    expect(await refusal(signature, altered)).toMatchObject({ reason: 'CONTENT_ALTERED' });
  });

  it('refuses what is not a signature at all, and signing twice', async () => {
    expect(await refusal('not a signature')).toMatchObject({ reason: 'MALFORMED' });
    const signer = await authority.issue({ iin: iin(17), commonName: 'AKHMETOV ASKAR', bin: managerBin });
    const recordId = randomUUID();
    await signAs(await authority.sign(signer, content), recordId);
    await expect(signAs(await authority.sign(signer, content), recordId)).rejects.toThrow();
  });
});
