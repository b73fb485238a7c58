import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../lib/auth/tokens.js';
import type { Executor } from '../lib/db.js';
import { createAccessSeeder, demoPersons, demoSubjects } from '../scripts/seed/access-seeder.js';
import { type DemoTokens, demoRoles, printDemoTokens, readDemoTokens, writeDemoTokens } from '../scripts/seed/demo-tokens.js';
import { demoSeeders, resetDemoData, type Seeder, type SeedReport, seedDemoData } from '../scripts/seed/index.js';
import { bootstrapAdministrator } from '../subgraphs/access/bootstrap.js';
import { PersonalAccountRepository } from '../subgraphs/utilities/personal-account-repository.js';
import { SupplierRepository } from '../subgraphs/utilities/supplier-repository.js';
import { AccessFixture, makeBin, makeIin } from './support/access-fixtures.js';
import { ALMALY, buildingInput, ESIL, REGISTER } from './support/buildings-fixtures.js';
import { createTestDatabase } from './support/database.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// The demo data of `npm start`: every demo token signs in through the gateway as its
// role and can do what that role may and nothing more; seeding twice changes nothing;
// `--reset` deletes exactly the demo rows.

const BUILDINGS = 150;
const SEED = 7;
/** One "today" for every seeding of this file, so two databases can be compared. */
const referenceDate = new Date(new Date().toISOString().slice(0, 10));

/** The demo seeders, the access one writing its tokens to `tokensFile` instead of `.data/`. */
function seedersWritingTo(tokensFile: string): Seeder[] {
  return demoSeeders.map((seeder) => (seeder.name === 'access' ? createAccessSeeder({ tokensFile }) : seeder));
}
/** The seeders of this change alone: buildings stay. */
const ownSeeders = (tokensFile: string) =>
  seedersWritingTo(tokensFile).filter((seeder) => ['access', 'utilities', 'condominium'].includes(seeder.name));

const ME = `{ me { isAdministrator person { fullName } digitalObject { name status } grants { functions subject { kind name } parent { id } } } }`;
const ACCOUNTS = `{ personalAccounts(first: 500) {
  edges { node { accountNumber service holderName holderIin premiseNumber supplier { name } } } pageInfo { hasNextPage } } }`;

async function count(db: Executor, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await db.execute<{ count: number }>(query);
  return Number(row?.count);
}

/**
 * The demo content without ids, times of creation or tokens: what must come out the same
 * from the same seed and day. Administrators are left out (one may exist before the demo).
 */
