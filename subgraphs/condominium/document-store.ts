import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { documentParts } from '../../schema/condominium.js';

/** The largest document accepted (p.7): 20 MiB. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/**
 * The largest part of a document one call carries, up or down: 4 MiB, 5.6 MB as base64,
 * well inside the gateway's body and response limits (10 MiB each), which therefore stay
 * as they are for every other operation. A 20 MiB document is five calls.
 */
export const MAX_PART_BYTES = 4 * 1024 * 1024;

/**
 * Where documents' content lives. The description of a document (name, type, declared size
 * and SHA-256, status, building) is always a row of `condominium.documents`; the bytes are
 * the store's. The default keeps them in PostgreSQL (`PostgresDocumentStore`); a blob store
 * (S3-compatible, its multipart upload maps part for part onto `append`) replaces it by
 * implementing this interface, nothing else changes.
 *
 * Parts arrive in order: `append` is called with `offset` equal to `received`, which the
 * caller (the document manager) checks under the document's row lock.
 */
export interface DocumentStore {
  /** Keeps `bytes` as the part of the document starting at `offset`. */
  append(documentId: string, offset: number, bytes: Uint8Array): Promise<void>;
  /** How many bytes of the document are held. */
  received(documentId: string): Promise<number>;
  /** The SHA-256 (lower-case hex) of the bytes held, in order. */
  sha256(documentId: string): Promise<string>;
  /** Up to `length` bytes from `offset` (fewer at the end of the document). */
  read(documentId: string, offset: number, length: number): Promise<Buffer>;
}

/**
 * The default store: parts as `bytea` rows of `condominium.document_parts`. Takes the write's
 * transaction (or the database for reads), so a refused upload leaves no part behind.
 * The digest is computed by PostgreSQL (`sha256(bytea)`), so the content never travels
 * back to the subgraph to be hashed.
 */
export class PostgresDocumentStore implements DocumentStore {
  constructor(private readonly executor: Executor) {}

  async append(documentId: string, offset: number, bytes: Uint8Array): Promise<void> {
    await this.executor.insert(documentParts).values({ documentId, offset, bytes: Buffer.from(bytes) });
  }

  async received(documentId: string): Promise<number> {
    const [row] = await this.executor
      .select({ n: sql<string>`coalesce(sum(octet_length(${documentParts.bytes})), 0)` })
      .from(documentParts)
      .where(eq(documentParts.documentId, documentId));
    return Number(row?.n ?? 0);
  }

  async sha256(documentId: string): Promise<string> {
    const [row] = await this.executor
      .select({
        digest: sql<string>`encode(sha256(coalesce(string_agg(${documentParts.bytes}, ''::bytea order by ${documentParts.offset}), ''::bytea)), 'hex')`,
      })
      .from(documentParts)
      .where(eq(documentParts.documentId, documentId));
    return row?.digest ?? '';
  }

  async read(documentId: string, offset: number, length: number): Promise<Buffer> {
    // The parts overlapping [offset, offset + length), cut to it in SQL.
    const end = offset + length;
    const rows = await this.executor
      .select({
        bytes: sql<Buffer>`substring(${documentParts.bytes} from greatest(${offset} - ${documentParts.offset}, 0) + 1 for least(${end}, ${documentParts.offset} + octet_length(${documentParts.bytes})) - greatest(${offset}, ${documentParts.offset}))`,
      })
      .from(documentParts)
      .where(
        and(
          eq(documentParts.documentId, documentId),
          sql`${documentParts.offset} < ${end}`,
          sql`${documentParts.offset} + octet_length(${documentParts.bytes}) > ${offset}`,
        ),
      )
      .orderBy(asc(documentParts.offset));
    return Buffer.concat(rows.map((row) => Buffer.from(row.bytes)));
  }
}

/** The store every document's content goes to: the one place a blob store is plugged in instead. */
export function documentStoreFor(executor: Executor): DocumentStore {
  return new PostgresDocumentStore(executor);
}
