import { readFileSync } from 'node:fs';
import { type OperationDefinitionNode, parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { buildingInput } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// Issue 8: the README's worked examples for a supplier's system (authenticate, push accounts,
// meters and readings, publish a tariff, bill a period, post payments, read the results) and
// for a consumer request, run in order through the gateway as the README shows them, with the
// README's own variables; the amounts its comments compute by hand must be what is billed.
// test/readme.test.ts only checks that each block is valid against the supergraph.

const whole = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
/** The suppliers' section: other sections reuse some operation names (an owner's `MyRequests`). */
const readme = whole.slice(whole.indexOf("### Utility suppliers' systems"), whole.indexOf('### Owners and building managers'));
const operations = new Map<string, string>();
for (const [, block] of readme.matchAll(/```graphql\n([\s\S]*?)```/g))
  for (const definition of parse(block ?? '').definitions)
    if (definition.kind === 'OperationDefinition' && definition.name)
      operations.set(definition.name.value, print(definition as OperationDefinitionNode));

/** The README's operation `name`, with each `field: "…"` placeholder filled from `values`. */
function operation(name: string, values: Record<string, string> = {}): string {
  const text = operations.get(name);
  if (!text) throw new Error(`README has no operation ${name}`);
  return text.replace(/(\w+): "…"/g, (_, field: string) => {
    const value = values[field];
    if (value === undefined) throw new Error(`${name}: no value for ${field}`);
    return `${field}: ${JSON.stringify(value)}`;
  });
}

/** A JSON snippet of the README that starts with `start`, up to its closing backtick, as an object. */
function readmeJson(start: string): Record<string, unknown> {
  const at = readme.indexOf(`\`${start}`);
  if (at < 0) throw new Error(`README has no snippet ${start}`);
  const text = readme.slice(at + 1, readme.indexOf('`', at + 1));
  return JSON.parse(text.startsWith('{') ? text : `{${text}}`) as Record<string, unknown>;
}

/** Replaces every "…" in a README snippet with the value its key names. */
function filled<T>(value: T, values: Record<string, string>): T {
  return JSON.parse(
    JSON.stringify(value, (key, item) => {
      if (item !== '…') return item;
      const replacement = values[key];
      if (replacement === undefined) throw new Error(`no value for ${key}`);
      return replacement;
    }),
  ) as T;
}

/** Tenge amounts a README comment computes, in its order: "= 2297.50", "−287.50". */
function commentedAmounts(block: string): string[] {
  return [...block.matchAll(/#[^\n]*?(?:= |RECALCULATION )([−-]?\d+\.\d\d)\s*$/gm)].map((m) => (m[1] ?? '').replace('−', '-'));
}

describe("README's worked examples, run", () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplier: Actor;
  let supplierId = '';
  let buildingId = '';
  let owner = { iin: '', token: '' };
  const values = (extra: Record<string, string> = {}) => ({ supplierId, buildingId, ...extra });

  // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other end-to-end tests
  async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<any> {
    const response = await system.query(query, variables, { token });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  }

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    const person = await fixture.access.person();
    owner = { iin: person.iin, token: (await new TokenRepository(system.db).issueSessionToken(person.id)).token };
    const ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain, AccessFunction.PremisesMaintain]);
    buildingId = (
      await ok(
        `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
        { input: buildingInput() },
        ministry.token,
      )
    ).registerBuilding.building.id;
    await ok(
      `mutation($id: ID!, $premises: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $premises) { premises { id } } }`,
      { id: buildingId, premises: ['12', '13', '14'].map((number) => ({ kind: 'APARTMENT', number })) },
      ministry.token,
    );
    supplier = await fixture.machine('UTILITY_SUPPLIER', [
      AccessFunction.PersonalAccountsMaintain,
      AccessFunction.MetersMaintain,
      AccessFunction.ReadingsSubmit,
      AccessFunction.TariffsMaintain,
    ]);
    supplierId = (
      await ok(
        `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
        {
          input: {
            subjectId: supplier.subjectId,
            name: 'Алматы Су',
            bin: makeBin(),
            services: ['WATER_SUPPLY', 'SEWERAGE', 'ELECTRICITY'],
          },
        },
        fixture.adminToken,
      )
    ).registerSupplier.supplier.id;
  });
  afterAll(async () => {
    await system?.close();
  });

  it('a supplier system: who am I, accounts, meters, readings', async () => {
    const me = await ok(operation('WhoAmI'), {}, supplier.token);
    expect(me.suppliers.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(supplierId);

    const upload = filled(readmeJson('{"supplierId"'), values({ holderName: 'Асанов Асан', holderIin: makeIin() }));
    const uploaded = await ok(operation('Upload'), upload, supplier.token);
    expect(uploaded.upsertPersonalAccounts).toMatchObject({ created: 1, rejected: 0, replayed: false });
    expect(uploaded.upsertPersonalAccounts.receipt.recordedAt).toEqual(expect.any(String));
    const again = await ok(operation('Upload'), upload, supplier.token);
    expect(again.upsertPersonalAccounts).toMatchObject({ created: 1, replayed: true });
    const mine = await ok(operation('MyAccounts'), {}, supplier.token);
    expect(mine.personalAccounts.edges.map((edge: { node: { accountNumber: string } }) => edge.node.accountNumber)).toEqual(['0012345']);

    const meters = await ok(operation('Meters'), filled({ supplierId: '…', ...readmeJson('"meters": [') }, values()), supplier.token);
    expect(meters.upsertMeters).toMatchObject({ created: 1, rejected: 0 });
    const meterId = meters.upsertMeters.items[0].id;
    const readings = await ok(operation('Readings'), filled({ supplierId: '…', ...readmeJson('"readings": [') }, values()), supplier.token);
    expect(readings.submitReadings).toMatchObject({ created: 1, rejected: 0 });
    const check = await ok(operation('Check'), { meterId }, supplier.token);
    expect(check.meter.readings).toEqual([
      { takenOn: '2026-11-25', zone: 1, value: '10.000', consumption: null, anomaly: false, version: 1 },
    ]);
  });

  it('a supplier system: a new tariff, a period billed by reading and by norm at the amounts the comments compute, payments, the results', async () => {
    // The accounts the billing example names, and the water price its comment uses (98.76), which no example publishes.
    const accounts = ['E-1', 'W-1'].map((accountNumber, i) => ({
      buildingId,
      premiseNumber: String(13 + i),
      accountNumber,
      holderName: 'Бекова Бибигуль',
      holderIin: makeIin(),
      service: accountNumber.startsWith('E') ? 'ELECTRICITY' : 'WATER_SUPPLY',
      openedAt: '2025-01-01',
    }));
    await ok(operation('Upload'), { supplierId, accounts }, supplier.token);
    await ok(
      `mutation($input: PublishTariffInput!) { publishTariff(input: $input) { tariff { id } } }`,
      { input: { supplierId, service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', pricePerUnit: '98.76', validFrom: '2026-01-01' } },
      supplier.token,
    );

    const tariffs = await ok(operation('NewTariffs'), { supplierId }, supplier.token);
    expect(tariffs.publishTariffs).toMatchObject({ created: 2, rejected: 0 });
    const opened = await ok(operation('PublishAndOpen', values()), {}, supplier.token);
    expect(opened.openBillingPeriod.billingPeriod.status).toBe('OPEN');
    expect(opened.publishTariff.tariff.tiers).toEqual([
      { upTo: '70.0000', price: '20.5000' },
      { upTo: null, price: '28.7500' },
    ]);

    const billingBlock = readme.slice(
      readme.indexOf('mutation ChargeJanuary'),
      readme.indexOf('```', readme.indexOf('mutation ChargeJanuary')),
    );
    const [electricity, water, recalculation] = commentedAmounts(billingBlock);
    expect([electricity, water, recalculation]).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
    const billed = await ok(operation('ChargeJanuary', values()), {}, supplier.token);
    expect(billed.chargeAccounts).toMatchObject({ created: 2, rejected: 0 });
    expect(billed.chargeAccounts.charges.map((charge: { basis: string; amount: string }) => [charge.basis, charge.amount])).toEqual([
      ['READING', electricity],
      ['NORM', water],
    ]);
    const recalculated = await ok(operation('Recalculate', values()), {}, supplier.token);
    expect(recalculated.chargeAccounts.charges).toEqual([
      { kind: 'RECALCULATION', amount: recalculation, reason: 'Reading corrected after a control reading' },
    ]);

    const paid = await ok(operation('PostPayments', values()), {}, supplier.token);
    expect(paid.postPayments).toMatchObject({ created: 1, rejected: 0, replayed: false });
    const results = await ok(operation('Reconcile', values()), {}, supplier.token);
    const total = (Number(electricity) * 100 + Number(recalculation) * 100) / 100;
    expect(results.paymentDocuments.find((d: { accountNumber: string }) => d.accountNumber === 'E-1')).toMatchObject({
      total: total.toFixed(2),
      paid: '500.00',
      outstanding: (total - 500).toFixed(2),
      status: 'PARTIALLY_PAID',
    });
    expect(results.accountBalances.find((b: { accountNumber: string }) => b.accountNumber === 'E-1')).toMatchObject({
      charged: total.toFixed(2),
      paid: '500.00',
      debt: (total - 500).toFixed(2),
    });
  });

  it('a consumer request: submitted by the holder, read back, routed to the supplier, answered', async () => {
    await ok(
      operation('Upload'),
      {
        supplierId,
        accounts: [
          {
            buildingId,
            premiseNumber: '12',
            accountNumber: 'C-1',
            holderName: 'Owner',
            holderIin: owner.iin,
            service: 'WATER_SUPPLY',
            openedAt: '2025-01-01',
          },
        ],
      },
      supplier.token,
    );
    const submitted = await ok(operation('SubmitRequest', values({ accountNumber: 'C-1' })), {}, owner.token);
    const { id, status, deadline } = submitted.submitConsumerRequest.request;
    expect(status).toBe('SUBMITTED');
    expect(deadline).toEqual(expect.any(String));
    const mine = await ok(operation('MyRequests'), {}, owner.token);
    expect(mine.myConsumerRequests.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([id]);
    const routed = await ok(operation('RoutedToMe', values()), {}, supplier.token);
    expect(routed.consumerRequests.edges.map((edge: { node: { id: string; accountNumber: string } }) => edge.node)).toMatchObject([
      { id, accountNumber: 'C-1', kind: 'RECALCULATION_REQUEST', overdue: false },
    ]);
    const answered = await ok(operation('Answer', { id }), {}, supplier.token);
    expect(answered.answerConsumerRequest.request.status).toBe('ANSWERED');
    const after = await ok(operation('MyRequests'), {}, owner.token);
    expect(after.myConsumerRequests.edges[0].node).toMatchObject({ status: 'ANSWERED', answer: expect.stringContaining('Перерасчёт') });
  });
});
