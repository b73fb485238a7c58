/**
 * Signing and publishing a record under an EDS (p.8, p.28): what reports and meeting
 * protocols share. A feature uses it in four steps, inside its own write's transaction:
 *
 * 1. `canonicalBytes(record)`: the exact bytes the signer signs; the feature serves them
 *    (base64, with their SHA-256) on its draft, and computes them again when signing, from
 *    the stored rows, so the signature covers what is stored and nothing else;
 * 2. `SignedPublications.sign(request)`: verifies the detached CMS signature with
 *    `lib/signatures` (chain to the trust store, validity and CRL at the moment it is submitted, and the
 *    expected signer: the manager's BIN, or the IIN of an owners' representative), then keeps
 *    the bytes, the signature, who signed and when, and a short verification code for paper;
 *    a refusal is BAD_USER_INPUT on `field` with `extensions.reason` (a `SignatureRefusalReason`);
 * 3. `SignedPublications.publish(kind, id, at)`: marks it published; from then on it is
 *    verifiable by anyone (`byRecord`, `byCode`) and the feature must never change the record;
 * 4. the verification query (`verifyPublication`) serves any published record of any kind.
 *
 * Nothing here knows what a report or a protocol is: a feature passes its kind, id, building,
 * title and bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import type { Executor } from '../../lib/db.js';
import { ErrorCode } from '../../lib/errors.js';
import {
  type ExpectedSigner,
  SignatureRefused,
  type TrustStore,
  type VerifiedSignature,
  verifyDetachedSignature,
} from '../../lib/signatures/signatures.js';
import { type PublishedRecordKind, signedPublications } from '../../schema/condominium.js';

export type PublicationRow = typeof signedPublications.$inferSelect;

// ── Canonical bytes

type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

function canonicalValue(value: unknown): Canonical | undefined {
  if (value === null) return null;
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('Canonical form: numbers must be finite.');
    return value;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => canonicalValue(item) ?? null);
  const entries = Object.keys(value as object)
    .sort()
    .flatMap((key) => {
      const item = canonicalValue((value as Record<string, unknown>)[key]);
      return item === undefined ? [] : [[key, item] as const];
    });
  return Object.fromEntries(entries);
}

/**
 * The canonical form of a record: JSON with object keys sorted (by UTF-16 code units), no
 * whitespace, bigints (money in tiyn) as decimal strings, dates as ISO 8601, absent fields
 * left out, encoded as UTF-8. The same record always gives the same bytes, so a signer's
 * software and this system agree on what was signed.
 */
export function canonicalBytes(record: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(canonicalValue(record) ?? null), 'utf8'));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// ── Verification codes

/** Crockford's base32: digits and capitals without I, L, O, U; all in a QR code's alphanumeric mode. */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new verification code: 12 symbols of base32 (60 random bits) in three groups,
 * e.g. `7KQ2-M9XD-4TRA`. Short enough to type from paper, and a QR code in alphanumeric mode.
 */
export function newVerificationCode(): string {
  const bytes = randomBytes(12);
  let code = '';
  for (const byte of bytes) code += alphabet[byte % 32];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}`;
}

/**
 * A code as typed from paper, normalized: case, spaces and hyphens ignored, I and L read as
 * 1, O as 0 (Crockford's rules). Null when it cannot be a code.
 */
export function normalizeVerificationCode(text: string): string | null {
  const symbols = text.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(symbols)) return null;
  return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8, 12)}`;
}

// ── Signing and publishing

/** Whose signature a record needs: the managing organisation by BIN, or an owners' representative by IIN. */
export interface RequiredSigner extends ExpectedSigner {
  /** The organisation's name as this system knows it, kept with the signature (public, p.25). */
  organisationName?: string | null;
}

export interface SignatureRequest {
  recordKind: PublishedRecordKind;
  recordId: string;
  buildingId: string;
  /** How the verification page names the record, e.g. "Monthly report for 2026-10". */
  title: string;
  /** `canonicalBytes` of the record as stored. */
  content: Uint8Array;
  /** The detached CMS signature: base64 of DER, or PEM. */
  signature: string;
  expected: RequiredSigner;
  /** The configured trust store (`configuredTrustStore()`); null when none is configured. */
  trust: TrustStore | null;
  /** When the request arrived: the signature must have been valid then, and at its signing time. */
  at: Date;
  /** The argument the signature came in, for the error (`signature`, `input.signature`). */
  field: string;
}

/** BAD_USER_INPUT for a refused signature, naming the field and the reason. */
export function signatureRefusedError(refusal: SignatureRefused, field: string): GraphQLError {
  return new GraphQLError(`The signature is refused: ${refusal.message} Nothing was written.`, {
    extensions: {
      code: ErrorCode.BadUserInput,
      field,
      reason: refusal.reason,
      problems: [{ field, message: refusal.message }],
    },
  });
}

function notConfigured(): GraphQLError {
  return new GraphQLError(
    'Signatures cannot be verified: no trusted certification authority is configured on this server. Nothing was written; retry later.',
    { extensions: { code: ErrorCode.ServiceUnavailable } },
  );
}

