import { and, asc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { uuidArray } from '../../lib/uuid.js';
import { engineeringNetworks, type NetworkKind, networkBuildings, suppliers } from '../../schema/utilities.js';

/**
 * Whose served buildings a caller reads (decided by `networkScopeOf` in network-manager.ts,
 * once per request); the networks' figures are open to all.
 */
export interface NetworkScope {
  /** National bodies: every network. */
  all: boolean;
  /** Subjects of the suppliers whose networks the caller keeps. */
  ownerSubjects: ReadonlySet<string>;
  /** KATO prefixes of the local executive bodies the caller acts for. */
  territories: readonly string[];
}

/** A network as validated, placed as a whole. */
export interface NetworkInput {
  kind: NetworkKind;
  name: string;
  territoryKato: string;
  lengthKm: string | null;
  yearCommissioned: number;
  wearPercent: string;
  lastRepairOn: string | null;
  buildingIds: string[];
}

/** A stored network with its owner's subject, which the scope decisions need. */
export interface NetworkRow extends Omit<NetworkInput, 'buildingIds'> {
  id: string;
  supplierId: string;
  supplierSubjectId: string;
  version: number;
  updatedAt: Date;
}

export interface NetworkFilter {
  supplierId?: string | null;
  kind?: NetworkKind | null;
  /** Leading digits of the territory (`katoPrefix`). */
  katoPrefix?: string | null;
}

const columns = {
  id: engineeringNetworks.id,
  supplierId: engineeringNetworks.supplierId,
  supplierSubjectId: suppliers.subjectId,
  kind: engineeringNetworks.kind,
  name: engineeringNetworks.name,
  territoryKato: engineeringNetworks.territoryKato,
  lengthKm: engineeringNetworks.lengthKm,
  yearCommissioned: engineeringNetworks.yearCommissioned,
  wearPercent: engineeringNetworks.wearPercent,
  lastRepairOn: engineeringNetworks.lastRepairOn,
  version: engineeringNetworks.version,
  updatedAt: engineeringNetworks.updatedAt,
};

/** The scope as a condition on a network joined with its supplier; `false` when it reaches none. */
function scopeCondition(scope: NetworkScope): SQL | undefined | false {
  if (scope.all) return undefined;
  if (scope.ownerSubjects.size === 0 && scope.territories.length === 0) return false;
  return sql`(${suppliers.subjectId} = any(${uuidArray([...scope.ownerSubjects])}::uuid[])
           or ${engineeringNetworks.territoryKato} like any(${`{${scope.territories.map((prefix) => `${prefix}%`).join(',')}}`}::text[]))`;
}

/** Engineering networks (category 15) and the buildings they serve. */
export class NetworkRepository {
  constructor(private readonly executor: Executor) {}

  private select() {
    return this.executor.select(columns).from(engineeringNetworks).innerJoin(suppliers, eq(suppliers.id, engineeringNetworks.supplierId));
  }

  byIds(ids: readonly string[]): Promise<NetworkRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.select().where(inArray(engineeringNetworks.id, [...ids]));
  }

  /** `limit` networks after the id `after`, in id order. */
  page(options: { limit: number; after: string | null; filter: NetworkFilter }): Promise<NetworkRow[]> {
    const { filter } = options;
    const conditions: SQL[] = [];
    if (options.after) conditions.push(gt(engineeringNetworks.id, options.after));
    if (filter.supplierId) conditions.push(eq(engineeringNetworks.supplierId, filter.supplierId));
    if (filter.kind) conditions.push(eq(engineeringNetworks.kind, filter.kind));
    if (filter.katoPrefix) conditions.push(sql`${engineeringNetworks.territoryKato} like ${`${filter.katoPrefix}%`}`);
    return this.select()
      .where(and(...conditions))
      .orderBy(asc(engineeringNetworks.id))
      .limit(options.limit);
  }

  /** The first `perNetwork` buildings each network serves, in id order, in one statement. */
  async buildingsOf(networkIds: readonly string[], perNetwork: number): Promise<Array<{ networkId: string; buildingId: string }>> {
    if (networkIds.length === 0) return [];
    const rows = await this.executor.execute<{ network_id: string; building_id: string }>(sql`
      select network_id, building_id from (
        select network_id, building_id, row_number() over (partition by network_id order by building_id) as rank
          from utilities.network_buildings
         where network_id = any(${uuidArray(networkIds)}::uuid[])) ranked
       where rank <= ${perNetwork}
       order by network_id, building_id`);
    return rows.map((row) => ({ networkId: row.network_id, buildingId: row.building_id }));
  }

  /** Networks serving each of these buildings within the scope, in one statement. */
  async ofBuildings(buildingIds: readonly string[], scope: NetworkScope): Promise<Array<NetworkRow & { buildingId: string }>> {
    const inScope = scopeCondition(scope);
    if (buildingIds.length === 0 || inScope === false) return [];
    return this.executor
      .select({ ...columns, buildingId: networkBuildings.buildingId })
      .from(networkBuildings)
      .innerJoin(engineeringNetworks, eq(engineeringNetworks.id, networkBuildings.networkId))
      .innerJoin(suppliers, eq(suppliers.id, engineeringNetworks.supplierId))
      .where(and(inArray(networkBuildings.buildingId, [...buildingIds]), inScope))
      .orderBy(asc(networkBuildings.buildingId), asc(engineeringNetworks.id));
  }

  async insert(supplierId: string, network: NetworkInput): Promise<string> {
    const { buildingIds, ...figures } = network;
    const [row] = await this.executor
      .insert(engineeringNetworks)
      .values({ supplierId, ...figures })
      .returning({ id: engineeringNetworks.id });
    if (!row) throw new Error('The network was not recorded.');
    await this.replaceBuildings(row.id, buildingIds);
    return row.id;
  }

  /** Locks the network's row until commit and returns its version. */
  async lockVersion(id: string): Promise<number> {
    const [row] = await this.executor
      .select({ version: engineeringNetworks.version })
      .from(engineeringNetworks)
      .where(eq(engineeringNetworks.id, id))
      .for('update');
    if (!row) throw new Error('The network vanished during its change.');
    return row.version;
  }

  async replace(id: string, network: NetworkInput): Promise<void> {
    const { buildingIds, ...figures } = network;
    await this.executor
      .update(engineeringNetworks)
      .set({ ...figures, updatedAt: sql`now()`, version: sql`${engineeringNetworks.version} + 1` })
      .where(eq(engineeringNetworks.id, id));
    await this.executor.delete(networkBuildings).where(eq(networkBuildings.networkId, id));
    await this.replaceBuildings(id, buildingIds);
  }

  private async replaceBuildings(id: string, buildingIds: readonly string[]): Promise<void> {
    if (buildingIds.length === 0) return;
    await this.executor.execute(sql`
      insert into utilities.network_buildings (network_id, building_id)
      select ${id}::uuid, unnest(${uuidArray(buildingIds)}::uuid[])`);
  }
}
