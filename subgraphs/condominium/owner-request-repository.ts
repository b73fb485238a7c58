import { and, asc, desc, eq, gt, inArray, lt, notInArray, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { katoPrefix, katoRange } from '../../lib/kato.js';
import type { PagePosition } from '../../lib/pagination.js';
import { publishedBuildings, publishedPremises } from '../../schema/buildings.js';
import { type OwnerRequestStatus, ownerRequestEvents, ownerRequests, requestCategories } from '../../schema/condominium.js';
import { closedStatuses } from './owner-request-lifecycle.js';

export type OwnerRequestRow = typeof ownerRequests.$inferSelect;
export type OwnerRequestEventRow = typeof ownerRequestEvents.$inferSelect;
export type RequestCategoryRow = typeof requestCategories.$inferSelect;

/** Which requests a list reads: a building's, a requester's, or a territory's overdue ones. */
export type RequestListSource =
  | { kind: 'building'; buildingId: string; requesterPersonId: string | null; status: OwnerRequestStatus | null; overdueOn: string | null }
  | { kind: 'requester'; requesterPersonId: string }
  | { kind: 'territory'; katoCode: string; overdueOn: string };

export interface RequestPage {
  source: RequestListSource;
  /** Rows to read: one more than the page, to tell whether more follow. */
  limit: number;
  after: PagePosition | null;
}

/** Where a request list continues: overdue lists by due day (oldest first), the others newest first. */
export function requestPosition(source: RequestListSource) {
  return (row: OwnerRequestRow): PagePosition =>
    isDueOrdered(source) ? { id: row.id, at: `${row.dueOn}T00:00:00.000Z` } : { id: row.id, at: row.submittedAt.toISOString() };
}

function isDueOrdered(source: RequestListSource): boolean {
  return source.kind === 'territory' || (source.kind === 'building' && source.overdueOn !== null);
}

const open = notInArray(ownerRequests.status, [...closedStatuses]);

/**
 * The SQL of owners' requests and their history. Buildings and premises belong to the
 * buildings subgraph and are read only through its published views.
 */
export class OwnerRequestRepository {
  constructor(private readonly executor: Executor) {}

  categories(): Promise<RequestCategoryRow[]> {
    return this.executor.select().from(requestCategories).orderBy(asc(requestCategories.code));
  }

  async category(code: string): Promise<RequestCategoryRow | null> {
    const [row] = await this.executor.select().from(requestCategories).where(eq(requestCategories.code, code));
    return row ?? null;
  }

  byIds(ids: readonly string[]): Promise<OwnerRequestRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(ownerRequests)
      .where(inArray(ownerRequests.id, [...ids]));
  }

  /** The request, locked until the transaction ends: two changes of one request never interleave. */
  async forUpdate(id: string): Promise<OwnerRequestRow | null> {
    const [row] = await this.executor.select().from(ownerRequests).where(eq(ownerRequests.id, id)).for('update');
    return row ?? null;
  }

  async page({ source, limit, after }: RequestPage): Promise<OwnerRequestRow[]> {
    const conditions: SQL[] = [];
    if (source.kind === 'building') {
      conditions.push(eq(ownerRequests.buildingId, source.buildingId));
      if (source.requesterPersonId) conditions.push(eq(ownerRequests.requesterPersonId, source.requesterPersonId));
      if (source.status) conditions.push(eq(ownerRequests.status, source.status));
      if (source.overdueOn) conditions.push(open, lt(ownerRequests.dueOn, source.overdueOn));
    } else if (source.kind === 'requester') {
      conditions.push(eq(ownerRequests.requesterPersonId, source.requesterPersonId));
    } else {
      const { from, to } = katoRange(katoPrefix(source.katoCode));
      conditions.push(
        open,
        lt(ownerRequests.dueOn, source.overdueOn),
        sql`${ownerRequests.buildingId} in (select ${publishedBuildings.id} from ${publishedBuildings}
              where ${publishedBuildings.katoCode} ~>=~ ${from} and ${publishedBuildings.katoCode} ~<~ ${to})`,
      );
    }
    const dueOrdered = isDueOrdered(source);
    if (after?.at) {
      if (dueOrdered) {
        const day = after.at.slice(0, 10);
        conditions.push(or(gt(ownerRequests.dueOn, day), and(eq(ownerRequests.dueOn, day), gt(ownerRequests.id, after.id))) as SQL);
      } else {
        const at = new Date(after.at);
        conditions.push(
          or(lt(ownerRequests.submittedAt, at), and(eq(ownerRequests.submittedAt, at), lt(ownerRequests.id, after.id))) as SQL,
        );
      }
    }
    return this.executor
      .select()
      .from(ownerRequests)
      .where(and(...conditions))
      .orderBy(
        ...(dueOrdered ? [asc(ownerRequests.dueOn), asc(ownerRequests.id)] : [desc(ownerRequests.submittedAt), desc(ownerRequests.id)]),
      )
      .limit(limit);
  }

  /** The history of these requests, oldest first. */
  eventsOf(requestIds: readonly string[]): Promise<OwnerRequestEventRow[]> {
    if (requestIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(ownerRequestEvents)
      .where(inArray(ownerRequestEvents.requestId, [...requestIds]))
      .orderBy(asc(ownerRequestEvents.changedAt), asc(ownerRequestEvents.id));
  }

  /** Whether the premises is one of the building's (buildings subgraph, published view). */
  async premiseInBuilding(premiseId: string, buildingId: string): Promise<boolean> {
    const [row] = await this.executor
      .select({ id: publishedPremises.id })
      .from(publishedPremises)
      .where(and(eq(publishedPremises.id, premiseId), eq(publishedPremises.buildingId, buildingId)));
    return row !== undefined;
  }

  async insert(request: typeof ownerRequests.$inferInsert): Promise<OwnerRequestRow> {
    const [row] = await this.executor.insert(ownerRequests).values(request).returning();
    if (!row) throw new Error('The request was not recorded.');
    return row;
  }

  async update(id: string, change: Partial<typeof ownerRequests.$inferInsert>): Promise<OwnerRequestRow> {
    const [row] = await this.executor
      .update(ownerRequests)
      .set({ ...change, version: sql`${ownerRequests.version} + 1`, updatedAt: sql`now()` })
      .where(eq(ownerRequests.id, id))
      .returning();
    if (!row) throw new Error('The request was not updated.');
    return row;
  }

  async recordEvent(event: typeof ownerRequestEvents.$inferInsert): Promise<void> {
    await this.executor.insert(ownerRequestEvents).values(event);
  }
}
