import { inArray, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../../lib/db.js';
import { issueReceipt } from '../../lib/receipts.js';
import { suppliers, type TariffUnit, type UtilityService } from '../../schema/utilities.js';
import { type PersonalAccountItem, PersonalAccountManager } from '../../subgraphs/utilities/personal-account-manager.js';
import { SupplierManager } from '../../subgraphs/utilities/supplier-manager.js';
import type { SupplierRow } from '../../subgraphs/utilities/supplier-repository.js';
import { TariffManager } from '../../subgraphs/utilities/tariff-manager.js';
import { deleteReceiptsOf, demoSubjects, findAdministrator, findDemoSubjects } from './access-seeder.js';
import { Random } from './random.js';
import type { Seeder } from './seeder.js';
import { type MeteringCounts, type MeteringPlan, resetMeteringAndBilling, seedMeteringAndBilling } from './utilities-metering-demo.js';
import { type RegisterDemoSupplierKey, registerDemoSuppliers, seedRegisterDemo } from './utilities-register-demo.js';

/*
 * The two demo suppliers in the supplier register, their published tariffs, personal
 * accounts for the apartments of a few Almaty buildings of the register, held by the
 * apartments' owners, and each supplier's meters, a year of readings, two billing periods
 * and payments (utilities-metering-demo.ts); then suppliers of the other services, the passports,
 * networks, an outage and a consumer request (utilities-register-demo.ts). Written through the utilities subgraph's managers, which check them as
 * the API does (accounts against the register's buildings and premises), with a receipt for
 * each placement as the API would give; accounts and tariffs are placed by the supplier's own
 * billing system (its digital object), as in production.
 */

type SupplierKey = 'waterSupplier' | 'powerSupplier';

interface AccountKind {
  service: UtilityService;
  /** First digit(s) of the supplier's account numbers for this service. */
  numberPrefix: string;
  /** Whether the building is connected to this service. */
  connected: (apartment: ApartmentRow) => boolean;
}

interface SupplierPlan {
  key: SupplierKey;
  services: UtilityService[];
  /** Price in tenge the year before the reference year, and in it (published on 1 January). */
  tariffs: Array<{ service: UtilityService; unit: TariffUnit; previous: string; current: string }>;
  accounts: AccountKind[];
  /** Individual meters on the first accounts of one service, and their year (utilities-metering-demo.ts). */
  metering: Pick<MeteringPlan, 'service' | 'serialPrefix' | 'capacityDigits' | 'monthly'>;
}

// Orders of magnitude of Almaty's tariffs for households; illustrative, not official.
const plans: SupplierPlan[] = [
  {
    key: 'waterSupplier',
    services: ['WATER_SUPPLY', 'SEWERAGE'],
    tariffs: [
      { service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', previous: '86.5500', current: '98.7600' },
      { service: 'SEWERAGE', unit: 'CUBIC_METRE', previous: '47.8200', current: '54.3900' },
    ],
    accounts: [
      { service: 'WATER_SUPPLY', numberPrefix: '71', connected: () => true },
      { service: 'SEWERAGE', numberPrefix: '72', connected: (apartment) => apartment.sewer },
    ],
    metering: { service: 'WATER_SUPPLY', serialPrefix: 'SV15', capacityDigits: 5, monthly: [6, 14] },
  },
  {
    key: 'powerSupplier',
    services: ['ELECTRICITY'],
    tariffs: [{ service: 'ELECTRICITY', unit: 'KILOWATT_HOUR', previous: '24.4500', current: '26.9000' }],
    accounts: [{ service: 'ELECTRICITY', numberPrefix: '5', connected: () => true }],
    metering: { service: 'ELECTRICITY', serialPrefix: 'CE102', capacityDigits: 6, monthly: [140, 320] },
  },
];

/**
 * Apartments given accounts (each has water and electricity, most sewerage too: a few
 * hundred accounts), at most this many per building so they spread over several, and
 * the buildings looked at for them.
 */
const ACCOUNT_APARTMENTS = 150;
const APARTMENTS_PER_BUILDING = 30;
const ACCOUNT_BUILDINGS = 40;
/** Accounts were not kept electronically before this year. */
const FIRST_ACCOUNT_YEAR = 2005;
const DAY_MS = 24 * 60 * 60 * 1000;

interface ApartmentRow extends Record<string, unknown> {
  building_id: string;
  year_built: number;
  sewer: boolean;
  number: string;
  owner_name: string;
  owner_iin: string;
}

/**
 * Apartments of the first Almaty buildings (by cadastral number) on the central water
 * network and the grid, each with its first owner who is a person: the account holder.
 */
async function almatyApartments(tx: Transaction): Promise<ApartmentRow[]> {
  const rows = await tx.execute<ApartmentRow>(sql`
    with chosen as (
      select b.id, b.cadastral_number, b.year_built, (b.has_sewer and b.sewerage_kind = 'CENTRALIZED') as sewer
        from buildings.buildings b
       where b.kato_code ~>=~ '75' and b.kato_code ~<~ '76' and b.status = 'REGISTERED'
         and b.water_supply_kind = 'CENTRALIZED' and b.has_water_pipeline and b.electricity_connected
       order by b.cadastral_number
       limit ${ACCOUNT_BUILDINGS})
    select c.id as building_id, c.year_built, c.sewer, p.number, o.name as owner_name, o.identification_number as owner_iin
      from chosen c
      cross join lateral (
        select p.id, p.number from buildings.premises p
         where p.building_id = c.id and p.kind = 'APARTMENT'
         order by length(p.number), p.number
         limit ${APARTMENTS_PER_BUILDING}) p
      cross join lateral (
        select o.name, o.identification_number from buildings.premise_owners o
         where o.premise_id = p.id and o.kind = 'PERSON'
         order by o.share desc, o.identification_number
         limit 1) o
     order by c.cadastral_number, length(p.number), p.number
     limit ${ACCOUNT_APARTMENTS}`);
  return [...rows];
}

/** A day between the building's commissioning (or 2005) and the day before the reference day. */
function openedOn(random: Random, yearBuilt: number, referenceDate: Date): string {
  const latest = referenceDate.getTime() - DAY_MS;
  const earliest = Math.min(Date.UTC(Math.max(yearBuilt, FIRST_ACCOUNT_YEAR), 0, 1), latest);
  return new Date(earliest + Math.floor(random.float() * ((latest - earliest) / DAY_MS + 1)) * DAY_MS).toISOString().slice(0, 10);
}

function accountsOf(plan: SupplierPlan, apartments: readonly ApartmentRow[], seed: number, referenceDate: Date): PersonalAccountItem[] {
  const accounts: PersonalAccountItem[] = [];
  for (const [kindIndex, kind] of plan.accounts.entries()) {
    apartments.forEach((apartment, index) => {
      if (!kind.connected(apartment)) return;
      const random = new Random(seed, 0x0ac0, plans.indexOf(plan), kindIndex, index);
      accounts.push({
        buildingId: apartment.building_id,
        premiseNumber: apartment.number,
        accountNumber: `${kind.numberPrefix}${String(index + 1).padStart(9 - kind.numberPrefix.length, '0')}`,
        holderName: apartment.owner_name,
        holderIin: apartment.owner_iin,
        service: kind.service,
        openedAt: openedOn(random, apartment.year_built, referenceDate),
        closedAt: null,
      });
    });
  }
  return accounts;
}

/** Live digital objects of the subjects: the supplier's billing system places its accounts and tariffs. */
async function billingSystems(tx: Transaction, subjectIds: string[]): Promise<Map<string, string>> {
  const rows = await tx.execute<{ id: string; subject_id: string }>(sql`
    select distinct on (subject_id) id, subject_id from access.digital_objects
     where subject_id = any(${`{${subjectIds.join(',')}}`}::uuid[]) and status = 'LIVE'
     order by subject_id, created_at, id`);
  return new Map(rows.map((row) => [row.subject_id, row.id]));
}

async function seedUtilities(
  tx: Transaction,
  subjectIds: Record<SupplierKey, string> & Partial<Record<RegisterDemoSupplierKey, string>>,
  seed: number,
  referenceDate: Date,
): Promise<Record<string, number>> {
  const adminId = await findAdministrator(tx);
  if (!adminId) throw new Error('The utilities demo data needs an administrator; the access seeder creates one.');
  const administrator = `person:${adminId}`;
  const systems = await billingSystems(
    tx,
    Object.values(subjectIds).filter((id) => id !== undefined),
  );
  const placedByOf = (subjectId: string) => {
    const system = systems.get(subjectId);
    return system ? `digital-object:${system}` : administrator;
  };
  const registered: Partial<Record<SupplierKey, SupplierRow>> = {};
  const apartments = await almatyApartments(tx);
  const now = new Date();
  const year = referenceDate.getUTCFullYear();
  const counts = { suppliers: 0, tariffs: 0, personalAccounts: 0, meters: 0, readings: 0, billingPeriods: 0, charges: 0, payments: 0 };

  for (const plan of plans) {
    const subject = demoSubjects[plan.key];
    const subjectId = subjectIds[plan.key];
    const placedBy = placedByOf(subjectId);

    const supplier = await new SupplierManager(tx).register({
      subjectId,
      name: subject.name,
      bin: subject.identificationNumber,
      services: plan.services,
    });
    await issueReceipt(tx, {
      operation: 'utilities.registerSupplier',
      placedBy: administrator,
      receivedAt: new Date(),
      objectIds: [supplier.id],
    });
    counts.suppliers += 1;
    registered[plan.key] = supplier;

    const tariffs = new TariffManager(tx);
    for (const tariff of plan.tariffs) {
      for (const [validFrom, pricePerUnit] of [
        [`${year - 1}-01-01`, tariff.previous],
        [`${year}-01-01`, tariff.current],
      ] as const) {
        const { tariff: row } = await tariffs.publish(
          { supplierId: supplier.id, service: tariff.service, unit: tariff.unit, pricePerUnit, validFrom },
          placedBy,
        );
        await issueReceipt(tx, { operation: 'utilities.publishTariff', placedBy, receivedAt: new Date(), objectIds: [row.id] });
        counts.tariffs += 1;
      }
    }

    const accounts = accountsOf(plan, apartments, seed, referenceDate);
    if (accounts.length === 0) continue;
    const manager = new PersonalAccountManager(tx);
    const checked = await manager.check(supplier.id, accounts, now);
    const refused = checked.flatMap((outcome, index) =>
      'problems' in outcome ? outcome.problems.map((problem) => `accounts[${index}].${problem.field}: ${problem.message}`) : [],
    );
    if (refused.length > 0) throw new Error(`The utilities demo accounts are invalid:\n${refused.slice(0, 10).join('\n')}`);
    const written = await manager.write(
      supplier.id,
      checked.flatMap((outcome) => ('value' in outcome ? [outcome.value] : [])),
      placedBy,
    );
    await issueReceipt(tx, {
      operation: 'utilities.upsertPersonalAccounts',
      placedBy,
      receivedAt: new Date(),
      objectIds: written.map((row) => row.id),
    });
    counts.personalAccounts += written.length;

    const metered = await seedMeteringAndBilling(
      tx,
      { ...plan.metering, supplierId: supplier.id, placedBy, accounts },
      seed,
      referenceDate,
      plans.indexOf(plan),
    );
    for (const [key, value] of Object.entries(metered)) counts[key as keyof MeteringCounts] += value;
  }
  if (!registered.waterSupplier || !registered.powerSupplier) return counts;
  const register = await seedRegisterDemo(tx, {
    referenceDate,
    administrator,
    placedBy: (supplier) => placedByOf(supplier.subjectId),
    water: registered.waterSupplier,
    power: registered.powerSupplier,
    subjectIds,
  });
  return { ...counts, ...register, suppliers: counts.suppliers + register.suppliers };
}

async function demoSupplierIds(db: Database | Transaction): Promise<string[]> {
  const bins = [...plans, ...registerDemoSuppliers].map((plan) => demoSubjects[plan.key].identificationNumber);
  const rows = await db.select({ id: suppliers.id }).from(suppliers).where(inArray(suppliers.bin, bins));
  return rows.map((row) => row.id);
}

export const utilitiesSeeder: Seeder = {
  name: 'utilities',
  seed: async ({ db, seed, referenceDate, log }) => {
    const subjects = await findDemoSubjects(db);
    if (!subjects.waterSupplier || !subjects.powerSupplier) {
      log('  the demo suppliers are not in the access data: utilities demo data skipped');
      return {};
    }
    if ((await demoSupplierIds(db)).length > 0) {
      log('  demo suppliers already registered: utilities demo data kept as it is');
      return {};
    }
    const subjectIds = {
      waterSupplier: subjects.waterSupplier,
      powerSupplier: subjects.powerSupplier,
      ...Object.fromEntries(registerDemoSuppliers.flatMap((plan) => (subjects[plan.key] ? [[plan.key, subjects[plan.key]]] : []))),
    };
    const counts = await db.transaction((tx) => seedUtilities(tx, subjectIds, seed, referenceDate));
    if (counts.personalAccounts === 0) log('  no Almaty buildings on the central water network in the register: no personal accounts');
    return counts;
  },
  reset: async (db) => {
    await db.transaction(async (tx) => {
      const supplierIds = await demoSupplierIds(tx);
      if (supplierIds.length === 0) return;
      const list = `{${supplierIds.join(',')}}`;
      const [placed] = await tx.execute<{ ids: string[] }>(sql`
        select array(
          select id::text from utilities.personal_accounts where supplier_id = any(${list}::uuid[])
          union all
          select id::text from utilities.tariffs where supplier_id = any(${list}::uuid[])
          union all
          select id::text from utilities.engineering_networks where supplier_id = any(${list}::uuid[])
          union all
          select id::text from utilities.outages where supplier_id = any(${list}::uuid[])
          union all
          select id::text from utilities.consumer_requests where supplier_id = any(${list}::uuid[])) as ids`);
      await deleteReceiptsOf(tx, [...supplierIds, ...(placed?.ids ?? [])]);
      await resetMeteringAndBilling(tx, list);
      await tx.execute(sql`delete from utilities.consumer_requests where supplier_id = any(${list}::uuid[])`);
      await tx.execute(sql`
        delete from utilities.personal_account_history
         where account_id in (select id from utilities.personal_accounts where supplier_id = any(${list}::uuid[]))`);
      await tx.execute(sql`delete from utilities.personal_accounts where supplier_id = any(${list}::uuid[])`);
      await tx.execute(sql`delete from utilities.tariffs where supplier_id = any(${list}::uuid[])`);
      await tx.execute(sql`
        delete from utilities.outage_buildings
         where outage_id in (select id from utilities.outages where supplier_id = any(${list}::uuid[]))`);
      await tx.execute(sql`delete from utilities.outages where supplier_id = any(${list}::uuid[])`);
      await tx.execute(sql`
        delete from utilities.network_buildings
         where network_id in (select id from utilities.engineering_networks where supplier_id = any(${list}::uuid[]))`);
      await tx.execute(sql`delete from utilities.engineering_networks where supplier_id = any(${list}::uuid[])`);
      await tx.execute(sql`delete from utilities.supplier_buildings where supplier_id = any(${list}::uuid[])`);
      await tx.execute(sql`delete from utilities.suppliers where id = any(${list}::uuid[])`);
    });
  },
};
