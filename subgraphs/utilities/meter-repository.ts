import { and, asc, eq, gt, inArray, lte, ne, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { uuidArray } from '../../lib/uuid.js';
import { publishedBuildings, publishedPremises } from '../../schema/buildings.js';
import { type MeterKind, type MeterStatus, meters, suppliers, type UtilityService } from '../../schema/utilities.js';

/** Which meters (and their readings) a caller reaches: subjects of the suppliers whose meters it reads; null means every supplier. */
export interface MeterScope {
  readSubjects: ReadonlySet<string> | null;
}

/** One meter as a supplier places it. */
export interface MeterInput {
  kind: MeterKind;
  buildingId: string;
  premiseNumber: string | null;
  katoCode: string;
  service: UtilityService;
  serialNumber: string;
  capacityDigits: number;
  tariffZones: number;
  status: MeterStatus;
  installedAt: string;
  sealedAt: string | null;
  verifiedAt: string | null;
  nextVerificationAt: string | null;
}

export interface MeterRow extends MeterInput {
  id: string;
  supplierId: string;
  supplierSubjectId: string;
}

export interface MeterFilter {
  supplierId?: string | null;
  buildingId?: string | null;
  service?: UtilityService | null;
  serialNumber?: string | null;
  /** Only meters (not removed) whose next verification is on or before this day. */
  dueBy?: string | null;
}

const columns = {
  id: meters.id,
  supplierId: meters.supplierId,
  supplierSubjectId: suppliers.subjectId,
  kind: meters.kind,
  buildingId: meters.buildingId,
  premiseNumber: meters.premiseNumber,
  katoCode: meters.katoCode,
  service: meters.service,
  serialNumber: meters.serialNumber,
  capacityDigits: meters.capacityDigits,
  tariffZones: meters.tariffZones,
  status: meters.status,
  installedAt: meters.installedAt,
  sealedAt: meters.sealedAt,
  verifiedAt: meters.verifiedAt,
  nextVerificationAt: meters.nextVerificationAt,
};

/** Meters (category 12). Every read applies the caller's scope in SQL. */
export class MeterRepository {
  constructor(private readonly executor: Executor) {}

  private scopeCondition(scope: MeterScope): SQL | undefined | false {
    if (scope.readSubjects === null) return undefined;
    if (scope.readSubjects.size === 0) return false;
    return inArray(suppliers.subjectId, [...scope.readSubjects]);
  }

  async byIds(ids: readonly string[], scope: MeterScope): Promise<MeterRow[]> {
    const inScope = this.scopeCondition(scope);
    if (ids.length === 0 || inScope === false) return [];
    return this.executor
      .select(columns)
      .from(meters)
      .innerJoin(suppliers, eq(suppliers.id, meters.supplierId))
      .where(and(inArray(meters.id, [...ids]), inScope));
  }

  /** `limit` meters after the id `after`, in id order. */
  async page(options: { limit: number; after: string | null; filter: MeterFilter; scope: MeterScope }): Promise<MeterRow[]> {
    const inScope = this.scopeCondition(options.scope);
    if (inScope === false) return [];
    const { filter } = options;
    const conditions: Array<SQL | undefined> = [inScope];
    if (options.after) conditions.push(gt(meters.id, options.after));
    if (filter.supplierId) conditions.push(eq(meters.supplierId, filter.supplierId));
    if (filter.buildingId) conditions.push(eq(meters.buildingId, filter.buildingId));
    if (filter.service) conditions.push(eq(meters.service, filter.service));
    if (filter.serialNumber) conditions.push(eq(meters.serialNumber, filter.serialNumber));
    if (filter.dueBy) conditions.push(lte(meters.nextVerificationAt, filter.dueBy), ne(meters.status, 'REMOVED'));
    return this.executor
      .select(columns)
      .from(meters)
      .innerJoin(suppliers, eq(suppliers.id, meters.supplierId))
      .where(and(...conditions))
      .orderBy(asc(meters.id))
      .limit(options.limit);
  }

  /** Meters of these buildings within the scope (at most `perBuilding` each, in id order), one statement. */
  async ofBuildings(buildingIds: readonly string[], perBuilding: number, scope: MeterScope): Promise<MeterRow[]> {
    const inScope = this.scopeCondition(scope);
    if (buildingIds.length === 0 || inScope === false) return [];
    const ranked = this.executor
      .select({ ...columns, rank: sql<number>`row_number() over (partition by ${meters.buildingId} order by ${meters.id})`.as('rank') })
      .from(meters)
      .innerJoin(suppliers, eq(suppliers.id, meters.supplierId))
      .where(and(inArray(meters.buildingId, [...buildingIds]), inScope))
      .as('ranked');
    const rows = await this.executor.select().from(ranked).where(lte(ranked.rank, perBuilding)).orderBy(asc(ranked.id));
    return rows.map(({ rank: _rank, ...row }) => row);
  }

  /** Individual meters of these premises (register ids) within the scope, by premise id: one statement. */
  async ofPremises(premiseIds: readonly string[], scope: MeterScope): Promise<Map<string, MeterRow[]>> {
    const inScope = this.scopeCondition(scope);
    const found = new Map<string, MeterRow[]>();
    if (premiseIds.length === 0 || inScope === false) return found;
    const rows = await this.executor
      .select({ ...columns, premiseId: publishedPremises.id })
      .from(meters)
      .innerJoin(suppliers, eq(suppliers.id, meters.supplierId))
      .innerJoin(
        publishedPremises,
        and(eq(publishedPremises.buildingId, meters.buildingId), eq(publishedPremises.number, meters.premiseNumber)),
      )
      .where(and(sql`${publishedPremises.id} = any(${uuidArray(premiseIds)}::uuid[])`, inScope))
      .orderBy(asc(meters.id));
    for (const { premiseId, ...row } of rows) found.set(premiseId, [...(found.get(premiseId) ?? []), row]);
    return found;
  }

  /** The register's ids of these premises (building and number), keyed `${buildingId}:${number}`: one statement. */
  async premiseIds(pairs: ReadonlyArray<{ buildingId: string; number: string }>): Promise<Map<string, string>> {
    if (pairs.length === 0) return new Map();
    const rows = await this.executor.execute<{ id: string; building_id: string; number: string }>(sql`
      select p.id, p.building_id, p.number
        from buildings.published_premises p
        join jsonb_to_recordset(${JSON.stringify(pairs.map((p) => ({ building_id: p.buildingId, number: p.number })))}::jsonb)
             as w(building_id uuid, number text) on w.building_id = p.building_id and w.number = p.number`);
    return new Map(rows.map((row) => [`${row.building_id}:${row.number}`, row.id]));
  }

  /** The KATO codes of these buildings of the register (published view), by id: one statement for any number. */
  async buildingKatos(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.executor
      .select({ id: publishedBuildings.id, katoCode: publishedBuildings.katoCode })
      .from(publishedBuildings)
      .where(sql`${publishedBuildings.id} = any(${uuidArray([...new Set(ids)])}::uuid[])`);
    return new Map(rows.map((row) => [row.id, row.katoCode]));
  }

  /**
   * Creates or updates meters of one supplier in ONE statement, matched by serial number
   * within the supplier (another supplier's meters are out of reach). The rows travel as
   * one JSON parameter. Returns ids and whether each was created, in the order given.
   */
  async upsert(supplierId: string, items: readonly MeterInput[]): Promise<Array<{ id: string; created: boolean }>> {
    if (items.length === 0) return [];
    const records = items.map((m) => ({
      kind: m.kind,
      building_id: m.buildingId,
      premise_number: m.premiseNumber,
      kato_code: m.katoCode,
      service: m.service,
      serial_number: m.serialNumber,
      capacity_digits: m.capacityDigits,
      tariff_zones: m.tariffZones,
      status: m.status,
      installed_at: m.installedAt,
      sealed_at: m.sealedAt,
      verified_at: m.verifiedAt,
      next_verification_at: m.nextVerificationAt,
    }));
    const rows = await this.executor.execute<{ id: string; serial_number: string; created: boolean }>(sql`
      insert into utilities.meters
             (supplier_id, kind, building_id, premise_number, kato_code, service, serial_number, capacity_digits, tariff_zones,
              status, installed_at, sealed_at, verified_at, next_verification_at)
      select ${supplierId}::uuid, r.kind, r.building_id, r.premise_number, r.kato_code, r.service, r.serial_number, r.capacity_digits,
             r.tariff_zones, r.status, r.installed_at, r.sealed_at, r.verified_at, r.next_verification_at
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(
             kind utilities.meter_kind, building_id uuid, premise_number varchar(20), kato_code varchar(500),
             service utilities.utility_service, serial_number varchar(50), capacity_digits smallint, tariff_zones smallint,
             status utilities.meter_status, installed_at date, sealed_at date, verified_at date, next_verification_at date)
      on conflict (supplier_id, serial_number) do update set
             kind = excluded.kind,
             building_id = excluded.building_id,
             premise_number = excluded.premise_number,
             kato_code = excluded.kato_code,
             service = excluded.service,
             capacity_digits = excluded.capacity_digits,
             tariff_zones = excluded.tariff_zones,
             status = excluded.status,
             installed_at = excluded.installed_at,
             sealed_at = excluded.sealed_at,
             verified_at = excluded.verified_at,
             next_verification_at = excluded.next_verification_at,
             updated_at = now(),
             version = utilities.meters.version + 1
      returning id, serial_number, (xmax = 0) as created`);
    const bySerial = new Map(rows.map((row) => [row.serial_number, { id: row.id, created: row.created }]));
    return items.map((m) => {
      const written = bySerial.get(m.serialNumber);
      if (!written) throw new Error('A meter of the batch was not written.');
      return written;
    });
  }
}
