import { and, asc, eq, gt, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { inTerritoryRange, katoRange } from '../../lib/kato.js';
import { firstRowsPerTerritory } from '../../lib/territory-pages.js';
import { uuidArray } from '../../lib/uuid.js';
import { type OutageKind, outageBuildings, outages, type UtilityService } from '../../schema/utilities.js';

export type OutageRow = typeof outages.$inferSelect;

/** An outage as validated, placed as a whole with the KATO codes of its buildings. */
export interface OutageInput {
  service: UtilityService;
  kind: OutageKind;
  startsAt: Date;
  endsAt: Date | null;
  message: string;
  buildings: Array<{ buildingId: string; katoCode: string }>;
}

export interface OutageFilter {
  supplierId?: string | null;
  buildingId?: string | null;
  /** Leading digits of a territory (`katoPrefix`): outages affecting a building in it. */
  katoPrefix?: string | null;
  /** Only outages not ended at this instant (under way or to come). */
  notEndedAt?: Date | null;
}

/** Interruptions of a service (the open part) and the buildings they affect. */
export class OutageRepository {
  constructor(private readonly executor: Executor) {}

  byIds(ids: readonly string[]): Promise<OutageRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(outages)
      .where(inArray(outages.id, [...ids]));
  }

  /** `limit` outages after the id `after`, in id order. */
  page(options: { limit: number; after: string | null; filter: OutageFilter }): Promise<OutageRow[]> {
    const { filter } = options;
    const conditions: Array<SQL | undefined> = [];
    if (options.after) conditions.push(gt(outages.id, options.after));
    if (filter.supplierId) conditions.push(eq(outages.supplierId, filter.supplierId));
    if (filter.notEndedAt) conditions.push(notEndedAt(filter.notEndedAt));
    if (filter.buildingId) {
      conditions.push(
        sql`exists (select 1 from utilities.outage_buildings b where b.outage_id = ${outages.id} and b.building_id = ${filter.buildingId}::uuid)`,
      );
    }
    if (filter.katoPrefix) {
      const range = katoRange(filter.katoPrefix);
      conditions.push(
        sql`exists (select 1 from utilities.outage_buildings b where b.outage_id = ${outages.id}
                      and b.kato_code ~>=~ ${range.from} and b.kato_code ~<~ ${range.to})`,
      );
    }
    return this.executor
      .select()
      .from(outages)
      .where(and(...conditions))
      .orderBy(asc(outages.id))
      .limit(options.limit);
  }

  /** Not-ended outages affecting each of these buildings, in one statement. */
  async ofBuildings(buildingIds: readonly string[], at: Date): Promise<Array<OutageRow & { buildingId: string }>> {
    if (buildingIds.length === 0) return [];
    const rows = await this.executor
      .select({ outage: outages, buildingId: outageBuildings.buildingId })
      .from(outageBuildings)
      .innerJoin(outages, eq(outages.id, outageBuildings.outageId))
      .where(and(inArray(outageBuildings.buildingId, [...buildingIds]), notEndedAt(at)))
      .orderBy(asc(outages.startsAt), asc(outages.id));
    return rows.map((row) => ({ ...row.outage, buildingId: row.buildingId }));
  }

  /**
   * The first `perTerritory` outages not ended at `at` affecting a building in each territory
   * (a KATO prefix), in id order, in one statement: a lateral join runs the keyset query once
   * per territory, each stopping at its limit.
   */
  async notEndedInTerritories(
    prefixes: readonly string[],
    perTerritory: number,
    at: Date,
  ): Promise<Array<{ prefix: string; outage: OutageRow }>> {
    const rows = await firstRowsPerTerritory(
      this.executor,
      outages,
      prefixes,
      and(
        notEndedAt(at),
        sql`exists (select 1 from utilities.outage_buildings b where b.outage_id = ${outages.id} and ${inTerritoryRange(sql`b.kato_code`)})`,
      ),
      perTerritory,
    );
    return rows.map(({ prefix, row }) => ({ prefix, outage: row }));
  }

  /**
   * The first `perOutage` buildings each outage affects, in id order, in one statement. An
   * outage may name 10,000 buildings: the lateral join stops at the limit on the primary key,
   * where ranking them all with `row_number()` would read every one.
   */
  async buildingsOf(outageIds: readonly string[], perOutage: number): Promise<Array<{ outageId: string; buildingId: string }>> {
    if (outageIds.length === 0 || perOutage === 0) return [];
    const rows = await this.executor.execute<{ outage_id: string; building_id: string }>(sql`
      select o.id as outage_id, b.building_id
        from unnest(${uuidArray(outageIds)}::uuid[]) as o(id)
        cross join lateral (
          select ob.building_id from utilities.outage_buildings ob
           where ob.outage_id = o.id
           order by ob.building_id
           limit ${perOutage}) b
       order by o.id, b.building_id`);
    return rows.map((row) => ({ outageId: row.outage_id, buildingId: row.building_id }));
  }

  async insert(supplierId: string, outage: OutageInput): Promise<OutageRow> {
    const { buildings, ...fields } = outage;
    const [row] = await this.executor
      .insert(outages)
      .values({ supplierId, ...fields })
      .returning();
    if (!row) throw new Error('The outage was not recorded.');
    await this.insertBuildings(row.id, buildings);
    return row;
  }

  async lockVersion(id: string): Promise<number | null> {
    const [row] = await this.executor.select({ version: outages.version }).from(outages).where(eq(outages.id, id)).for('update');
    return row?.version ?? null;
  }

  async replace(id: string, outage: OutageInput): Promise<OutageRow> {
    const { buildings, ...fields } = outage;
    const [row] = await this.executor
      .update(outages)
      .set({ ...fields, updatedAt: sql`now()`, version: sql`${outages.version} + 1` })
      .where(eq(outages.id, id))
      .returning();
    if (!row) throw new Error('The outage vanished during its change.');
    await this.executor.delete(outageBuildings).where(eq(outageBuildings.outageId, id));
    await this.insertBuildings(id, buildings);
    return row;
  }

  private async insertBuildings(outageId: string, affected: OutageInput['buildings']): Promise<void> {
    if (affected.length === 0) return;
    await this.executor.insert(outageBuildings).values(affected.map((building) => ({ outageId, ...building })));
  }
}

/** Not ended at `at`: under way or to come (an emergency without a known end goes on). */
function notEndedAt(at: Date): SQL | undefined {
  return or(isNull(outages.endsAt), gt(outages.endsAt, at));
}
