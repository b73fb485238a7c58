import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { type AttachedRecordKind, documentAttachments, documents } from '../../schema/condominium.js';

export type DocumentRow = typeof documents.$inferSelect;

export interface NewDocument {
  buildingId: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
}

/** The documents a record lists, in its order. */
export interface AttachedDocument {
  recordId: string;
  document: DocumentRow;
}

/** The SQL of documents' descriptions and attachments (the content is the document store's). */
export class DocumentRepository {
  constructor(private readonly executor: Executor) {}

  async insert(document: NewDocument): Promise<DocumentRow> {
    const [row] = await this.executor.insert(documents).values(document).returning();
    if (!row) throw new Error('The document was not recorded.');
    return row;
  }

  /** The document, locked until the transaction ends (parts of one document arrive one at a time). */
  async lock(id: string): Promise<DocumentRow | null> {
    const [row] = await this.executor.select().from(documents).where(eq(documents.id, id)).for('update');
    return row ?? null;
  }

  async markStored(id: string, at: Date): Promise<DocumentRow> {
    const [row] = await this.executor.update(documents).set({ status: 'STORED', storedAt: at }).where(eq(documents.id, id)).returning();
    if (!row) throw new Error('The document was not updated.');
    return row;
  }

  byIds(ids: readonly string[]): Promise<DocumentRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(documents)
      .where(inArray(documents.id, [...ids]));
  }

  /** Attaches documents to a record, in the given order, after those it already has. */
  async attach(recordKind: AttachedRecordKind, recordId: string, documentIds: readonly string[]): Promise<void> {
    if (documentIds.length === 0) return;
    const [row] = await this.executor
      .select({ next: sql<number>`coalesce(max(${documentAttachments.position}) + 1, 0)::int` })
      .from(documentAttachments)
      .where(and(eq(documentAttachments.recordKind, recordKind), eq(documentAttachments.recordId, recordId)));
    const first = row?.next ?? 0;
    await this.executor
      .insert(documentAttachments)
      .values(documentIds.map((documentId, index) => ({ recordKind, recordId, documentId, position: first + index })));
  }

  /** Detaches every document of a record (a draft discarded); the documents stay. */
  async detachAll(recordKind: AttachedRecordKind, recordId: string): Promise<void> {
    await this.executor
      .delete(documentAttachments)
      .where(and(eq(documentAttachments.recordKind, recordKind), eq(documentAttachments.recordId, recordId)));
  }

  /** The documents of these records of one kind, each record's in its order. */
  async attachedTo(recordKind: AttachedRecordKind, recordIds: readonly string[]): Promise<AttachedDocument[]> {
    if (recordIds.length === 0) return [];
    const rows = await this.executor
      .select({ recordId: documentAttachments.recordId, document: documents })
      .from(documentAttachments)
      .innerJoin(documents, eq(documents.id, documentAttachments.documentId))
      .where(and(eq(documentAttachments.recordKind, recordKind), inArray(documentAttachments.recordId, [...recordIds])))
      .orderBy(asc(documentAttachments.recordId), asc(documentAttachments.position));
    return rows;
  }
}
