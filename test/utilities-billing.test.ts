import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

// Billing (p.4.14): charges per account and open period from a metered volume or by the
// consumption norm at the tariff in force with its tiers, recalculations as lines that say
// why, a closed period frozen, and one supplier kept from another's. Amounts by hand below.

const publish = `mutation($input: PublishTariffInput!) { publishTariff(input: $input) { tariff { id } } }`;
const setNorm = `mutation($input: ConsumptionNormInput!) { setConsumptionNorm(input: $input) { norm { id volume basis } receipt { operation } } }`;
const openPeriod = `mutation($supplierId: ID!, $month: Date!) { openBillingPeriod(supplierId: $supplierId, month: $month) { billingPeriod { id } } }`;
const closePeriod = `mutation($supplierId: ID!, $month: Date!) { closeBillingPeriod(supplierId: $supplierId, month: $month) { billingPeriod { status } } }`;
const charge = `mutation($supplierId: ID!, $month: Date!, $accounts: [ChargeAccountInput!]!) {
  chargeAccounts(supplierId: $supplierId, month: $month, accounts: $accounts) {
    charges { accountId service kind basis volume tariffId amount reason } receipt { operation } } }`;
const lines = `query($supplierId: ID!, $month: Date!) { charges(supplierId: $supplierId, month: $month) { accountId kind basis volume amount reason } }`;
const upsert = `mutation($supplierId: ID!, $accounts: [PersonalAccountInput!]!) { upsertPersonalAccounts(supplierId: $supplierId, accounts: $accounts) { items { id } } }`;

