import { receipts } from '../schema/platform.js';
import type { Caller } from './auth/caller.js';
import { actorOf } from './auth/scope.js';
import type { Executor } from './db.js';

/** The confirmation a subject receives for every placement of information (p.30). */
export interface Receipt {
  id: string;
  operation: string;
  receivedAt: Date;
  recordedAt: Date;
}

export interface Placement {
  /** `<subgraph>.<mutation>`, e.g. `buildings.registerBuilding`. */
  operation: string;
  /** `actorOf(caller)`. */
  placedBy: string;
  /** When the request reached the system (context.receivedAt). */
  receivedAt: Date;
  objectIds: string[];
}

/** Call inside the placement's own transaction, so a receipt exists exactly when the data does. */
export async function issueReceipt(executor: Executor, placement: Placement): Promise<Receipt> {
  const [row] = await executor
    .insert(receipts)
    .values(placement)
    .returning({ id: receipts.id, operation: receipts.operation, receivedAt: receipts.receivedAt, recordedAt: receipts.recordedAt });
  if (!row) throw new Error('The receipt was not recorded.');
  return row;
}

/** What a request context (or a service acting for one) knows of a placement: who, and when it arrived. */
export interface PlacementSource {
  caller: Caller;
  receivedAt: Date;
}

/** `issueReceipt` for the caller of `source`: the form every mutation uses. */
export function receiptFor(executor: Executor, source: PlacementSource, operation: string, objectIds: string[]): Promise<Receipt> {
  return issueReceipt(executor, { operation, placedBy: actorOf(source.caller), receivedAt: source.receivedAt, objectIds });
}