async function demoContent(db: Executor): Promise<unknown> {
  const [row] = await db.execute<{ content: unknown }>(sql`
    select jsonb_build_object(
      'subjects', (select jsonb_agg(jsonb_build_array(kind, name, identification_number, territory_kato, email) order by identification_number) from access.subjects),
      'persons', (select jsonb_agg(jsonb_build_array(iin, full_name, email, phone) order by iin) from access.persons where not is_administrator),
      'agreements', (select jsonb_agg(jsonb_build_array(s.identification_number, a.kind, a.reference, a.functions, a.valid_from, a.valid_until) order by a.reference)
                       from access.agreements a join access.subjects s on s.id = a.subject_id),
      'grants', (select jsonb_agg(jsonb_build_array(s.identification_number, p.iin, d.name, g.functions, g.state, g.parent_grant_id is not null) order by s.identification_number, p.iin, d.name)
                   from access.grants g join access.subjects s on s.id = g.subject_id
                   left join access.persons p on p.id = g.person_id left join access.digital_objects d on d.id = g.digital_object_id),
      'applications', (select jsonb_agg(jsonb_build_array(digital_object_name, status, functions, contact_email) order by digital_object_name) from access.applications),
      'suppliers', (select jsonb_agg(jsonb_build_array(name, bin, services) order by bin) from utilities.suppliers),
      'networks', (select jsonb_agg(jsonb_build_array(s.bin, n.kind, n.name, n.territory_kato, n.length_km, n.wear_percent, n.last_repair_on) order by s.bin, n.name)
                     from utilities.engineering_networks n join utilities.suppliers s on s.id = n.supplier_id),
      'outages', (select jsonb_agg(jsonb_build_array(s.bin, o.service, o.kind, o.starts_at, o.ends_at, o.message) order by s.bin, o.starts_at)
                    from utilities.outages o join utilities.suppliers s on s.id = o.supplier_id),
      'consumerRequests', (select jsonb_agg(jsonb_build_array(s.bin, r.kind, r.text, r.status, r.deadline) order by s.bin, r.text)
                             from utilities.consumer_requests r join utilities.suppliers s on s.id = r.supplier_id),
      'tariffs', (select jsonb_agg(jsonb_build_array(s.bin, t.service, t.price_per_unit, t.unit, t.valid_from) order by s.bin, t.service, t.valid_from)
                    from utilities.tariffs t join utilities.suppliers s on s.id = t.supplier_id),
      'accounts', (select jsonb_agg(jsonb_build_array(s.bin, a.account_number, b.cadastral_number, a.premise_number, a.holder_name, a.holder_iin, a.service, a.opened_at) order by s.bin, a.account_number)
                     from utilities.personal_accounts a join utilities.suppliers s on s.id = a.supplier_id join buildings.buildings b on b.id = a.building_id),
      'meters', (select jsonb_agg(jsonb_build_array(s.bin, m.serial_number, m.premise_number, m.service, m.capacity_digits, m.installed_at, m.next_verification_at) order by m.serial_number)
                   from utilities.meters m join utilities.suppliers s on s.id = m.supplier_id),
      'readings', (select jsonb_agg(jsonb_build_array(m.serial_number, r.taken_on, r.value, r.consumption, r.anomaly) order by m.serial_number, r.taken_on)
                     from utilities.meter_readings r join utilities.meters m on m.id = r.meter_id),
      'billingPeriods', (select jsonb_agg(jsonb_build_array(s.bin, p.month, p.status) order by s.bin, p.month)
                           from utilities.billing_periods p join utilities.suppliers s on s.id = p.supplier_id),
      'charges', (select jsonb_agg(jsonb_build_array(a.account_number, c.month, c.kind, c.basis, c.volume, c.amount_tiyn, c.kato_code) order by a.account_number, c.month)
                    from utilities.charges c join utilities.personal_accounts a on a.id = c.account_id),
      'payments', (select jsonb_agg(jsonb_build_array(a.account_number, p.amount_tiyn, p.paid_on, p.channel, p.reference) order by p.reference)
                     from utilities.payments p join utilities.personal_accounts a on a.id = p.account_id),
      'management', (select jsonb_agg(jsonb_build_array(b.cadastral_number, m.management_subject_kind, m.form, m.valid_from, m.contract_number,
                                                        m.tax_certificate_number, m.tax_certificate_issued_on) order by b.cadastral_number)
                       from condominium.management_assignments m join buildings.buildings b on b.id = m.building_id),
      'houseCouncil', (select jsonb_agg(jsonb_build_array(b.cadastral_number, h.iin, h.full_name, h.chair, h.valid_from) order by b.cadastral_number, h.iin)
                         from condominium.house_council_members h join buildings.buildings b on b.id = h.building_id),
      'works', (select jsonb_agg(jsonb_build_array(b.cadastral_number, w.title, w.status, w.planned_cost_tiyn, w.planned_start) order by b.cadastral_number, w.title)
                  from condominium.planned_works w join buildings.buildings b on b.id = w.building_id),
      'contracts', (select jsonb_agg(jsonb_build_array(b.cadastral_number, c.number, c.counterparty_bin, c.amount_tiyn, c.valid_from) order by b.cadastral_number, c.number)
                      from condominium.contracts c join buildings.buildings b on b.id = c.building_id),
      'requests', (select jsonb_agg(jsonb_build_array(b.cadastral_number, p.iin, r.category_code, r.status, r.due_on, r.rating) order by b.cadastral_number, r.category_code)
                     from condominium.owner_requests r join buildings.buildings b on b.id = r.building_id join access.persons p on p.id = r.requester_person_id)
    ) as content`);
  return row?.content;
}

