import { parseId } from '../../../lib/ids.js';

/** `input.documentIds` of a record's input: each a document id, naming its index when malformed; absent is none. */
export function parseDocumentIds(ids: readonly unknown[] | null | undefined): string[] {
  return (ids ?? []).map((id, index) => parseId(id, `input.documentIds[${index}]`, 'a document'));
}
