import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { MAX_BULK_ITEMS } from '../lib/bulk.js';
import { env } from '../lib/env.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

// A supplier system's month through the gateway at full size: a call of 10,000 accounts,
// meters, tariffs, readings, charges and payments each (the gateway's body limit admits
// every one), some items invalid on purpose. PER_ITEM stores the valid ones and reports each
// invalid one by index, key and field; ALL_OR_NOTHING stores none; the same call sent twice
// at once with one idempotency key writes once.

const N = MAX_BULK_ITEMS;
const month = '2026-01-01';
const result = 'created rejected replayed items { index key id status errors { field } } receipt { id }';

interface Item {
  index: number;
  key: string | null;
  id: string | null;
  status: 'CREATED' | 'UPDATED' | 'REJECTED';
  errors: Array<{ field: string }>;
}
interface Payload {
  created: number;
  rejected: number;
  replayed: boolean;
  items: Item[];
  receipt: { id: string } | null;
}

const calls = {
  accounts: `mutation($s: ID!, $items: [PersonalAccountInput!]!, $mode: BulkMode, $key: String) {
    call: upsertPersonalAccounts(supplierId: $s, accounts: $items, mode: $mode, idempotencyKey: $key) { ${result} } }`,
  meters: `mutation($s: ID!, $items: [MeterInput!]!, $mode: BulkMode, $key: String) {
    call: upsertMeters(supplierId: $s, meters: $items, mode: $mode, idempotencyKey: $key) { ${result} } }`,
  tariffs: `mutation($s: ID!, $items: [TariffInput!]!, $mode: BulkMode, $key: String) {
    call: publishTariffs(supplierId: $s, tariffs: $items, mode: $mode, idempotencyKey: $key) { ${result} } }`,
  readings: `mutation($s: ID!, $items: [MeterReadingInput!]!, $mode: BulkMode, $key: String) {
    call: submitReadings(supplierId: $s, readings: $items, mode: $mode, idempotencyKey: $key) { ${result} } }`,
  charges: `mutation($s: ID!, $items: [ChargeAccountInput!]!, $mode: BulkMode, $key: String) {
    call: chargeAccounts(supplierId: $s, month: "${month}", accounts: $items, mode: $mode, idempotencyKey: $key) { ${result} charges { id } } }`,
  payments: `mutation($s: ID!, $items: [PaymentInput!]!, $mode: BulkMode, $key: String) {
    call: postPayments(supplierId: $s, payments: $items, mode: $mode, idempotencyKey: $key) { ${result} } }`,
};
type Kind = keyof typeof calls;

const tables: Record<Kind, string> = {
  accounts: 'utilities.personal_accounts',
  meters: 'utilities.meters',
  tariffs: 'utilities.tariffs',
  readings: 'utilities.meter_readings',
  charges: 'utilities.charges',
  payments: 'utilities.payments',
};

