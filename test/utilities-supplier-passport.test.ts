import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { type Actor, AuthFixture, makeBin } from './support/caller-fixtures.js';
import { callerHeaders } from './support/signed-request.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

// The supplier passport (p.4.9–10): kept by the supplier itself (its own only) and by the
// Administrator, read by anyone in the open part, naming no person.

const update = `mutation($supplierId: ID!, $input: SupplierPassportInput!, $expectedVersion: Int) {
  updateSupplierPassport(supplierId: $supplierId, input: $input, expectedVersion: $expectedVersion) {
    supplier { id version naturalMonopoly services } receipt { operation } } }`;
const read = `query($id: ID!) { supplier(id: $id) {
  id name services naturalMonopoly version passportUpdatedAt
  territories { katoCode nameRu }
  buildingsServed { id cadastralNumber }
  licences { number activity issuedBy issuedOn validUntil }
  contacts { legalAddress phone email website }
  bankDetails { bankName bic iban beneficiaryCode } } }`;

/** A valid Kazakh IBAN (check digits 64 hold for this account). */
const IBAN = 'KZ64722S000001234567';

function passport(buildingIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    services: ['HEAT'],
    naturalMonopoly: true,
    territoryKatos: ['750000000'],
    buildingIds,
    licences: [
      {
        number: '02345П',
        activity: 'Производство, передача и распределение тепловой энергии',
        issuedBy: 'КРЕМ МНЭ РК',
        issuedOn: '2015-03-01',
      },
    ],
    contacts: {
      legalAddress: 'г. Алматы, ул. Толе би, 159',
      phone: '+7 727 341 07 77',
      email: 'office@heat.example',
      website: 'https://heat.example',
    },
    bankDetails: { bankName: 'АО «Kaspi Bank»', bic: 'CASPKZKA', iban: IBAN, beneficiaryCode: '17' },
    ...overrides,
  };
}

