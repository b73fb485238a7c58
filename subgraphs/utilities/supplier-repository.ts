import { and, arrayContains, asc, eq, gt, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { uuidArray } from '../../lib/uuid.js';
import { type SupplierLicence, supplierBuildings, suppliers, type UtilityService } from '../../schema/utilities.js';

export type SupplierRow = typeof suppliers.$inferSelect;

export interface NewSupplier {
  subjectId: string;
  name: string;
  bin: string;
  services: UtilityService[];
}

/** A supplier's passport as validated (supplier-passport.ts), placed as a whole. */
export interface SupplierPassport {
  services: UtilityService[];
  naturalMonopoly: boolean;
  territoryKatos: string[];
  buildingIds: string[];
  licences: SupplierLicence[];
  contacts: { legalAddress: string | null; phone: string | null; email: string | null; website: string | null };
  bankDetails: { bankName: string; bic: string; iban: string; beneficiaryCode: string } | null;
}

/** The supplier register and passports. */
export class SupplierRepository {
  constructor(private readonly executor: Executor) {}

  byIds(ids: readonly string[]): Promise<SupplierRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(suppliers)
      .where(inArray(suppliers.id, [...ids]));
  }

  async byId(id: string): Promise<SupplierRow | null> {
    const [row] = await this.byIds([id]);
    return row ?? null;
  }

  /** `limit` rows after the id `after`, in id order. */
  page(options: { limit: number; after: string | null; service?: UtilityService | null }): Promise<SupplierRow[]> {
    const conditions: SQL[] = [];
    if (options.after) conditions.push(gt(suppliers.id, options.after));
    if (options.service) conditions.push(arrayContains(suppliers.services, [options.service]));
    return this.executor
      .select()
      .from(suppliers)
      .where(and(...conditions))
      .orderBy(asc(suppliers.id))
      .limit(options.limit);
  }

  /** Suppliers already registered with this subject or this BIN (what makes a registration a duplicate). */
  holdersOf(subjectId: string, bin: string): Promise<Array<Pick<SupplierRow, 'subjectId' | 'bin'>>> {
    return this.executor
      .select({ subjectId: suppliers.subjectId, bin: suppliers.bin })
      .from(suppliers)
      .where(or(eq(suppliers.subjectId, subjectId), eq(suppliers.bin, bin)));
  }

  async insert(supplier: NewSupplier): Promise<SupplierRow> {
    const [row] = await this.executor.insert(suppliers).values(supplier).returning();
    if (!row) throw new Error('The supplier was not recorded.');
    return row;
  }

  /** Locks the supplier's row until commit and returns its version. */
  async lockVersion(id: string): Promise<number> {
    const [row] = await this.executor.select({ version: suppliers.version }).from(suppliers).where(eq(suppliers.id, id)).for('update');
    if (!row) throw new Error('The supplier vanished during its change.');
    return row.version;
  }

  /** Replaces the passport and the buildings served: three statements whatever the number of buildings. */
  async replacePassport(id: string, passport: SupplierPassport, by: { actor: string; now: Date }): Promise<SupplierRow> {
    const [row] = await this.executor
      .update(suppliers)
      .set({
        services: passport.services,
        naturalMonopoly: passport.naturalMonopoly,
        territoryKatos: passport.territoryKatos,
        licences: passport.licences,
        ...passport.contacts,
        bankName: passport.bankDetails?.bankName ?? null,
        bankBic: passport.bankDetails?.bic ?? null,
        iban: passport.bankDetails?.iban ?? null,
        beneficiaryCode: passport.bankDetails?.beneficiaryCode ?? null,
        passportUpdatedAt: by.now,
        passportUpdatedBy: by.actor,
        version: sql`${suppliers.version} + 1`,
      })
      .where(eq(suppliers.id, id))
      .returning();
    if (!row) throw new Error('The supplier vanished during its change.');
    await this.executor.delete(supplierBuildings).where(eq(supplierBuildings.supplierId, id));
    if (passport.buildingIds.length > 0) {
      await this.executor.execute(sql`
        insert into utilities.supplier_buildings (supplier_id, building_id)
        select ${id}::uuid, unnest(${uuidArray(passport.buildingIds)}::uuid[])`);
    }
    return row;
  }

  /** The first `perSupplier` buildings served by each supplier, in id order, in one statement. */
  async buildingsServed(supplierIds: readonly string[], perSupplier: number): Promise<Array<{ supplierId: string; buildingId: string }>> {
    if (supplierIds.length === 0) return [];
    const rows = await this.executor.execute<{ supplier_id: string; building_id: string }>(sql`
      select supplier_id, building_id from (
        select supplier_id, building_id, row_number() over (partition by supplier_id order by building_id) as rank
          from utilities.supplier_buildings
         where supplier_id = any(${uuidArray(supplierIds)}::uuid[])) ranked
       where rank <= ${perSupplier}
       order by supplier_id, building_id`);
    return rows.map((row) => ({ supplierId: row.supplier_id, buildingId: row.building_id }));
  }
}