/** Verifies `signature` over `content` (the manager's BIN or the representative's IIN), or throws the refusal as BAD_USER_INPUT. */
export async function verifyRecordSignature(request: Omit<SignatureRequest, 'recordKind' | 'recordId' | 'buildingId' | 'title'>) {
  if (!request.trust) throw notConfigured();
  const expected: ExpectedSigner = {};
  if (request.expected.bin !== undefined) expected.bin = request.expected.bin;
  if (request.expected.iin !== undefined) expected.iin = request.expected.iin;
  try {
    return await verifyDetachedSignature({
      signature: request.signature,
      content: request.content,
      trust: request.trust,
      expected,
      // Checked at the moment it is submitted, not at the signingTime the signer asserts:
      // a certificate expired or revoked by then cannot sign, whatever time it claims.
      at: request.at,
      now: request.at,
    });
  } catch (error) {
    if (error instanceof SignatureRefused) throw signatureRefusedError(error, request.field);
    throw error;
  }
}

function signatureBytes(signature: string): Buffer {
  const pem = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END/.exec(signature);
  return Buffer.from((pem?.[1] ?? signature).replace(/\s+/g, ''), 'base64');
}

/** The signed and published records of every kind: their signatures, codes and publication. Give it the write's transaction. */
export class SignedPublications {
  constructor(private readonly executor: Executor) {}

  /**
   * Verifies the signature (see `verifyRecordSignature`) and keeps it with the content and a
   * new verification code. The record must not have a signature yet (CONFLICT on the
   * `signed_publications_record_key` index otherwise; a feature that lets a signed draft be
   * signed again calls `discard` first).
   */
  async sign(request: SignatureRequest): Promise<{ publication: PublicationRow; verified: VerifiedSignature }> {
    const verified = await verifyRecordSignature(request);
    const [publication] = await this.executor
      .insert(signedPublications)
      .values({
        recordKind: request.recordKind,
        recordId: request.recordId,
        buildingId: request.buildingId,
        title: request.title,
        code: newVerificationCode(),
        content: Buffer.from(request.content),
        contentSha256: sha256Hex(request.content),
        signature: signatureBytes(request.signature),
        signerBin: verified.signer.bin,
        signerOrganisationName: verified.signer.bin ? (request.expected.organisationName ?? null) : null,
        signerIin: verified.signer.iin,
        signerCommonName: verified.signer.commonName,
        certificateSerial: verified.certificateSerial,
        certificateIssuer: verified.issuer,
        signedAt: verified.signedAt ?? request.at,
        verifiedAt: request.at,
      })
      .returning();
    if (!publication) throw new Error('The signature was not recorded.');
    return { publication, verified };
  }

  /** Marks the record published at `at`; null when it has no signature (the feature refuses it). */
  async publish(recordKind: PublishedRecordKind, recordId: string, at: Date): Promise<PublicationRow | null> {
    const [row] = await this.executor
      .update(signedPublications)
      .set({ publishedAt: at })
      .where(and(eq(signedPublications.recordKind, recordKind), eq(signedPublications.recordId, recordId)))
      .returning();
    return row ?? null;
  }

  /** Removes the signature of a record not yet published (a draft discarded or changed after signing). */
  async discard(recordKind: PublishedRecordKind, recordId: string): Promise<void> {
    await this.executor
      .delete(signedPublications)
      .where(
        and(
          eq(signedPublications.recordKind, recordKind),
          eq(signedPublications.recordId, recordId),
          isNull(signedPublications.publishedAt),
        ),
      );
  }

  /** The signatures of these records, published or not (the feature decides what to show). */
  byRecords(recordIds: readonly string[]): Promise<PublicationRow[]> {
    if (recordIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(signedPublications)
      .where(inArray(signedPublications.recordId, [...recordIds]));
  }

  /** Published records by their verification codes (normalized). */
  publishedByCodes(codes: readonly string[]): Promise<PublicationRow[]> {
    if (codes.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(signedPublications)
      .where(and(inArray(signedPublications.code, [...codes]), isNotNull(signedPublications.publishedAt)));
  }
}

/** What checking a kept signature again finds: valid, or the reason it no longer is. */
export interface SignatureCheck {
  valid: boolean;
  /** The refusal's sentence when not valid. */
  problem: string | null;
}

/**
 * Verifies a kept signature again over the kept bytes, as of the moment it was accepted (a
 * certificate revoked later does not undo a signature accepted while it was valid): what the public
 * verification answers, so it proves the record was not changed in the store since.
 */
export async function checkKeptSignature(row: PublicationRow, trust: TrustStore | null, now: Date): Promise<SignatureCheck> {
  if (!trust)
    return { valid: false, problem: 'No trusted certification authority is configured on this server; the signature cannot be checked.' };
  const expected: ExpectedSigner = {};
  if (row.signerBin) expected.bin = row.signerBin;
  if (row.signerIin) expected.iin = row.signerIin;
  try {
    await verifyDetachedSignature({
      signature: new Uint8Array(row.signature),
      content: new Uint8Array(row.content),
      trust,
      expected,
      at: row.verifiedAt,
      now,
    });
    if (sha256Hex(new Uint8Array(row.content)) !== row.contentSha256)
      return { valid: false, problem: 'The kept content does not match its recorded SHA-256.' };
    return { valid: true, problem: null };
  } catch (error) {
    if (error instanceof SignatureRefused) return { valid: false, problem: error.message };
    throw error;
  }
}
