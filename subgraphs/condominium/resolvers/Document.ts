import { badUserInput } from '../../../lib/errors.js';
import type { Context } from '../context.js';
import type { DocumentRow } from '../document-repository.js';
import { documentStoreFor, MAX_PART_BYTES } from '../document-store.js';

/** A document is served from its row; its content is read from the document store, in parts. */
export const Document = {
  building: (row: DocumentRow) => ({ id: row.buildingId }),
  async content(row: DocumentRow, args: { offset?: number | null; length?: number | null }, context: Context) {
    if (row.status !== 'STORED') return null;
    const offset = args.offset ?? 0;
    const length = args.length ?? MAX_PART_BYTES;
    if (offset < 0 || offset > row.size)
      throw badUserInput({ field: 'offset', message: `offset must be 0 to ${row.size}, the document's size.` });
    if (length < 1 || length > MAX_PART_BYTES)
      throw badUserInput({ field: 'length', message: `length must be 1 to ${MAX_PART_BYTES} (4 MiB); read a larger document in parts.` });
    return (await documentStoreFor(context.db).read(row.id, offset, length)).toString('base64');
  },
};
