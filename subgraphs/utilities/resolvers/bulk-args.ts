import type { BulkMode } from '../../../lib/bulk.js';
import { parseId } from '../../../lib/ids.js';

/** The arguments every supplier-scoped bulk mutation of this subgraph takes besides its items. */
export interface SupplierBulkArgs {
  supplierId: string;
  mode?: BulkMode | null;
  idempotencyKey?: string | null;
}

/** Those arguments parsed: the supplier's id, the mode (ALL_OR_NOTHING by default), the idempotency key. */
export function parseSupplierBulkArgs(args: SupplierBulkArgs): {
  supplierId: string;
  mode: BulkMode;
  idempotencyKey: string | null | undefined;
} {
  return {
    supplierId: parseId(args.supplierId, 'supplierId', 'a supplier'),
    mode: args.mode ?? 'ALL_OR_NOTHING',
    idempotencyKey: args.idempotencyKey,
  };
}
