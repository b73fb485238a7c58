import { encodeSequenceCursor } from '../../../lib/pagination.js';
import type { ChangeRow } from '../changes-repository.js';
import { CHANGES_LIST } from '../webhook-dispatch.js';

/** A change is served from its row; positions go out as strings (they may outgrow a GraphQL Int). */
export const Change = {
  position: (row: ChangeRow) => String(row.position),
  cursor: (row: ChangeRow) => encodeSequenceCursor(CHANGES_LIST, row.position),
};
