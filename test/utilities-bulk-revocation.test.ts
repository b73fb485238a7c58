import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import type { Database } from '../lib/db.js';
import { AccessWrites } from './support/access-fixtures.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';
import { insertBuildingsWithApartments } from './support/utilities-fixtures.js';

// Issue 8, item 9: "the grant re-checked inside the transaction (a revocation mid-call leaves
// no row written after it)". test/access-enforcement.test.ts races a revocation with the
// personal accounts' bulk upsert; here the same race for each other bulk call a supplier's
// system makes (meters, readings, tariffs, charges, payments): the revocation commits while
// the call waits on the grant, and the call is refused with nothing of it written.

const month = '2026-01-01';
const result = 'created rejected';
const calls = {
  meters: `mutation($s: ID!, $items: [MeterInput!]!) { call: upsertMeters(supplierId: $s, meters: $items) { ${result} } }`,
  readings: `mutation($s: ID!, $items: [MeterReadingInput!]!) { call: submitReadings(supplierId: $s, readings: $items) { ${result} } }`,
  tariffs: `mutation($s: ID!, $items: [TariffInput!]!) { call: publishTariffs(supplierId: $s, tariffs: $items) { ${result} } }`,
  charges: `mutation($s: ID!, $items: [ChargeAccountInput!]!) {
    call: chargeAccounts(supplierId: $s, month: "${month}", accounts: $items) { ${result} } }`,
  payments: `mutation($s: ID!, $items: [PaymentInput!]!) { call: postPayments(supplierId: $s, payments: $items) { ${result} } }`,
};
type Kind = keyof typeof calls;
const tables: Record<Kind, string> = {
  meters: 'utilities.meters',
  readings: 'utilities.meter_readings',
  tariffs: 'utilities.tariffs',
  charges: 'utilities.charges',
  payments: 'utilities.payments',
};

