import DataLoader from 'dataloader';
import type { Database } from '../../lib/db.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { AttachedRecordKind } from '../../schema/condominium.js';
import { DocumentRepository, type DocumentRow } from './document-repository.js';
import { type AssignmentRow, ManagementRepository } from './management-repository.js';
import { type PublicationRow, SignedPublications } from './signed-publication.js';

/**
 * One request's DataLoaders: one statement per relation, whatever the number of buildings
 * asked for. Keys are building ids as `parseId` returns them (lower case, as PostgreSQL
 * prints them), so the rows are matched to their keys by plain comparison.
 */
export interface Loaders {
  /** The assignment in force today (in Almaty) of each building; null when none is. */
  currentManagement: DataLoader<string, AssignmentRow | null>;
  /** Every assignment of each building, newest first; empty when it never had one. */
  managementHistory: DataLoader<string, AssignmentRow[]>;
  /** Documents by id; null when there is none. */
  documentById: DataLoader<string, DocumentRow | null>;
  /** The documents attached to a record, keyed `KIND:id` (`attachmentKey`), in the record's order. */
  attachedDocuments: DataLoader<string, DocumentRow[]>;
  /** The signature of a record (report or protocol) by the record's id, published or not; null when unsigned. */
  publicationByRecord: DataLoader<string, PublicationRow | null>;
  /** Published records by their normalized verification code. */
  publishedByCode: DataLoader<string, PublicationRow | null>;
}

/** The key of `attachedDocuments`. */
export function attachmentKey(kind: AttachedRecordKind, recordId: string): string {
  return `${kind}:${recordId}`;
}

/** One statement for many keys, each key's row or null. */
function byKey<K, R>(rows: readonly R[], keyOf: (row: R) => K, keys: readonly K[]): (R | null)[] {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key) ?? null);
}

export function createLoaders(db: Database): Loaders {
  const repository = new ManagementRepository(db);
  const documents = new DocumentRepository(db);
  const publications = new SignedPublications(db);
  const today = almatyDate(new Date());
  return {
    currentManagement: new DataLoader(async (buildingIds) => {
      const current = new Map((await repository.currentOf(buildingIds, today)).map((row) => [row.buildingId, row]));
      return buildingIds.map((id) => current.get(id) ?? null);
    }),
    managementHistory: new DataLoader(async (buildingIds) => {
      const history = new Map<string, AssignmentRow[]>(buildingIds.map((id) => [id, []]));
      for (const row of await repository.historyOf(buildingIds)) history.get(row.buildingId)?.push(row);
      return buildingIds.map((id) => history.get(id) ?? []);
    }),
    documentById: new DataLoader(async (ids) => byKey(await documents.byIds(ids), (row) => row.id, ids)),
    attachedDocuments: new DataLoader(async (keys) => {
      const lists = new Map<string, DocumentRow[]>(keys.map((key) => [key, []]));
      const byKind = new Map<AttachedRecordKind, string[]>();
      for (const key of keys) {
        const [kind, id] = key.split(':') as [AttachedRecordKind, string];
        byKind.set(kind, [...(byKind.get(kind) ?? []), id]);
      }
      for (const [kind, ids] of byKind)
        for (const row of await documents.attachedTo(kind, ids)) lists.get(attachmentKey(kind, row.recordId))?.push(row.document);
      return keys.map((key) => lists.get(key) ?? []);
    }),
    publicationByRecord: new DataLoader(async (ids) => byKey(await publications.byRecords(ids), (row) => row.recordId, ids)),
    publishedByCode: new DataLoader(async (codes) => byKey(await publications.publishedByCodes(codes), (row) => row.code, codes)),
  };
}