describe('bulk calls of 10,000 items of every kind', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplier: Actor;
  let supplierId = '';
  let buildingId = '';

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    buildingId = await registerBuildingWithApartments(system, fixture, ['1']);
    supplier = await fixture.machine('UTILITY_SUPPLIER', [
      AccessFunction.PersonalAccountsMaintain,
      AccessFunction.MetersMaintain,
      AccessFunction.ReadingsSubmit,
      AccessFunction.TariffsMaintain,
    ]);
    const registered = await system.query(
      `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
      { input: { subjectId: supplier.subjectId, name: 'Vodokanal', bin: makeBin(), services: ['WATER_SUPPLY'] } },
      { token: fixture.adminToken },
    );
    expect(registered.errors).toBeUndefined();
    supplierId = registered.data?.registerSupplier.supplier.id;
  }, 60_000);
  afterAll(async () => {
    await system?.close();
  });

  async function send(kind: Kind, items: unknown[], variables: { mode?: string; key?: string } = {}) {
    const body = JSON.stringify({ query: calls[kind], variables: { s: supplierId, items, ...variables } });
    expect(body.length).toBeLessThan(env().GATEWAY_MAX_BODY_BYTES);
    return system.query<{ call: Payload }>(calls[kind], { s: supplierId, items, ...variables }, { token: supplier.token });
  }

  async function count(kind: Kind): Promise<number> {
    const [row] = await system.db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${tables[kind]}`));
    return Number(row?.n);
  }

  /**
   * ALL_OR_NOTHING refuses the call naming every invalid item and stores nothing; PER_ITEM
   * stores the others and reports each invalid one by index, key and field; then the same
   * PER_ITEM call sent twice at once with a new idempotency key writes nothing more.
   */
  async function placeAll(kind: Kind, items: Array<{ key: string }>, invalid: Record<number, string>) {
    const before = await count(kind);
    const refused = await send(kind, items);
    expect(refused.data, `${kind}: ${JSON.stringify(refused.errors)?.slice(0, 500)}`).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const argument = {
      accounts: 'accounts',
      meters: 'meters',
      tariffs: 'tariffs',
      readings: 'readings',
      charges: 'accounts',
      payments: 'payments',
    }[kind];
    const expected = Object.entries(invalid).map(([index, field]) => `${argument}[${index}].${field}`);
    expect(refused.errors?.[0]?.extensions?.problems.map((problem: { field: string }) => problem.field)).toEqual(expected);
    expect(await count(kind)).toBe(before);

    const key = `${kind}-${randomUUID()}`;
    const [first, second] = await Promise.all([send(kind, items, { mode: 'PER_ITEM', key }), send(kind, items, { mode: 'PER_ITEM', key })]);
    expect(first?.errors, JSON.stringify(first?.errors)).toBeUndefined();
    expect(second?.errors, JSON.stringify(second?.errors)).toBeUndefined();
    const answers = [first!.data!.call, second!.data!.call];
    expect(answers.filter((answer) => answer.replayed)).toHaveLength(1);
    const answer = answers.find((a) => !a.replayed)!;
    expect(answers.find((a) => a.replayed)?.items).toEqual(answer.items);
    const bad = Object.keys(invalid).map(Number);
    expect(answer).toMatchObject({ created: N - bad.length, rejected: bad.length });
    expect(answer.items).toHaveLength(N);
    for (const [index, item] of answer.items.entries()) {
      expect(item.index).toBe(index);
      expect(item.key).toBe(items[index]!.key);
      if (invalid[index])
        expect(item).toMatchObject({ status: 'REJECTED', id: null, errors: [{ field: `${argument}[${index}].${invalid[index]}` }] });
      else expect(item.status === 'CREATED' && item.id !== null).toBe(true);
    }
    expect(await count(kind)).toBe(before + N - bad.length);

    const retried = await send(kind, items, { mode: 'PER_ITEM', key });
    expect(retried.data?.call).toMatchObject({ replayed: true, receipt: answer.receipt });
    expect(await count(kind)).toBe(before + N - bad.length);
    return answer;
  }

  it('accounts, meters, tariffs, readings, charges and payments: valid items stored, invalid ones reported, retries written once', async () => {
    const accounts = Array.from({ length: N }, (_, i) => ({
      key: `a${i}`,
      buildingId: i === 4242 ? randomUUID() : buildingId,
      accountNumber: `V-${i}`,
      holderName: 'Асанов Асан',
      holderIin: i === 17 ? '123456789012' : makeIin(),
      service: 'WATER_SUPPLY',
      openedAt: '2025-06-01',
    }));
    await placeAll('accounts', accounts, { 17: 'holderIin', 4242: 'buildingId' });

    const meters = Array.from({ length: N }, (_, i) => ({
      key: `m${i}`,
      kind: 'COMMON_HOUSE',
      buildingId,
      service: 'WATER_SUPPLY',
      serialNumber: `VM-${i}`,
      capacityDigits: i === 9999 ? 0 : 6,
      tariffZones: 1,
      installedAt: '2025-06-01',
    }));
    await placeAll('meters', meters, { 9999: 'capacityDigits' });

    // One-day tariffs of legal entities, one after another; the households' tariff comes apart.
    const day = (offset: number) => new Date(Date.UTC(2030, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
    const tariffs = Array.from({ length: N }, (_, i) => ({
      key: `t${i}`,
      service: 'WATER_SUPPLY',
      unit: i === 3 ? 'KILOWATT_HOUR' : 'CUBIC_METRE',
      pricePerUnit: '100',
      consumerCategory: 'LEGAL_ENTITY',
      validFrom: day(i === 5000 ? 4999 : i),
      validTo: day(i === 5000 ? 4999 : i),
    }));
    await placeAll('tariffs', tariffs, { 3: 'unit', 5000: 'validFrom' });

    const readings = Array.from({ length: N }, (_, i) => ({
      key: `r${i}`,
      serialNumber: i === 9999 ? 'VM-9999-none' : `VM-${i}`,
      takenOn: i === 10 ? '2199-01-01' : '2026-01-20',
      value: '120.5',
      source: 'AUTOMATIC',
    }));
    await placeAll('readings', readings, { 10: 'takenOn', 9999: 'serialNumber' });

    for (const [query, variables] of [
      [
        `mutation($input: PublishTariffInput!) { publishTariff(input: $input) { tariff { id } } }`,
        { input: { supplierId, service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', pricePerUnit: '98.76', validFrom: month } },
      ],
      [`mutation($s: ID!) { openBillingPeriod(supplierId: $s, month: "${month}") { billingPeriod { id } } }`, { s: supplierId }],
    ] as const) {
      const placed = await system.query(query, variables, { token: supplier.token });
      expect(placed.errors).toBeUndefined();
    }
    const charges = Array.from({ length: N }, (_, i) => ({
      key: `c${i}`,
      accountNumber: `V-${i}`,
      meteredVolume: i === 99 ? '1,5' : '2',
    }));
    const charged = await placeAll('charges', charges, { 17: 'accountNumber', 99: 'meteredVolume', 4242: 'accountNumber' });
    // 2 m³ × 98.76 = 197.52 tenge on every line, stored in the month's partition with the building's KATO code.
    const [stored] = await system.db.execute<{ lines: number; total: string; katos: number; partitions: number }>(sql`
      select count(*)::int as lines, sum(amount_tiyn)::text as total, count(distinct kato_code)::int as katos,
             count(distinct tableoid)::int as partitions
        from utilities.charges where month = ${month}`);
    expect(stored).toEqual({ lines: N - 3, total: String(19_752n * BigInt(N - 3)), katos: 1, partitions: 1 });
    expect(charged.items[0]?.id).toBeTruthy();

    const payments = Array.from({ length: N }, (_, i) => ({
      key: `p${i}`,
      accountNumber: `V-${i}`,
      month,
      amount: i === 7 ? '0' : '197.52',
      paidOn: '2026-02-05',
      channel: 'BANK',
      agentName: 'Halyk Bank',
      reference: `HB-${i}`,
    }));
    await placeAll('payments', payments, { 7: 'amount', 17: 'accountNumber', 4242: 'accountNumber' });
  }, 600_000);
});