describe('billing', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplierA: Actor;
  let supplierB: Actor;
  let supplierId = '';
  const accounts: Record<string, string> = {};
  const tariffs: Record<string, string> = {};
  const month = '2026-01-01';

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    const buildingId = await registerBuildingWithApartments(system, fixture, ['1', '2', '3']);
    const rights = [
      AccessFunction.TariffsMaintain,
      AccessFunction.PersonalAccountsMaintain,
      AccessFunction.MetersMaintain,
      AccessFunction.ReadingsSubmit,
    ];
    supplierA = await fixture.person('UTILITY_SUPPLIER', rights);
    supplierB = await fixture.person('UTILITY_SUPPLIER', rights);
    const ids: string[] = [];
    for (const actor of [supplierA, supplierB]) {
      const registered = await system.query(
        `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
        { input: { subjectId: actor.subjectId, name: 'Supplier', bin: makeBin(), services: ['ELECTRICITY', 'WATER_SUPPLY'] } },
        { token: fixture.adminToken },
      );
      expect(registered.errors).toBeUndefined();
      ids.push(registered.data?.registerSupplier.supplier.id);
    }
    supplierId = ids[0] ?? '';
    const asA = { token: supplierA.token };
    const account = (accountNumber: string, service: string, premiseNumber: string) => ({
      buildingId,
      premiseNumber,
      accountNumber,
      holderName: 'Асанов Асан',
      holderIin: makeIin(),
      service,
      openedAt: '2025-06-01',
    });
    const made = await system.query(
      upsert,
      {
        supplierId,
        accounts: [
          account('E-1', 'ELECTRICITY', '1'),
          account('W-1', 'WATER_SUPPLY', '1'),
          account('W-2', 'WATER_SUPPLY', '2'),
          account('W-3', 'WATER_SUPPLY', '3'),
        ],
      },
      asA,
    );
    expect(made.errors).toBeUndefined();
    [accounts.E1, accounts.W1, accounts.W2, accounts.W3] = (made.data?.upsertPersonalAccounts.items ?? []).map(
      (item: { id: string }) => item.id,
    );
    const electricity = await system.query(
      publish,
      {
        input: {
          supplierId,
          service: 'ELECTRICITY',
          unit: 'KILOWATT_HOUR',
          tiers: [{ upTo: '70', price: '20.50' }, { price: '28.75' }],
          validFrom: '2026-01-01',
        },
      },
      asA,
    );
    const water = await system.query(
      publish,
      { input: { supplierId, service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', pricePerUnit: '98.76', validFrom: '2026-01-01' } },
      asA,
    );
    expect(electricity.errors ?? water.errors).toBeUndefined();
    tariffs.electricity = electricity.data?.publishTariff.tariff.id;
    tariffs.water = water.data?.publishTariff.tariff.id;
    const norm = await system.query(
      setNorm,
      { input: { supplierId, service: 'WATER_SUPPLY', basis: 'RESIDENT', volume: '3.5', validFrom: '2025-01-01' } },
      asA,
    );
    expect(norm.errors).toBeUndefined();
    // W-3's premise has an individual water meter read at the end of December and of January.
    const meter = await system.query(
      `mutation($supplierId: ID!, $meters: [MeterInput!]!) { upsertMeters(supplierId: $supplierId, meters: $meters) { created } }`,
      {
        supplierId,
        meters: [
          {
            kind: 'INDIVIDUAL',
            buildingId,
            premiseNumber: '3',
            service: 'WATER_SUPPLY',
            serialNumber: 'SV-3',
            capacityDigits: 5,
            tariffZones: 1,
            installedAt: '2025-11-01',
          },
        ],
      },
      asA,
    );
    expect(meter.errors).toBeUndefined();
    const readings = await system.query(
      `mutation($supplierId: ID!, $readings: [MeterReadingInput!]!) { submitReadings(supplierId: $supplierId, readings: $readings) { created } }`,
      {
        supplierId,
        readings: [
          { serialNumber: 'SV-3', takenOn: '2025-12-31', value: '100', source: 'OWNER' },
          { serialNumber: 'SV-3', takenOn: '2026-01-31', value: '112.5', source: 'OWNER' },
        ],
      },
      asA,
    );
    expect(readings.errors).toBeUndefined();
    expect(norm.data?.setConsumptionNorm).toMatchObject({
      norm: { volume: '3.5000', basis: 'RESIDENT' },
      receipt: { operation: 'utilities.setConsumptionNorm' },
    });
  });

  afterAll(async () => {
    await system?.close();
  });

  it('refuses charges for a period that is not open, and an invalid item refuses the whole call', async () => {
    const asA = { token: supplierA.token };
    const notOpen = await system.query(charge, { supplierId, month, accounts: [{ accountNumber: 'E-1', meteredVolume: '100' }] }, asA);
    expect(notOpen.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await system.query(openPeriod, { supplierId, month }, asA);
    const mixed = await system.query(
      charge,
      {
        supplierId,
        month,
        accounts: [{ accountNumber: 'E-1', meteredVolume: '100' }, { accountNumber: 'NOPE' }, { accountNumber: 'W-2' }],
      },
      asA,
    );
    expect(mixed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = ((mixed.errors?.[0]?.extensions?.problems ?? []) as { field: string }[]).map((p) => p.field);
    // W-2 has no metered volume and the norm is per resident: residents are needed.
    expect(fields).toEqual(['accounts[1].accountNumber', 'accounts[2].residents']);
    const none = await system.query(lines, { supplierId, month }, asA);
    expect(none.data?.charges).toEqual([]);
  });

  it('charges by a metered volume across tiers and by the norm, and recalculates in a line that says why', async () => {
    const asA = { token: supplierA.token };
    const first = await system.query(
      charge,
      {
        supplierId,
        month,
        accounts: [
          { accountNumber: 'E-1', meteredVolume: '100' },
          { accountNumber: 'W-1', residents: 2 },
        ],
      },
      asA,
    );
    expect(first.errors).toBeUndefined();
    expect(first.data?.chargeAccounts.charges).toEqual([
      // 70 kWh × 20.50 = 1435.00; 30 kWh × 28.75 = 862.50; 2297.50.
      {
        accountId: accounts.E1,
        service: 'ELECTRICITY',
        kind: 'CHARGE',
        basis: 'READING',
        volume: '100.0000',
        tariffId: tariffs.electricity,
        amount: '2297.50',
        reason: null,
      },
      // Norm 3.5 m³ × 2 residents = 7 m³ × 98.76 = 691.32.
      {
        accountId: accounts.W1,
        service: 'WATER_SUPPLY',
        kind: 'CHARGE',
        basis: 'NORM',
        volume: '7.0000',
        tariffId: tariffs.water,
        amount: '691.32',
        reason: null,
      },
    ]);

    const noReason = await system.query(charge, { supplierId, month, accounts: [{ accountNumber: 'E-1', meteredVolume: '90' }] }, asA);
    expect(noReason.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'accounts[0].recalculationReason' } });

    const recalculated = await system.query(
      charge,
      {
        supplierId,
        month,
        accounts: [{ accountNumber: 'E-1', meteredVolume: '90', recalculationReason: 'Reading corrected after a control reading' }],
      },
      asA,
    );
    expect(recalculated.errors).toBeUndefined();
    // 70 × 20.50 + 20 × 28.75 = 1435.00 + 575.00 = 2010.00; minus 2297.50 charged: −287.50.
    expect(recalculated.data?.chargeAccounts.charges).toEqual([
      expect.objectContaining({
        kind: 'RECALCULATION',
        basis: 'READING',
        volume: '90.0000',
        amount: '-287.50',
        reason: 'Reading corrected after a control reading',
      }),
    ]);

    const all = await system.query(lines, { supplierId, month }, asA);
    expect(all.errors).toBeUndefined();
    const byAccount = (id: string | undefined) =>
      all.data?.charges
        .filter((line: { accountId: string }) => line.accountId === id)
        .map((line: { amount: string; kind: string }) => [line.kind, line.amount]);
    expect(byAccount(accounts.E1)).toEqual([
      ['CHARGE', '2297.50'],
      ['RECALCULATION', '-287.50'],
    ]);
    expect(byAccount(accounts.W1)).toEqual([['CHARGE', '691.32']]);
  });

  it("charges by the readings of the account's meter when no volume is given", async () => {
    const result = await system.query(charge, { supplierId, month, accounts: [{ accountNumber: 'W-3' }] }, { token: supplierA.token });
    expect(result.errors).toBeUndefined();
    // 112.5 − 100 = 12.5 m³ read in January × 98.76 = 1234.50.
    expect(result.data?.chargeAccounts.charges).toEqual([
      expect.objectContaining({ accountId: accounts.W3, kind: 'CHARGE', basis: 'READING', volume: '12.5000', amount: '1234.50' }),
    ]);
  });

  it("freezes a closed period's charges", async () => {
    const asA = { token: supplierA.token };
    const closed = await system.query(closePeriod, { supplierId, month }, asA);
    expect(closed.errors).toBeUndefined();
    const late = await system.query(
      charge,
      { supplierId, month, accounts: [{ accountNumber: 'W-2', residents: 1, recalculationReason: 'late' }] },
      asA,
    );
    expect(late.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('frozen') });
    const all = await system.query(lines, { supplierId, month }, asA);
    expect(all.data?.charges).toHaveLength(4);
  });

  it('previews a tariff change before it takes effect: every affected account and the change of its next bill', async () => {
    const asA = { token: supplierA.token };
    const next = await system.query(
      publish,
      {
        input: {
          supplierId,
          service: 'ELECTRICITY',
          unit: 'KILOWATT_HOUR',
          tiers: [{ upTo: '70', price: '22' }, { price: '30' }],
          validFrom: '2026-03-01',
        },
      },
      asA,
    );
    expect(next.errors).toBeUndefined();
    const preview = `query($supplierId: ID!, $tariffId: ID!) { tariffChangePreview(supplierId: $supplierId, tariffId: $tariffId) {
      accountId accountNumber volume currentAmount newAmount change } }`;
    const result = await system.query(preview, { supplierId, tariffId: next.data?.publishTariff.tariff.id }, asA);
    expect(result.errors).toBeUndefined();
    // E-1's latest bill is its recalculated 90 kWh: now 70 × 20.50 + 20 × 28.75 = 2010.00;
    // then 70 × 22 + 20 × 30 = 1540.00 + 600.00 = 2140.00; +130.00. Water accounts are not affected.
    expect(result.data?.tariffChangePreview).toEqual([
      { accountId: accounts.E1, accountNumber: 'E-1', volume: '90.0000', currentAmount: '2010.00', newAmount: '2140.00', change: '130.00' },
    ]);
    const other = await system.query(preview, { supplierId, tariffId: next.data?.publishTariff.tariff.id }, { token: supplierB.token });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("keeps a supplier from another supplier's norms, charges and charge lines", async () => {
    const asB = { token: supplierB.token };
    const read = await system.query(lines, { supplierId, month }, asB);
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(read.data).toBeNull();
    const write = await system.query(
      charge,
      { supplierId, month: '2026-02-01', accounts: [{ accountNumber: 'E-1', meteredVolume: '1' }] },
      asB,
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const norm = await system.query(
      setNorm,
      { input: { supplierId, service: 'WATER_SUPPLY', basis: 'RESIDENT', volume: '9', validFrom: '2026-01-01' } },
      asB,
    );
    expect(norm.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await system.query(lines, { supplierId, month });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
