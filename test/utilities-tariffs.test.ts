import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import type { FieldProblem } from '../lib/errors.js';
import { pickTariff } from '../subgraphs/utilities/tariff-manager.js';
import type { TariffRow } from '../subgraphs/utilities/tariff-repository.js';
import { chargeByTiers, checkTiers, tenge } from '../subgraphs/utilities/tariff-rules.js';
import { type Actor, AuthFixture, makeBin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// Tariffs with periods, territories, consumer categories and volume tiers (p.4.14), and the
// billing periods whose closing freezes the past. Amounts are computed by hand in comments.

const publish = `mutation($input: PublishTariffInput!) { publishTariff(input: $input) {
  tariff { id pricePerUnit unit tiers { upTo price } territoryKato consumerCategory validFrom validTo }
  superseded { id validFrom validTo } receipt { operation } } }`;
const openPeriod = `mutation($supplierId: ID!, $month: Date!) { openBillingPeriod(supplierId: $supplierId, month: $month) { billingPeriod { id month status closedAt supplier { id } } receipt { operation } } }`;
const closePeriod = `mutation($supplierId: ID!, $month: Date!) { closeBillingPeriod(supplierId: $supplierId, month: $month) { billingPeriod { month status closedAt } } }`;
const periods = `query($supplierId: ID!) { billingPeriods(supplierId: $supplierId) { month status } }`;

describe('tariff rules (pure)', () => {
  it('charges each tier its share, each rounded half up to the tiyn', () => {
    const tiers = [
      { upTo: '70.0000', price: '20.5000' },
      { upTo: null, price: '28.7500' },
    ];
    // 100 kWh: 70 × 20.50 = 1435.00, 30 × 28.75 = 862.50; total 2297.50.
    const hundred = chargeByTiers(tiers, '100');
    expect(tenge(hundred.amountTiyn)).toBe('2297.50');
    expect(hundred.lines.map((line) => [line.volume, tenge(line.amountTiyn)])).toEqual([
      ['70.0000', '1435.00'],
      ['30.0000', '862.50'],
    ]);
    // 70.5 kWh: 1435.00 + 0.5 × 28.75 = 14.375 → 14.38; total 1449.38.
    expect(tenge(chargeByTiers(tiers, '70.5').amountTiyn)).toBe('1449.38');
    // Within the first tier only: 12.345 × 20.50 = 253.0725 → 253.07.
    expect(tenge(chargeByTiers(tiers, '12.345').amountTiyn)).toBe('253.07');
    expect(chargeByTiers(tiers, '0').amountTiyn).toBe(0n);
  });

  it('wants steps contiguous from 0 with rising bounds and the last unbounded', () => {
    const problems: FieldProblem[] = [];
    checkTiers(
      [
        { upTo: '70', price: '1' },
        { upTo: '50', price: '2' },
        { upTo: '90', price: 'x' },
      ],
      't',
      problems,
    );
    expect(problems.map((p) => p.field)).toEqual(['t[1].upTo', 't[2].price', 't[2].upTo']);
    const none: FieldProblem[] = [];
    expect(
      checkTiers(
        [
          { upTo: '0.5', price: '1.25' },
          { upTo: null, price: '2' },
        ],
        't',
        none,
      ),
    ).toEqual([
      { upTo: '0.5000', price: '1.2500' },
      { upTo: null, price: '2.0000' },
    ]);
    expect(none).toEqual([]);
  });

  it('picks the tariff in force on the day with the most specific territory covering the account', () => {
    const row = (id: string, territoryKato: string | null, validFrom: string, validTo: string | null) =>
      ({ id, territoryKato, validFrom, validTo }) as TariffRow;
    const candidates = [
      row('everywhere', null, '2026-01-01', null),
      row('almaty-city', '750000000', '2026-01-01', null),
      row('almaly-district', '751110000', '2026-01-01', '2026-01-31'),
    ];
    expect(pickTariff(candidates, '751110123', '2026-01-15')?.id).toBe('almaly-district');
    expect(pickTariff(candidates, '751110123', '2026-02-01')?.id).toBe('almaty-city');
    expect(pickTariff(candidates, '351010000', '2026-02-01')?.id).toBe('everywhere');
    expect(pickTariff(candidates, '351010000', '2025-12-31')).toBeNull();
  });
});

describe('tariffs and billing periods', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplierA: Actor;
  let supplierB: Actor;
  const ids = { A: '', B: '' };

  function tariff(overrides: Record<string, unknown> = {}) {
    return { supplierId: ids.A, service: 'ELECTRICITY', unit: 'KILOWATT_HOUR', pricePerUnit: '25', validFrom: '2026-01-01', ...overrides };
  }

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    supplierA = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.TariffsMaintain]);
    supplierB = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.TariffsMaintain]);
    for (const [key, actor] of [
      ['A', supplierA],
      ['B', supplierB],
    ] as const) {
      const registered = await system.query(
        `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
        {
          input: {
            subjectId: actor.subjectId,
            name: `Energy ${key}`,
            bin: makeBin(),
            services: ['ELECTRICITY', 'WATER_SUPPLY', 'WASTE_REMOVAL'],
          },
        },
        { token: fixture.adminToken },
      );
      expect(registered.errors).toBeUndefined();
      ids[key] = registered.data?.registerSupplier.supplier.id;
    }
  });

  afterAll(async () => {
    await system?.close();
  });

  it('refuses a malformed scale, a unit foreign to the service, a bad territory and a reversed period, naming every field', async () => {
    const result = await system.query(
      publish,
      {
        input: tariff({
          pricePerUnit: null,
          unit: 'CUBIC_METRE',
          tiers: [
            { upTo: '100', price: '20' },
            { upTo: '100', price: '30' },
            { upTo: '500', price: '40' },
          ],
          territoryKato: '7511',
          validTo: '2025-12-31',
        }),
      },
      { token: supplierA.token },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (result.errors?.[0]?.extensions?.problems as { field: string }[] | undefined)?.map((p) => p.field) ?? [];
    expect(fields.sort()).toEqual(
      ['input.territoryKato', 'input.tiers[1].upTo', 'input.tiers[2].upTo', 'input.unit', 'input.validTo'].sort(),
    );

    const both = await system.query(publish, { input: tariff({ tiers: [{ price: '1' }] }) }, { token: supplierA.token });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const waste = await system.query(
      publish,
      { input: tariff({ service: 'WASTE_REMOVAL', unit: 'KILOWATT_HOUR' }) },
      { token: supplierA.token },
    );
    expect(waste.errors?.[0]?.message).toContain('RESIDENT or SQUARE_METRE');
  });

  it('publishes a tiered tariff for a territory and category, and ends an open-ended one when a later one starts', async () => {
    const first = await system.query(
      publish,
      { input: tariff({ pricePerUnit: null, tiers: [{ upTo: '70', price: '20.5' }, { price: '28.75' }], territoryKato: '750000000' }) },
      { token: supplierA.token },
    );
    expect(first.errors).toBeUndefined();
    expect(first.data?.publishTariff).toMatchObject({
      tariff: {
        pricePerUnit: '20.5000',
        tiers: [
          { upTo: '70.0000', price: '20.5000' },
          { upTo: null, price: '28.7500' },
        ],
        territoryKato: '750000000',
        consumerCategory: 'HOUSEHOLD',
        validFrom: '2026-01-01',
        validTo: null,
      },
      superseded: null,
      receipt: { operation: 'utilities.publishTariff' },
    });
    const firstId = first.data?.publishTariff.tariff.id;

    const later = await system.query(
      publish,
      {
        input: tariff({
          pricePerUnit: null,
          tiers: [{ upTo: '70', price: '22' }, { price: '30' }],
          territoryKato: '750000000',
          validFrom: '2026-03-01',
        }),
      },
      { token: supplierA.token },
    );
    expect(later.errors).toBeUndefined();
    expect(later.data?.publishTariff.superseded).toEqual({ id: firstId, validFrom: '2026-01-01', validTo: '2026-02-28' });

    // A period inside the first one's: it would rewrite that tariff's prices.
    const inside = await system.query(
      publish,
      { input: tariff({ territoryKato: '750000000', validFrom: '2026-02-01', validTo: '2026-02-15' }) },
      { token: supplierA.token },
    );
    expect(inside.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining(firstId) });
    // Starting before the open-ended one also overlaps it: it is not ended backwards.
    const earlier = await system.query(
      publish,
      { input: tariff({ territoryKato: '750000000', validFrom: '2025-12-01' }) },
      { token: supplierA.token },
    );
    expect(earlier.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    // Another category, another territory, or a bounded period before the first: no overlap.
    for (const input of [
      tariff({ territoryKato: '750000000', consumerCategory: 'LEGAL_ENTITY' }),
      tariff({ territoryKato: '751110000' }),
      tariff({ territoryKato: '750000000', validFrom: '2025-06-01', validTo: '2025-12-31' }),
    ]) {
      const ok = await system.query(publish, { input }, { token: supplierA.token });
      expect(ok.errors, JSON.stringify(input)).toBeUndefined();
      expect(ok.data?.publishTariff.superseded).toBeNull();
    }
  });

  it('opens and closes billing periods in order, and a closed period refuses a tariff starting in or before it', async () => {
    const opened = await system.query(openPeriod, { supplierId: ids.A, month: '2026-04-01' }, { token: supplierA.token });
    expect(opened.errors).toBeUndefined();
    expect(opened.data?.openBillingPeriod).toMatchObject({
      billingPeriod: { month: '2026-04-01', status: 'OPEN', closedAt: null, supplier: { id: ids.A } },
      receipt: { operation: 'utilities.openBillingPeriod' },
    });
    const again = await system.query(openPeriod, { supplierId: ids.A, month: '2026-04-01' }, { token: supplierA.token });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const midMonth = await system.query(openPeriod, { supplierId: ids.A, month: '2026-04-15' }, { token: supplierA.token });
    expect(midMonth.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });

    await system.query(openPeriod, { supplierId: ids.A, month: '2026-05-01' }, { token: supplierA.token });
    const outOfOrder = await system.query(closePeriod, { supplierId: ids.A, month: '2026-05-01' }, { token: supplierA.token });
    expect(outOfOrder.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('2026-04') });

    const closed = await system.query(closePeriod, { supplierId: ids.A, month: '2026-04-01' }, { token: supplierA.token });
    expect(closed.errors).toBeUndefined();
    expect(closed.data?.closeBillingPeriod.billingPeriod).toMatchObject({
      month: '2026-04-01',
      status: 'CLOSED',
      closedAt: expect.any(String),
    });
    const twice = await system.query(closePeriod, { supplierId: ids.A, month: '2026-04-01' }, { token: supplierA.token });
    expect(twice.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    // Backdating into April (closed) is refused, whatever the territory; May is open.
    for (const validFrom of ['2026-04-30', '2026-01-01']) {
      const backdated = await system.query(
        publish,
        { input: tariff({ service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', validFrom }) },
        { token: supplierA.token },
      );
      expect(backdated.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', problems: [{ field: 'input.validFrom' }] } });
    }
    const may = await system.query(
      publish,
      { input: tariff({ service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', validFrom: '2026-05-01' }) },
      { token: supplierA.token },
    );
    expect(may.errors).toBeUndefined();

    const list = await system.query(periods, { supplierId: ids.A }, { token: supplierA.token });
    expect(list.data?.billingPeriods).toEqual([
      { month: '2026-05-01', status: 'OPEN' },
      { month: '2026-04-01', status: 'CLOSED' },
    ]);
  });

  it("keeps a supplier from another supplier's tariffs and billing periods, and writes nothing", async () => {
    const asB = { token: supplierB.token };
    const tariffAttempt = await system.query(publish, { input: tariff({ validFrom: '2027-01-01' }) }, asB);
    expect(tariffAttempt.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const [query, month] of [
      [openPeriod, '2027-01-01'],
      [closePeriod, '2026-05-01'],
    ] as const) {
      const attempt = await system.query(query, { supplierId: ids.A, month }, asB);
      expect(attempt.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(attempt.data).toBeNull();
    }
    const read = await system.query(periods, { supplierId: ids.A }, asB);
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await system.query(periods, { supplierId: ids.A });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const own = await system.query(periods, { supplierId: ids.A }, { token: supplierA.token });
    expect(own.data?.billingPeriods).toEqual([
      { month: '2026-05-01', status: 'OPEN' },
      { month: '2026-04-01', status: 'CLOSED' },
    ]);
    // B's own: untouched by A's, empty.
    const bOwn = await system.query(periods, { supplierId: ids.B }, asB);
    expect(bOwn.data?.billingPeriods).toEqual([]);
  });

  it('publishes many tariffs in one call: ends an open-ended stored one and an earlier one of the call, reports overlaps per item', async () => {
    const asB = { token: supplierB.token };
    const water = { service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', pricePerUnit: '90' };
    const stored = await system.query(publish, { input: { ...water, supplierId: ids.B, validFrom: '2026-01-01' } }, asB);
    expect(stored.errors).toBeUndefined();
    const many = `mutation($supplierId: ID!, $tariffs: [TariffInput!]!, $mode: BulkMode) {
      publishTariffs(supplierId: $supplierId, tariffs: $tariffs, mode: $mode) { created rejected items { key status errors { field } } receipt { operation } } }`;
    const tariffs = [
      { key: 'july', ...water, validFrom: '2026-07-01' },
      { key: 'autumn', ...water, validFrom: '2026-09-01', validTo: '2026-12-31' },
      { key: 'october', ...water, validFrom: '2026-10-01', validTo: '2026-10-31' },
      { key: 'wrong-unit', service: 'ELECTRICITY', unit: 'CUBIC_METRE', pricePerUnit: '20', validFrom: '2026-07-01' },
    ];
    // Another supplier may not publish B's tariffs.
    const foreign = await system.query(many, { supplierId: ids.B, tariffs, mode: 'PER_ITEM' }, { token: supplierA.token });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const refused = await system.query(many, { supplierId: ids.B, tariffs }, asB);
    expect(refused.errors?.[0]?.extensions?.problems.map((p: { field: string }) => p.field)).toEqual([
      'tariffs[2].validFrom',
      'tariffs[3].unit',
    ]);
    const result = await system.query(many, { supplierId: ids.B, tariffs, mode: 'PER_ITEM' }, asB);
    expect(result.errors).toBeUndefined();
    expect(result.data?.publishTariffs).toEqual({
      created: 2,
      rejected: 2,
      items: [
        { key: 'july', status: 'CREATED', errors: [] },
        { key: 'autumn', status: 'CREATED', errors: [] },
        { key: 'october', status: 'REJECTED', errors: [{ field: 'tariffs[2].validFrom' }] },
        { key: 'wrong-unit', status: 'REJECTED', errors: [{ field: 'tariffs[3].unit' }] },
      ],
      receipt: { operation: 'utilities.publishTariffs' },
    });
    const read = await system.query(
      `query($supplierId: ID!) { tariffs(filter: { supplierId: $supplierId, service: WATER_SUPPLY }) { edges { node { validFrom validTo } } } }`,
      { supplierId: ids.B },
    );
    const periodsOfB = read.data?.tariffs.edges.map((edge: { node: unknown }) => edge.node);
    expect(periodsOfB).toEqual(
      expect.arrayContaining([
        { validFrom: '2026-01-01', validTo: '2026-06-30' },
        { validFrom: '2026-07-01', validTo: '2026-08-31' },
        { validFrom: '2026-09-01', validTo: '2026-12-31' },
      ]),
    );
    expect(periodsOfB).toHaveLength(3);
  });
});