describe('supplier passport', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplierA: Actor;
  let supplierB: Actor;
  let accountsOnlyA: Actor;
  let buildingId = '';
  const supplierIds: Record<'A' | 'B', string> = { A: '', B: '' };

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    buildingId = await registerBuildingWithApartments(system, fixture, []);
    supplierA = await fixture.machine('NATURAL_MONOPOLY', [AccessFunction.SupplierRegisterMaintain]);
    supplierB = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.SupplierRegisterMaintain]);
    accountsOnlyA = await fixture.person('NATURAL_MONOPOLY', [AccessFunction.PersonalAccountsMaintain], { subjectId: supplierA.subjectId });
    for (const [key, actor] of [
      ['A', supplierA],
      ['B', supplierB],
    ] as const) {
      const registered = await system.query(
        `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id version } } }`,
        { input: { subjectId: actor.subjectId, name: `Supplier ${key}`, bin: makeBin(), services: ['WATER_SUPPLY'] } },
        { token: fixture.adminToken },
      );
      expect(registered.errors).toBeUndefined();
      expect(registered.data?.registerSupplier.supplier.version).toBe(1);
      supplierIds[key] = registered.data?.registerSupplier.supplier.id;
    }
  });
  afterAll(async () => {
    await system?.close();
  });

  it('lets the supplier keep its own passport, which anyone then reads in full', async () => {
    const written = await system.query(
      update,
      { supplierId: supplierIds.A, input: passport([buildingId]), expectedVersion: 1 },
      { token: supplierA.token },
    );
    expect(written.errors).toBeUndefined();
    expect(written.data?.updateSupplierPassport).toEqual({
      supplier: { id: supplierIds.A, version: 2, naturalMonopoly: true, services: ['HEAT'] },
      receipt: { operation: 'utilities.updateSupplierPassport' },
    });

    const open = await system.query(read, { id: supplierIds.A });
    expect(open.errors).toBeUndefined();
    const supplier = open.data?.supplier;
    expect(supplier).toMatchObject({
      services: ['HEAT'],
      naturalMonopoly: true,
      version: 2,
      territories: [{ katoCode: '750000000', nameRu: expect.stringContaining('Алматы') }],
      buildingsServed: [{ id: buildingId, cadastralNumber: expect.any(String) }],
      licences: [{ number: '02345П', issuedOn: '2015-03-01', validUntil: null }],
      contacts: { phone: '+7 727 341 07 77', website: 'https://heat.example' },
      bankDetails: { bic: 'CASPKZKA', iban: IBAN, beneficiaryCode: '17' },
    });
    expect(Date.parse(supplier.passportUpdatedAt)).not.toBeNaN();
  });

  it("refuses another supplier's passport, a caller without the function, and anonymous callers, changing nothing", async () => {
    const before = await system.query(read, { id: supplierIds.B });
    const other = await system.query(update, { supplierId: supplierIds.B, input: passport([]) }, { token: supplierA.token });
    expect(other.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: expect.stringContaining('SUPPLIER_REGISTER_MAINTAIN'),
    });
    expect(other.data).toBeNull();
    const withoutFunction = await system.query(update, { supplierId: supplierIds.A, input: passport([]) }, { token: accountsOnlyA.token });
    expect(withoutFunction.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await system.query(update, { supplierId: supplierIds.B, input: passport([]) });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const missing = await system.query(update, { supplierId: randomUUID(), input: passport([]) }, { token: supplierA.token });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await system.query(read, { id: supplierIds.B })).data).toEqual(before.data);
  });

  it('lets the Administrator keep any passport', async () => {
    const written = await system.query(
      update,
      { supplierId: supplierIds.B, input: passport([], { services: ['WASTE_REMOVAL'], naturalMonopoly: false, bankDetails: null }) },
      { token: fixture.adminToken },
    );
    expect(written.errors).toBeUndefined();
    expect(written.data?.updateSupplierPassport.supplier).toMatchObject({
      version: 2,
      services: ['WASTE_REMOVAL'],
      naturalMonopoly: false,
    });
    const open = await system.query(read, { id: supplierIds.B });
    expect(open.data?.supplier).toMatchObject({ bankDetails: null, buildingsServed: [] });
  });

  it('refuses an invalid passport naming every field, and a stale version, writing nothing', async () => {
    const before = await system.query(read, { id: supplierIds.A });
    const invalid = await system.query(
      update,
      {
        supplierId: supplierIds.A,
        input: passport([randomUUID()], {
          services: [],
          territoryKatos: ['7500'],
          bankDetails: { bankName: 'Bank', bic: 'CASPKZKA', iban: 'KZ00722S000001234567', beneficiaryCode: '1' },
          licences: [{ number: '1', activity: 'x', issuedBy: 'y', issuedOn: '2020-01-02', validUntil: '2020-01-01' }],
        }),
      },
      { token: supplierA.token },
    );
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(invalid.errors?.[0]?.extensions?.problems.map((problem: { field: string }) => problem.field).sort()).toEqual(
      [
        'input.bankDetails.beneficiaryCode',
        'input.bankDetails.iban',
        'input.licences[0].validUntil',
        'input.services',
        'input.territoryKatos[0]',
      ].sort(),
    );
    // A building the register lacks is found once the passport is otherwise valid.
    const unknownBuilding = await system.query(
      update,
      { supplierId: supplierIds.A, input: passport([buildingId, randomUUID()]) },
      { token: supplierA.token },
    );
    expect(unknownBuilding.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.buildingIds[1]' });
    const stale = await system.query(
      update,
      { supplierId: supplierIds.A, input: passport([]), expectedVersion: 1 },
      { token: supplierA.token },
    );
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion' });
    expect((await system.query(read, { id: supplierIds.A })).data).toEqual(before.data);
  });

  it('serves Supplier and Region entities to anyone, passport included', async () => {
    const response = await postGraphQL(
      system.subgraphUrls.utilities,
      `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Supplier { id naturalMonopoly licences { number } bankDetails { iban } }
        ... on Region { katoCode } } }`,
      {
        representations: [
          { __typename: 'Supplier', id: supplierIds.A },
          { __typename: 'Supplier', id: randomUUID() },
          { __typename: 'Region', katoCode: '750000000' },
        ],
      },
      callerHeaders({ kind: 'anonymous' }, system.gatewaySecret),
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([
      { id: supplierIds.A, naturalMonopoly: true, licences: [{ number: '02345П' }], bankDetails: { iban: IBAN } },
      null,
      { katoCode: '750000000' },
    ]);
  });
});
