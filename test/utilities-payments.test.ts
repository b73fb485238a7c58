import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

// Payments through banks and agents matched to the payment documents they pay: partial, full
// and over-payment (the excess the account's advance), balances and debt, idempotent retries,
// and one supplier kept from another's. Amounts by hand below.

const post = `mutation($supplierId: ID!, $payments: [PaymentInput!]!, $mode: BulkMode, $key: String) {
  postPayments(supplierId: $supplierId, payments: $payments, mode: $mode, idempotencyKey: $key) {
    created rejected replayed items { index key status errors { field } } receipt { operation } } }`;
const documents = `query($supplierId: ID!, $month: Date!) { paymentDocuments(supplierId: $supplierId, month: $month) {
  accountNumber month lines { service charged recalculated amount } total paid outstanding overpaid status } }`;
const balances = `query($supplierId: ID!) { accountBalances(supplierId: $supplierId) { accountNumber charged paid debt advance } }`;

describe('payments and reconciliation', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplierA: Actor;
  let supplierB: Actor;
  let supplierId = '';
  const month = '2026-01-01';

  function payment(accountNumber: string, amount: string, reference: string, key?: string) {
    return { key, accountNumber, month, amount, paidOn: '2026-02-05', channel: 'BANK', agentName: 'Halyk Bank', reference };
  }

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    const buildingId = await registerBuildingWithApartments(system, fixture, ['1', '2', '3']);
    const rights = [AccessFunction.TariffsMaintain, AccessFunction.PersonalAccountsMaintain];
    supplierA = await fixture.person('UTILITY_SUPPLIER', rights);
    supplierB = await fixture.person('UTILITY_SUPPLIER', rights);
    for (const actor of [supplierA, supplierB]) {
      const registered = await system.query(
        `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
        { input: { subjectId: actor.subjectId, name: 'Power', bin: makeBin(), services: ['ELECTRICITY'] } },
        { token: fixture.adminToken },
      );
      expect(registered.errors).toBeUndefined();
      if (actor === supplierA) supplierId = registered.data?.registerSupplier.supplier.id;
    }
    const asA = { token: supplierA.token };
    const accounts = ['1', '2', '3'].map((n) => ({
      buildingId,
      premiseNumber: n,
      accountNumber: `E-${n}`,
      holderName: 'Асанов Асан',
      holderIin: makeIin(),
      service: 'ELECTRICITY',
      openedAt: '2025-06-01',
    }));
    const steps: Array<[string, Record<string, unknown>]> = [
      [
        `mutation($supplierId: ID!, $accounts: [PersonalAccountInput!]!) { upsertPersonalAccounts(supplierId: $supplierId, accounts: $accounts) { created } }`,
        { supplierId, accounts },
      ],
      [
        `mutation($input: PublishTariffInput!) { publishTariff(input: $input) { tariff { id } } }`,
        { input: { supplierId, service: 'ELECTRICITY', unit: 'KILOWATT_HOUR', pricePerUnit: '20', validFrom: '2026-01-01' } },
      ],
      [
        `mutation($supplierId: ID!, $month: Date!) { openBillingPeriod(supplierId: $supplierId, month: $month) { billingPeriod { id } } }`,
        { supplierId, month },
      ],
      [
        `mutation($supplierId: ID!, $month: Date!, $accounts: [ChargeAccountInput!]!) { chargeAccounts(supplierId: $supplierId, month: $month, accounts: $accounts) { charges { amount } } }`,
        // 100 × 20 = 2000.00; 50 × 20 = 1000.00; 10 × 20 = 200.00.
        {
          supplierId,
          month,
          accounts: [
            { accountNumber: 'E-1', meteredVolume: '100' },
            { accountNumber: 'E-2', meteredVolume: '50' },
            { accountNumber: 'E-3', meteredVolume: '10' },
          ],
        },
      ],
    ];
    for (const [query, variables] of steps) {
      const result = await system.query(query, variables, asA);
      expect(result.errors, query).toBeUndefined();
    }
  });

  afterAll(async () => {
    await system?.close();
  });

  it('matches payments to documents: partial, full and over-payment, the excess an advance', async () => {
    const asA = { token: supplierA.token };
    const first = await system.query(
      post,
      {
        supplierId,
        key: 'bank-file-2026-02-05',
        payments: [
          payment('E-1', '500', 'P-1', 'a'),
          payment('E-1', '700.50', 'P-2'),
          payment('E-2', '1000.00', 'P-3'),
          payment('E-3', '250', 'P-4'),
        ],
      },
      asA,
    );
    expect(first.errors).toBeUndefined();
    expect(first.data?.postPayments).toMatchObject({
      created: 4,
      rejected: 0,
      replayed: false,
      receipt: { operation: 'utilities.postPayments' },
    });
    expect(first.data?.postPayments.items[0]).toMatchObject({ index: 0, key: 'a', status: 'CREATED' });

    // The same bank file again under its key: the first result, nothing written twice.
    const retried = await system.query(
      post,
      {
        supplierId,
        key: 'bank-file-2026-02-05',
        payments: [
          payment('E-1', '500', 'P-1', 'a'),
          payment('E-1', '700.50', 'P-2'),
          payment('E-2', '1000.00', 'P-3'),
          payment('E-3', '250', 'P-4'),
        ],
      },
      asA,
    );
    expect(retried.data?.postPayments).toMatchObject({ created: 4, replayed: true });

    // Per item: a reference already posted, an unknown account and a month without a period are refused; the valid one is written.
    const perItem = await system.query(
      post,
      {
        supplierId,
        mode: 'PER_ITEM',
        payments: [
          payment('E-2', '1', 'P-3'),
          payment('E-9', '1', 'P-9'),
          { ...payment('E-2', '1', 'P-8'), month: '2025-12-01' },
          payment('E-1', '0.00', 'P-7'),
        ],
      },
      asA,
    );
    expect(perItem.errors).toBeUndefined();
    expect(perItem.data?.postPayments).toMatchObject({ created: 0, rejected: 4 });
    expect(perItem.data?.postPayments.items.map((item: { errors: { field: string }[] }) => item.errors.map((e) => e.field))).toEqual([
      ['payments[0].reference'],
      ['payments[1].accountNumber'],
      ['payments[2].month'],
      ['payments[3].amount'],
    ]);

    const docs = await system.query(documents, { supplierId, month }, asA);
    expect(docs.errors).toBeUndefined();
    expect(docs.data?.paymentDocuments).toEqual([
      // 2000.00 charged; 500.00 + 700.50 = 1200.50 paid; 799.50 due.
      {
        accountNumber: 'E-1',
        month,
        lines: [{ service: 'ELECTRICITY', charged: '2000.00', recalculated: '0.00', amount: '2000.00' }],
        total: '2000.00',
        paid: '1200.50',
        outstanding: '799.50',
        overpaid: '0.00',
        status: 'PARTIALLY_PAID',
      },
      {
        accountNumber: 'E-2',
        month,
        lines: [{ service: 'ELECTRICITY', charged: '1000.00', recalculated: '0.00', amount: '1000.00' }],
        total: '1000.00',
        paid: '1000.00',
        outstanding: '0.00',
        overpaid: '0.00',
        status: 'PAID',
      },
      // 200.00 charged, 250.00 paid: 50.00 over, the account's advance.
      {
        accountNumber: 'E-3',
        month,
        lines: [{ service: 'ELECTRICITY', charged: '200.00', recalculated: '0.00', amount: '200.00' }],
        total: '200.00',
        paid: '250.00',
        outstanding: '0.00',
        overpaid: '50.00',
        status: 'OVERPAID',
      },
    ]);

    const balance = await system.query(balances, { supplierId }, asA);
    expect(balance.data?.accountBalances).toEqual([
      { accountNumber: 'E-1', charged: '2000.00', paid: '1200.50', debt: '799.50', advance: '0.00' },
      { accountNumber: 'E-2', charged: '1000.00', paid: '1000.00', debt: '0.00', advance: '0.00' },
      { accountNumber: 'E-3', charged: '200.00', paid: '250.00', debt: '0.00', advance: '50.00' },
    ]);
  });

  it("keeps a supplier from another supplier's payments, documents and balances", async () => {
    const asB = { token: supplierB.token };
    const write = await system.query(post, { supplierId, payments: [payment('E-1', '1', 'X-1')] }, asB);
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const [query, variables] of [
      [documents, { supplierId, month }],
      [balances, { supplierId }],
    ] as const) {
      const read = await system.query(query, variables, asB);
      expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(read.data).toBeNull();
    }
    const balance = await system.query(balances, { supplierId }, { token: supplierA.token });
    expect(balance.data?.accountBalances.map((row: { paid: string }) => row.paid)).toEqual(['1200.50', '1000.00', '250.00']);
  });
});