describe('demo data', () => {
  let system: TestSystem;
  let directory: string;
  let tokensFile: string;
  let report: SeedReport;
  let tokens: DemoTokens;
  let content: unknown;
  const token = (role: keyof DemoTokens): string => {
    const entry = tokens[role];
    if (!entry) throw new Error(`no ${role} token`);
    return entry.token;
  };

  beforeAll(async () => {
    system = await startTestSystem();
    directory = await mkdtemp(join(tmpdir(), 'demo-seed-'));
    tokensFile = join(directory, 'demo-tokens.json');
    report = await seedDemoData(system.db, { buildings: BUILDINGS, seed: SEED, referenceDate }, seedersWritingTo(tokensFile));
    tokens = (await readDemoTokens(tokensFile)) ?? {};
    content = await demoContent(system.db);
  });
  afterAll(async () => {
    await system?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('writes a token for every demo role to a file only its owner can read', async () => {
    expect(Object.keys(tokens).sort()).toEqual([...demoRoles].sort());
    const values = Object.values(tokens).map((entry) => entry.token);
    expect(new Set(values).size).toBe(demoRoles.length);
    for (const value of values) expect(value).toMatch(/^kzh_[A-Za-z0-9_-]{43}$/);
    expect((await stat(tokensFile)).mode & 0o777).toBe(0o600);
    expect(tokens.akimat?.who).toContain(demoPersons.akimat.fullName);
    // Only hashes reach the database.
    expect(
      await count(system.db, sql`select count(*) from access.api_tokens where token_hash = any(${`{${values.join(',')}}`}::text[])`),
    ).toBe(0);
    expect(report.counts).toMatchObject({
      accessSubjects: 12,
      accessPersons: 6,
      demoTokens: 8,
      suppliers: 6,
      passports: 6,
      engineeringNetworks: 2,
      outages: 1,
      consumerRequests: 1,
      tariffs: 6,
      assignments: 6,
      houseCouncilMembers: 3,
      meters: 24,
      readings: 24 * 12,
      billingPeriods: 4,
      charges: 24 * 2,
      payments: 24,
    });
    expect(report.counts.personalAccounts).toBeGreaterThanOrEqual(200);
  });

  it('signs each token in as its role, with the functions of that role', async () => {
    const me = async (role: keyof DemoTokens) => {
      const response = await system.query(ME, {}, { token: token(role) });
      expect(response.errors).toBeUndefined();
      return response.data?.me;
    };
    const summary = (grants: any[]) =>
      grants.map((grant) => ({ kind: grant.subject.kind, functions: [...grant.functions].sort(), delegated: grant.parent !== null }));

    const administrator = await me('administrator');
    expect(administrator).toMatchObject({ isAdministrator: true, person: { fullName: demoPersons.administrator.fullName }, grants: [] });
    expect(summary((await me('analyst')).grants)).toEqual([{ kind: 'AUTHORIZED_BODY', functions: ['ANALYTICS_READ'], delegated: false }]);
    expect(summary((await me('akimat')).grants)).toEqual([
      {
        kind: 'LOCAL_EXECUTIVE_BODY',
        functions: [
          'BUILDING_REGISTER_CONFIRM',
          'BUILDING_REGISTER_MAINTAIN',
          'CONDOMINIUM_MANAGE',
          'PERSONAL_DATA_READ',
          'PREMISES_MAINTAIN',
        ],
        delegated: false,
      },
    ]);
    expect(summary((await me('akimatDeputy')).grants)).toEqual([
      { kind: 'LOCAL_EXECUTIVE_BODY', functions: ['BUILDING_REGISTER_CONFIRM', 'BUILDING_REGISTER_MAINTAIN'], delegated: true },
    ]);
    for (const role of ['supplierWater', 'supplierPower'] as const) {
      const machine = await me(role);
      expect(machine.person).toBeNull();
      expect(machine.digitalObject.status).toBe('LIVE');
      expect(summary(machine.grants)).toEqual([
        {
          kind: 'UTILITY_SUPPLIER',
          functions: ['METERS_MAINTAIN', 'PERSONAL_ACCOUNTS_MAINTAIN', 'READINGS_SUBMIT', 'SUPPLIER_REGISTER_MAINTAIN', 'TARIFFS_MAINTAIN'],
          delegated: false,
        },
      ]);
    }
    expect((await me('supplierWater')).grants[0].subject.name).toBe(demoSubjects.waterSupplier.name);
    expect(summary((await me('osi')).grants)).toEqual([{ kind: 'OSI', functions: ['CONDOMINIUM_MANAGE'], delegated: false }]);
    expect(await me('owner')).toMatchObject({ isAdministrator: false, person: { fullName: demoPersons.owner.fullName }, grants: [] });
  });

  it('lets the analyst read buildings and every account, and refuses the analyst any change', async () => {
    const buildings = await system.query(
      `{ buildings(first: 5, filter: { katoCode: "750000000" }) { edges { node { id katoCode } } } }`,
      {},
      { token: token('analyst') },
    );
    expect(buildings.errors).toBeUndefined();
    expect(buildings.data?.buildings.edges.length).toBeGreaterThan(0);
    expect(buildings.data?.buildings.edges.every((edge: any) => edge.node.katoCode.startsWith('75'))).toBe(true);

    const accounts = await system.query(`{ personalAccounts(first: 500) { edges { node { id } } } }`, {}, { token: token('analyst') });
    expect(accounts.errors).toBeUndefined();
    expect(accounts.data?.personalAccounts.edges.length).toBe(Math.min(500, report.counts.personalAccounts ?? 0));

    const before = await count(system.db, sql`select count(*) from buildings.buildings`);
    const register = await system.query(REGISTER, { input: buildingInput({ katoCode: ALMALY }) }, { token: token('analyst') });
    expect(register.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await count(system.db, sql`select count(*) from buildings.buildings`)).toBe(before);
  });

  it('lists to each supplier its own personal accounts only, with their holders', async () => {
    for (const [role, supplier, services] of [
      ['supplierWater', demoSubjects.waterSupplier, ['SEWERAGE', 'WATER_SUPPLY']],
      ['supplierPower', demoSubjects.powerSupplier, ['ELECTRICITY']],
    ] as const) {
      const response = await system.query(ACCOUNTS, {}, { token: token(role) });
      expect(response.errors).toBeUndefined();
      const nodes = response.data?.personalAccounts.edges.map((edge: any) => edge.node);
      const stored = await count(
        system.db,
        sql`
        select count(*) from utilities.personal_accounts a join utilities.suppliers s on s.id = a.supplier_id where s.bin = ${supplier.identificationNumber}`,
      );
      expect(stored).toBeGreaterThanOrEqual(100);
      expect(nodes.length).toBe(stored);
      expect(new Set(nodes.map((node: any) => node.supplier.name))).toEqual(new Set([supplier.name]));
      expect([...new Set(nodes.map((node: any) => node.service))].sort()).toEqual(services);
      expect(
        nodes.every((node: any) => /^\d{12}$/.test(node.holderIin) && node.holderName.split(' ').length >= 2 && node.premiseNumber),
      ).toBe(true);
    }
    const tariffs = await system.query(
      `{ tariffs(first: 50) { edges { node { service pricePerUnit validFrom validTo supplier { name } } } } }`,
    );
    expect(tariffs.errors).toBeUndefined();
    expect(tariffs.data?.tariffs.edges).toHaveLength(6);
    // A tariff change per supplier and service: last year's price ended the day before this year's began.
    const year = new Date().getUTCFullYear();
    const bySupplierService = new Map<string, Array<{ validFrom: string; validTo: string | null; pricePerUnit: string }>>();
    for (const { node } of tariffs.data?.tariffs.edges ?? [])
      bySupplierService.set(`${node.supplier.name}:${node.service}`, [
        ...(bySupplierService.get(`${node.supplier.name}:${node.service}`) ?? []),
        node,
      ]);
    expect(bySupplierService.size).toBe(3);
    for (const periods of bySupplierService.values()) {
      const [before, after] = [...periods].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
      expect(before).toMatchObject({ validFrom: `${year - 1}-01-01`, validTo: `${year - 1}-12-31` });
      expect(after).toMatchObject({ validFrom: `${year}-01-01`, validTo: null });
      expect(after?.pricePerUnit).not.toBe(before?.pricePerUnit);
    }
  });

  it("shows each supplier its meters' year of readings with a rollover and an anomaly, two billing periods and the payments' reconciliation", async () => {
    const month = (offset: number) =>
      new Date(Date.UTC(referenceDate.getUTCFullYear(), referenceDate.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
    for (const [role, serial, capacity] of [
      ['supplierWater', 'SV15', 100_000],
      ['supplierPower', 'CE102', 1_000_000],
    ] as const) {
      const [supplier] = await system.db.execute<{ id: string }>(sql`
        select s.id from utilities.suppliers s join utilities.meters m on m.supplier_id = s.id where m.serial_number = ${`${serial}-0001`}`);
      const response = await system.query(
        `query($supplierId: ID!, $from: Date!, $to: Date!, $closed: Date!) {
          meters(first: 50, filter: { supplierId: $supplierId }) { edges { node { serialNumber verificationOverdue readings(from: $from, to: $to) { value consumption anomaly } } } }
          billingPeriods(supplierId: $supplierId) { month status }
          paymentDocuments(supplierId: $supplierId, month: $closed) { total paid outstanding overpaid status lines { service } }
        }`,
        { supplierId: supplier?.id, from: month(-12), to: month(0), closed: month(-2) },
        { token: token(role) },
      );
      expect(response.errors).toBeUndefined();
      const meters = response.data?.meters.edges.map((edge: any) => edge.node);
      expect(meters).toHaveLength(12);
      expect(meters.every((meter: any) => meter.readings.length === 12)).toBe(true);
      // The first counter passes its capacity: a reading below the one before, with a small consumption.
      const rolled = meters.find((meter: any) => meter.serialNumber === `${serial}-0001`).readings;
      const wrap = rolled.findIndex((reading: any, i: number) => i > 0 && Number(reading.value) < Number(rolled[i - 1].value));
      expect(wrap).toBeGreaterThan(0);
      expect(Number(rolled[wrap].consumption)).toBe(capacity - Number(rolled[wrap - 1].value) + Number(rolled[wrap].value));
      expect(Number(rolled[wrap].consumption)).toBeLessThan(capacity / 10);
      // One month of the second meter is far above its average: flagged, and only it.
      expect(meters.flatMap((meter: any) => meter.readings.filter((reading: any) => reading.anomaly)).length).toBe(1);
      expect(meters.find((meter: any) => meter.serialNumber === `${serial}-0002`).readings[7].anomaly).toBe(true);
      expect(meters.filter((meter: any) => meter.verificationOverdue)).toHaveLength(1);
      expect(response.data?.billingPeriods).toEqual([
        { month: month(-1), status: 'OPEN' },
        { month: month(-2), status: 'CLOSED' },
      ]);
      const documents = response.data?.paymentDocuments;
      expect(documents).toHaveLength(12);
      expect(documents.map((document: any) => document.status).sort()).toEqual([
        'OVERPAID',
        'PAID',
        'PAID',
        'PAID',
        'PAID',
        'PAID',
        'PAID',
        'PAID',
        'PAID',
        'PAID',
        'PAID',
        'PARTIALLY_PAID',
      ]);
      // Another supplier reads none of it.
      const other = await system.query(
        `query($s: ID!) { billingPeriods(supplierId: $s) { month } }`,
        { s: supplier?.id },
        {
          token: token(role === 'supplierWater' ? 'supplierPower' : 'supplierWater'),
        },
      );
      expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('registers a supplier of every service with its passport, two networks, an outage and the owner’s consumer request', async () => {
    const [uncovered] = await system.db.execute<{ services: string[] }>(sql`
      select array(
        select service::text from unnest(enum_range(null::utilities.utility_service)) service
         where not exists (
           select 1 from utilities.suppliers s where service = any(s.services) and s.passport_updated_at is not null)) as services`);
    expect(uncovered?.services).toEqual([]);
    const response = await system.query(
      `{ myConsumerRequests { edges { node { accountNumber status deadline } } } }`,
      {},
      { token: token('owner') },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.myConsumerRequests.edges.map((edge: any) => edge.node.status)).toEqual(['SUBMITTED']);
    expect(await count(system.db, sql`select count(*) from utilities.engineering_networks`)).toBe(2);
    expect(await count(system.db, sql`select count(*) from utilities.network_buildings`)).toBeGreaterThan(0);
    expect(await count(system.db, sql`select count(*) from utilities.outage_buildings`)).toBeGreaterThan(0);
  });

  it('lets the akimat person register a building in Almaty but not in Astana, and the deputy by delegation', async () => {
    const almaty = await system.query(REGISTER, { input: buildingInput({ katoCode: ALMALY }) }, { token: token('akimat') });
    expect(almaty.errors).toBeUndefined();
    expect(almaty.data?.registerBuilding.building.katoCode).toBe(ALMALY);

    const astana = await system.query(REGISTER, { input: buildingInput({ katoCode: ESIL }) }, { token: token('akimat') });
    expect(astana.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(astana.data).toBeNull();

    const deputy = await system.query(REGISTER, { input: buildingInput({ katoCode: ALMALY }) }, { token: token('akimatDeputy') });
    expect(deputy.errors).toBeUndefined();
  });

  it('makes the demo OSI the management subject of three Almaty condominiums', async () => {
    const rows = await system.db.execute<{ building_id: string; kato_code: string }>(sql`
      select a.building_id, b.kato_code from condominium.management_assignments a
        join access.subjects s on s.id = a.management_subject_id
        join buildings.buildings b on b.id = a.building_id
       where s.identification_number = ${demoSubjects.osi.identificationNumber}`);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.kato_code.startsWith('75')).toBe(true);
      const response = await system.query(`query($id: ID!) { building(id: $id) { management { subjectKind validTo } } }`, {
        id: row.building_id,
      });
      expect(response.errors).toBeUndefined();
      expect(response.data?.building.management).toEqual({ subjectKind: 'OSI', validTo: null });
    }
  });

  it('shows the demo OSI’s works and contracts to anyone, and its requests to the chair, three of them overdue', async () => {
    expect(report.counts).toMatchObject({ plannedWorks: 5, contracts: 3, ownerRequests: 6 });
    // The demo owner's building, the OSI's first.
    const [first] = await system.db.execute<{ id: string }>(sql`select distinct building_id as id from condominium.owner_requests`);
    const open = await system.query(`query($id: ID!) { building(id: $id) { plannedWorks { status } contracts { amount } } }`, {
      id: first?.id,
    });
    expect(open.errors).toBeUndefined();
    expect(open.data?.building.plannedWorks.map((work: any) => work.status).sort()).toEqual(['DONE', 'IN_PROGRESS', 'PLANNED']);
    expect(open.data?.building.contracts.map((contract: any) => contract.amount)).toEqual(['2880000.00', '1512000.00']);
    const requests = await system.query(
      `query($id: ID!) { building(id: $id) { all: ownerRequests { edges { node { status } } } overdue: ownerRequests(overdue: true) { edges { node { category { code } } } } } }`,
      { id: first?.id },
      { token: token('osi') },
    );
    expect(requests.errors).toBeUndefined();
    expect(requests.data?.building.all.edges.map((edge: any) => edge.node.status).sort()).toEqual([
      'ACCEPTED',
      'DONE',
      'IN_PROGRESS',
      'REJECTED',
      'REOPENED',
      'SUBMITTED',
    ]);
    // Due 5, 4 and 3 days ago: reopened 8 days ago with 3 days to go, filed 9 days ago with 5, filed 5 days ago with 2.
    expect(requests.data?.building.overdue.edges.map((edge: any) => edge.node.category.code)).toEqual([
      'WATER_AND_SEWERAGE',
      'CLEANING',
      'LIFT',
    ]);
    // The demo owner filed two of them, and reads those two only.
    const mine = await system.query(
      `{ myOwnerRequests { edges { node { category { code } filedByMe } } } }`,
      {},
      { token: token('owner') },
    );
    expect(mine.data?.myOwnerRequests.edges.map((edge: any) => edge.node.category.code).sort()).toEqual(['EMERGENCY', 'HEATING']);
  });

  it('puts a manager of every form on Almaty condominiums, the open part naming organisations only', async () => {
    const rows = await system.db.execute<{ building_id: string; form: string; kato_code: string }>(sql`
      select a.building_id, a.form, b.kato_code from condominium.management_assignments a join buildings.buildings b on b.id = a.building_id
       where a.valid_to is null order by a.form, b.cadastral_number`);
    expect(rows.map((row) => row.form)).toEqual([
      'OSI',
      'OSI',
      'OSI',
      'MANAGEMENT_COMPANY',
      'DIRECT_JOINT_MANAGEMENT',
      'TEMPORARY_MANAGEMENT_COMPANY',
    ]);
    expect(rows.every((row) => row.kato_code.startsWith('75'))).toBe(true);
    const managementOf = async (form: string) => {
      const response = await system.query(
        `query($id: ID!) { building(id: $id) { management { form managerName subjectId contractNumber taxCertificateIssuedOn } } }`,
        { id: rows.find((row) => row.form === form)?.building_id },
      );
      expect(response.errors).toBeUndefined();
      return response.data?.building.management;
    };
    expect(await managementOf('MANAGEMENT_COMPANY')).toMatchObject({
      managerName: demoSubjects.managementCompany.name,
      contractNumber: expect.any(String),
    });
    expect(await managementOf('TEMPORARY_MANAGEMENT_COMPANY')).toMatchObject({
      managerName: demoSubjects.temporaryCompany.name,
      taxCertificateIssuedOn: expect.any(String),
    });
    const direct = await managementOf('DIRECT_JOINT_MANAGEMENT');
    expect(direct).toEqual({
      form: 'DIRECT_JOINT_MANAGEMENT',
      managerName: null,
      subjectId: null,
      contractNumber: null,
      taxCertificateIssuedOn: null,
    });
  });

  it("lets the owner see their own premises and their building's house council, and the OSI chair keep that council", async () => {
    const mine = await system.query(
      `{ myPremises { id number building { id management { form managerName } houseCouncilSize } } }`,
      {},
      {
        token: token('owner'),
      },
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.myPremises).toHaveLength(1);
    const building = mine.data?.myPremises[0].building;
    expect(building).toMatchObject({ management: { form: 'OSI', managerName: demoSubjects.osi.name }, houseCouncilSize: 3 });
    const council = `query($id: ID!) { building(id: $id) { houseCouncil { fullName chair } } }`;
    const asOwner = await system.query(council, { id: building.id }, { token: token('owner') });
    expect(asOwner.errors).toBeUndefined();
    expect(asOwner.data?.building.houseCouncil).toHaveLength(3);
    expect(asOwner.data?.building.houseCouncil.filter((member: any) => member.chair)).toHaveLength(1);
    expect(asOwner.data?.building.houseCouncil.map((member: any) => member.fullName)).toContain(demoPersons.owner.fullName);
    const asPublic = await system.query(council, { id: building.id });
    expect(asPublic.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // The chair may record members in the OSI's building, not in the management company's.
    const [company] = await system.db.execute<{ building_id: string }>(
      sql`select building_id from condominium.management_assignments where form = 'MANAGEMENT_COMPANY' and valid_to is null`,
    );
    const refused = await system.query(
      `mutation($input: RecordHouseCouncilMemberInput!) { recordHouseCouncilMember(input: $input) { member { id } } }`,
      { input: { buildingId: company?.building_id, premiseId: mine.data?.myPremises[0].id, iin: demoPersons.owner.iin, fullName: 'x' } },
      { token: token('osi') },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("shows the demo OSI one meeting under way and one closed with its published protocol, and its buildings' capital repair funds", async () => {
    const [first] = await system.db.execute<{ building_id: string }>(sql`
      select a.building_id from condominium.management_assignments a
        join access.subjects s on s.id = a.management_subject_id
        join buildings.buildings b on b.id = a.building_id
       where s.identification_number = ${demoSubjects.osi.identificationNumber} order by b.cadastral_number limit 1`);
    const response = await system.query(
      `query($id: ID!) { building(id: $id) { meetings { status ballotCount protocol { status premisesVoted } }
         capitalRepairFund { accrued paid balance } } }`,
      { id: first?.building_id },
      { token: token('osi') },
    );
    expect(response.errors).toBeUndefined();
    const { meetings, capitalRepairFund } = response.data?.building ?? {};
    expect(meetings.map((meeting: { status: string }) => meeting.status)).toEqual(['OPEN', 'CLOSED']);
    expect(meetings[0].ballotCount).toBeGreaterThan(0);
    expect(meetings[1].protocol).toMatchObject({ status: 'PUBLISHED', premisesVoted: meetings[1].ballotCount });
    expect(Number(capitalRepairFund.accrued)).toBeGreaterThan(Number(capitalRepairFund.paid));
    expect(Number(capitalRepairFund.balance)).toBeGreaterThan(0);

    // The demo owner lives there and votes in the meeting under way for their own premises.
    const mine = await system.query(`{ myPremises { id building { id } } }`, {}, { token: token('owner') });
    const premise = mine.data?.myPremises.find((row: { building: { id: string } }) => row.building.id === first?.building_id);
    expect(premise).toBeDefined();
    const open = await system.query(
      `query($id: ID!) { building(id: $id) { meetings { id status questions { id } } } }`,
      { id: first?.building_id },
      { token: token('owner') },
    );
    const meeting = open.data?.building.meetings.find((row: { status: string }) => row.status === 'OPEN');
    const vote = await system.query(
      `mutation($input: CastBallotInput!) { castBallot(input: $input) { ballot { channel } } }`,
      {
        input: {
          meetingId: meeting.id,
          premiseId: premise.id,
          answers: meeting.questions.map((q: { id: string }) => ({ questionId: q.id, answer: 'FOR' })),
        },
      },
      { token: token('owner') },
    );
    expect(vote.errors).toBeUndefined();
    expect(vote.data?.castBallot.ballot.channel).toBe('ELECTRONIC');
  });

  it('publishes the demo OSI’s reports with some late and some missing, signed and verifiable by code', async () => {
    const rows = await system.db.execute<{ building_id: string }>(sql`
      select a.building_id from condominium.management_assignments a
        join access.subjects s on s.id = a.management_subject_id
       where s.identification_number = ${demoSubjects.osi.identificationNumber}
       order by a.valid_from`);
    const [first, second, third] = rows.map((row) => row.building_id);
    // Three and two months back: both deadlines have passed whatever the day of the month.
    const back = (months: number) => {
      const date = new Date(Date.UTC(referenceDate.getUTCFullYear(), referenceDate.getUTCMonth() - months, 1));
      return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1 };
    };
    const status = async (buildingId: string | undefined, period: { year: number; month: number }) =>
      (
        await system.query(
          `query($id: ID!, $year: Int!, $month: Int) { building(id: $id) { reportCompliance(kind: MONTHLY, year: $year, month: $month) { status } } }`,
          { id: buildingId, ...period },
        )
      ).data?.building.reportCompliance?.status;
    expect([await status(first, back(3)), await status(second, back(3)), await status(third, back(3))]).toEqual([
      'ON_TIME',
      'ON_TIME',
      'LATE',
    ]);
    expect([await status(first, back(2)), await status(second, back(2)), await status(third, back(2))]).toEqual([
      'ON_TIME',
      'LATE',
      'MISSING',
    ]);

    const published = await system.query(
      `query($id: ID!) { reports(buildingId: $id) { id version replaces { id } signature { code signer { bin organisationName } } } }`,
      { id: first },
    );
    expect(published.errors).toBeUndefined();
    const list = published.data?.reports ?? [];
    expect(list.some((report: any) => report.version === 2 && report.replaces)).toBe(true);
    const code = list[0]?.signature.code;
    const verified = await system.query(
      `query($code: String!) { verifyPublication(code: $code) { signer { bin organisationName } signatureValid } }`,
      {
        code,
      },
    );
    // The demo's CA is made at seed time and trusted nowhere: the signature is real, and says so.
    expect(verified.data?.verifyPublication).toEqual({
      signer: { bin: demoSubjects.osi.identificationNumber, organisationName: demoSubjects.osi.name },
      signatureValid: false,
    });
    expect(report.counts.reports).toBeGreaterThanOrEqual(8);
  });

  it('gives the administrator an integration application to review', async () => {
    const query = `query($status: ApplicationStatus) { applications(status: $status) { edges { node { digitalObjectName status functions subject { name } } } } }`;
    const pending = await system.query(query, { status: 'SUBMITTED' }, { token: token('administrator') });
    expect(pending.errors).toBeUndefined();
    expect(pending.data?.applications.edges.map((edge: any) => edge.node)).toEqual([
      {
        digitalObjectName: 'Мобильное приложение ОСИ «Береке-Алмалы»',
        status: 'SUBMITTED',
        functions: ['CONDOMINIUM_MANAGE'],
        subject: { name: demoSubjects.osi.name },
      },
    ]);
    const refused = await system.query(query, { status: 'SUBMITTED' }, { token: token('osi') });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('prints the tokens that work in the database, and otherwise how to issue one', async () => {
    const lines: string[] = [];
    await printDemoTokens((line) => lines.push(line), { path: tokensFile, db: system.db });
    for (const role of demoRoles) expect(lines.some((line) => line.includes(token(role)) && line.includes(role))).toBe(true);
    const unchecked: string[] = [];
    await printDemoTokens((line) => unchecked.push(line), { path: tokensFile });
    expect(unchecked).toEqual(lines);

    const missing: string[] = [];
    await printDemoTokens((line) => missing.push(line), { path: join(directory, 'absent.json'), db: system.db });
    expect(missing.join('\n')).toMatch(/missing[\s\S]*issueSessionToken\(personId/);
    // The printed instructions work as printed.
    const find = missing.map((line) => line.trim()).find((line) => line.startsWith('query {'));
    const found = await system.query(find ?? '', {}, { token: token('administrator') });
    expect(found.errors).toBeUndefined();
    const osiChair = found.data?.grants.edges
      .map((edge: any) => edge.node.person)
      .find((person: any) => person?.fullName === demoPersons.osiChair.fullName);
    const issue = (/mutation \{ issueSessionToken.*\}/.exec(missing.join('\n'))?.[0] ?? '').replace('<person id>', osiChair.id);
    const issued = await system.query(issue, {}, { token: token('administrator') });
    expect(issued.errors).toBeUndefined();
    expect((await system.query(ME, {}, { token: issued.data?.issueSessionToken.token })).data?.me.person.fullName).toBe(
      demoPersons.osiChair.fullName,
    );

    // A file from another database: its tokens are unknown here.
    const foreignFile = join(directory, 'foreign.json');
    await writeDemoTokens({ analyst: { token: generateToken(), who: 'someone elsewhere' } }, foreignFile);
    const foreign: string[] = [];
    await printDemoTokens((line) => foreign.push(line), { path: foreignFile, db: system.db });
    expect(foreign[0]).toContain('do not work with this database');
    expect(foreign.join('\n')).toContain('issueApiToken(digitalObjectId');
  });

  it('is the same data in another database seeded alike, except tokens, and acts as an administrator that existed before', async () => {
    const database = await createTestDatabase();
    const otherDirectory = await mkdtemp(join(tmpdir(), 'demo-seed-'));
    try {
      const otherFile = join(otherDirectory, 'demo-tokens.json');
      const bootstrap = await bootstrapAdministrator(database.db, `bootstrap-${'x'.repeat(40)}`);
      await seedDemoData(database.db, { buildings: BUILDINGS, seed: SEED, referenceDate }, seedersWritingTo(otherFile));
      expect(await demoContent(database.db)).toEqual(content);
      const other = await readDemoTokens(otherFile);
      expect(other?.administrator).toBeUndefined();
      expect(Object.keys(other ?? {}).sort()).toEqual(demoRoles.filter((role) => role !== 'administrator').sort());
      expect(await count(database.db, sql`select count(*) from access.persons where is_administrator`)).toBe(1);
      expect(
        await count(
          database.db,
          sql`select count(*) from access.grants where created_by <> ${`person:${bootstrap.personId}`} and parent_grant_id is null`,
        ),
      ).toBe(0);
    } finally {
      await database.close();
      await rm(otherDirectory, { recursive: true, force: true });
    }
  });

  it('does not seed a second time, and keeps the tokens file', async () => {
    const before = await readFile(tokensFile, 'utf8');
    const again = await seedDemoData(system.db, { buildings: BUILDINGS, seed: SEED, referenceDate }, ownSeeders(tokensFile));
    expect(again.counts).toEqual({});
    expect(await readFile(tokensFile, 'utf8')).toBe(before);
    expect(await count(system.db, sql`select count(*) from access.subjects`)).toBe(12);
  });

  it('resets exactly the demo rows, then seeds anew with new tokens', async () => {
    // Data that is not the demo's: a supplier with a grant, its register entry and an account.
    const fixture = await AccessFixture.create(system.db);
    const subject = await fixture.subject('UTILITY_SUPPLIER');
    const person = await fixture.person();
    const agreement = await fixture.agreement(subject.id, ['TARIFFS_MAINTAIN']);
    const grant = await fixture.grant({ personId: person.id, agreementId: agreement.id, functions: ['TARIFFS_MAINTAIN'] });
    const supplier = await new SupplierRepository(system.db).insert({
      subjectId: subject.id,
      name: 'ТОО «Тепло Плюс»',
      bin: makeBin(),
      services: ['HEAT'],
    });
    const [building] = await system.db.execute<{ id: string }>(sql`select id from buildings.buildings order by cadastral_number limit 1`);
    await new PersonalAccountRepository(system.db).upsert(supplier.id, [
      {
        buildingId: building!.id,
        premiseNumber: '1',
        accountNumber: 'T-1',
        holderName: 'Иванов Иван',
        holderIin: makeIin(),
        service: 'HEAT',
        openedAt: '2020-01-01',
        closedAt: null,
      },
    ]);
    const oldAnalyst = token('analyst');

    await resetDemoData(system.db, ownSeeders(tokensFile));

    const demoBins = `{${Object.values(demoSubjects)
      .map((s) => s.identificationNumber)
      .join(',')}}`;
    expect(await count(system.db, sql`select count(*) from access.subjects where identification_number = any(${demoBins}::text[])`)).toBe(
      0,
    );
    expect(await count(system.db, sql`select count(*) from access.persons`)).toBe(2);
    expect(await count(system.db, sql`select count(*) from utilities.suppliers`)).toBe(1);
    expect(await count(system.db, sql`select count(*) from utilities.personal_accounts`)).toBe(1);
    expect(await count(system.db, sql`select count(*) from utilities.tariffs`)).toBe(0);
    expect(await count(system.db, sql`select count(*) from utilities.engineering_networks`)).toBe(0);
    expect(await count(system.db, sql`select count(*) from utilities.outages`)).toBe(0);
    expect(await count(system.db, sql`select count(*) from utilities.consumer_requests`)).toBe(0);
    expect(await count(system.db, sql`select count(*) from condominium.management_assignments`)).toBe(0);
    expect(await count(system.db, sql`select count(*) from condominium.house_council_members`)).toBe(0);
    expect(await count(system.db, sql`select count(*) from condominium.reports`)).toBe(0);
    expect(await count(system.db, sql`select count(*) from condominium.signed_publications`)).toBe(0);
    expect(await count(system.db, sql`select count(*) from access.grants`)).toBe(1);
    expect(await count(system.db, sql`select count(*) from access.grant_history where grant_id = ${grant.id}`)).toBe(2);
    expect(await count(system.db, sql`select count(*) from access.grant_history where grant_id <> ${grant.id}`)).toBe(0);
    // Receipts of the demo placements went with them; those of other placements stay.
    expect(await count(system.db, sql`select count(*) from platform.receipts where placed_by like 'digital-object:%'`)).toBe(0);
    // The fixture's subject, person, agreement, grant and activation (its administrator, like a database's first, is placed by no one).
    expect(await count(system.db, sql`select count(*) from platform.receipts where operation like 'access.%'`)).toBe(5);
    expect(await count(system.db, sql`select count(*) from platform.receipts where operation = 'buildings.registerBuilding'`)).toBe(2);
    await expect(readDemoTokens(tokensFile)).resolves.toBeNull();
    // The history stays append-only for everything else.
    await expect(system.db.execute(sql`delete from access.grant_history where grant_id = ${grant.id}`)).rejects.toThrow();
    expect((await system.query(ME, {}, { token: oldAnalyst })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // The test fixture's administrator remains, so the new demo data acts as it and issues no administrator token.
    const reseeded = await seedDemoData(system.db, { buildings: BUILDINGS, seed: SEED, referenceDate }, ownSeeders(tokensFile));
    expect(reseeded.counts).toMatchObject({ accessSubjects: 12, accessPersons: 5, suppliers: 6, assignments: 6, houseCouncilMembers: 3 });
    const fresh = (await readDemoTokens(tokensFile)) ?? {};
    expect(fresh.administrator).toBeUndefined();
    expect(fresh.analyst?.token).not.toBe(oldAnalyst);
    const me = await system.query(ME, {}, { token: fresh.analyst?.token ?? '' });
    expect(me.data?.me.grants[0].functions).toEqual(['ANALYTICS_READ']);
  });
});