describe('a revocation racing each bulk call of a supplier system', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let buildingId: string;

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    [buildingId] = (await insertBuildingsWithApartments(system.db, 1, 60)) as [string];
  });
  afterAll(async () => {
    await system?.close();
  });

  async function ok(query: string, variables: Record<string, unknown>, token: string) {
    const response = await system.query(query, variables, { token });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  }

  async function rowsOf(kind: Kind, supplierId: string): Promise<number> {
    const owned: Record<Kind, string> = {
      meters: `supplier_id = '${supplierId}'`,
      readings: `meter_id in (select id from utilities.meters where supplier_id = '${supplierId}')`,
      tariffs: `supplier_id = '${supplierId}'`,
      charges: `supplier_id = '${supplierId}'`,
      payments: `supplier_id = '${supplierId}'`,
    };
    const [row] = await system.db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${tables[kind]} where ${owned[kind]}`));
    return Number(row?.n);
  }

  /** A supplier's system with every function its month needs, and what the call of `kind` builds on. */
  async function supplierReadyFor(kind: Kind): Promise<{ actor: Actor; supplierId: string; items: unknown[] }> {
    const actor = await fixture.person('UTILITY_SUPPLIER', [
      AccessFunction.PersonalAccountsMaintain,
      AccessFunction.MetersMaintain,
      AccessFunction.ReadingsSubmit,
      AccessFunction.TariffsMaintain,
    ]);
    const [row] = await system.db.execute<{ id: string }>(sql`
      insert into utilities.suppliers (subject_id, name, bin, services) values (${actor.subjectId}, 'Vodokanal', ${makeBin()}, '{WATER_SUPPLY}')
      returning id`);
    const supplierId = (row as { id: string }).id;
    const n = 50;
    const serial = (i: number) => `${kind}-${i}`;
    const meters = Array.from({ length: n }, (_, i) => ({
      kind: 'INDIVIDUAL',
      buildingId,
      premiseNumber: String(i + 1),
      service: 'WATER_SUPPLY',
      serialNumber: serial(i),
      capacityDigits: 6,
      tariffZones: 1,
      installedAt: '2025-01-10',
    }));
    if (kind === 'meters') return { actor, supplierId, items: meters };
    if (kind === 'readings') {
      await ok(calls.meters, { s: supplierId, items: meters }, actor.token);
      return {
        actor,
        supplierId,
        items: meters.map((_, i) => ({ serialNumber: serial(i), takenOn: '2025-03-01', value: '12.5', source: 'SUPPLIER' })),
      };
    }
    const tariff = (validFrom: string) => ({ service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', pricePerUnit: '100', validFrom });
    if (kind === 'tariffs') return { actor, supplierId, items: [tariff('2026-01-01')] };
    await ok(calls.tariffs, { s: supplierId, items: [tariff('2025-01-01')] }, actor.token);
    await ok(
      `mutation($s: ID!, $items: [PersonalAccountInput!]!) { upsertPersonalAccounts(supplierId: $s, accounts: $items) { created } }`,
      {
        s: supplierId,
        items: meters.map((_, i) => ({
          buildingId,
          premiseNumber: String(i + 1),
          accountNumber: `A-${i}`,
          holderName: 'Holder',
          holderIin: makeIin(),
          service: 'WATER_SUPPLY',
          openedAt: '2025-01-01',
        })),
      },
      actor.token,
    );
    await ok(
      `mutation($s: ID!) { openBillingPeriod(supplierId: $s, month: "${month}") { billingPeriod { id } } }`,
      { s: supplierId },
      actor.token,
    );
    const charges = meters.map((_, i) => ({ accountNumber: `A-${i}`, meteredVolume: '3' }));
    if (kind === 'charges') return { actor, supplierId, items: charges };
    await ok(calls.charges, { s: supplierId, items: charges }, actor.token);
    return {
      actor,
      supplierId,
      items: meters.map((_, i) => ({
        accountNumber: `A-${i}`,
        month,
        amount: '300',
        paidOn: '2026-02-05',
        channel: 'BANK',
        agentName: 'Halyk Bank',
        reference: `P-${i}`,
      })),
    };
  }

  async function lockWaiters(): Promise<number> {
    const [row] = await system.db.execute<{ n: number }>(sql`
      select count(*)::int as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`);
    return row?.n ?? 0;
  }

  it.each(Object.keys(calls) as Kind[])('%s: refused, nothing written, when the revocation commits while the call waits', async (kind) => {
    const { actor, supplierId, items } = await supplierReadyFor(kind);
    const before = await rowsOf(kind, supplierId);
    const [start] = await system.db.execute<{ at: string }>(sql`select clock_timestamp()::text as at`);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let revoked = () => {};
    const revokedInTransaction = new Promise<void>((resolve) => {
      revoked = resolve;
    });
    const revocation = system.db.transaction(async (tx) => {
      await new AccessWrites(tx as unknown as Database).endGrant(
        { grantId: actor.grantId, ground: 'REVOKED', comment: 'bulk race test' },
        fixture.access.acting(),
      );
      revoked();
      await released;
    });
    await revokedInTransaction;
    // The gateway still authenticates with the grant (the revocation is not committed); the call's re-check waits on the grant row.
    const call = system.query(calls[kind], { s: supplierId, items }, { token: actor.token });
    const deadline = Date.now() + 15_000;
    while ((await lockWaiters()) < 1) {
      if (Date.now() > deadline) throw new Error(`${kind}: the call never waited for the revocation`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release();
    await revocation;
    const response = await call;
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.data).toBeNull();
    expect(await rowsOf(kind, supplierId)).toBe(before);
    const operation = `utilities.${/call: (\w+)/.exec(calls[kind])?.[1]}`;
    const [receipts] = await system.db.execute<{ n: number }>(sql`
      select count(*)::int as n from platform.receipts where operation = ${operation} and recorded_at >= ${start?.at}::timestamptz`);
    expect(receipts?.n).toBe(0);
  });
});
