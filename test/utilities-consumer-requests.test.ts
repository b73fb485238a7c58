import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { addCalendarDays, almatyDate } from '../lib/working-calendar.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { buildingInput } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { callerHeaders } from './support/signed-request.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';
import { insertBuildingsWithApartments } from './support/utilities-fixtures.js';

// Consumer requests (p.29) and outages. A consumer (the account's holder, or an owner of its
// premise as the register knows them by IIN) submits a request about an account; it reaches the
// supplier keeping the account, which answers it; nobody else reads it. Outages are published
// by the supplier and read by anyone, residents of the buildings affected included.

const submit = `mutation($input: ConsumerRequestInput!) { submitConsumerRequest(input: $input) {
  request { id kind status accountNumber service deadline overdue answer supplier { id } } receipt { operation } } }`;
const answer = `mutation($id: ID!, $status: ConsumerRequestStatus!, $answer: String) {
  answerConsumerRequest(id: $id, status: $status, answer: $answer) { request { id status answer answeredAt version } } }`;
const mine = `{ myConsumerRequests { edges { node { id accountNumber text status answer } } } }`;
const routed = `query($supplierId: ID!, $status: ConsumerRequestStatus) {
  consumerRequests(supplierId: $supplierId, status: $status) { edges { node { id accountNumber kind text } } } }`;
const publish = `mutation($supplierId: ID!, $input: OutageInput!) { publishOutage(supplierId: $supplierId, input: $input) {
  outage { id kind service version buildings { id } } receipt { operation } } }`;
const updateOutage = `mutation($id: ID!, $input: OutageInput!, $expectedVersion: Int) {
  updateOutage(id: $id, input: $input, expectedVersion: $expectedVersion) { outage { id endsAt version } } }`;

describe('consumer requests and outages', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplierA: Actor;
  let supplierB: Actor;
  let buildingId = '';
  let premise12 = '';
  const tokens = { owner: '', holder: '', stranger: '' };
  const supplierIds: Record<'A' | 'B', string> = { A: '', B: '' };
  let requestId = '';
  let outageId = '';

  async function personWithToken(): Promise<{ iin: string; token: string }> {
    const person = await fixture.access.person();
    return { iin: person.iin, token: (await new TokenRepository(system.db).issueSessionToken(person.id)).token };
  }

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    const owner = await personWithToken();
    const holder = await personWithToken();
    tokens.owner = owner.token;
    tokens.holder = holder.token;
    tokens.stranger = (await personWithToken()).token;

    const ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain, AccessFunction.PremisesMaintain]);
    const registered = await system.query(
      `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
      { input: buildingInput() },
      { token: ministry.token },
    );
    buildingId = registered.data?.registerBuilding.building.id;
    const added = await system.query(
      `mutation($id: ID!, $premises: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $premises) { premises { id number } } }`,
      {
        id: buildingId,
        premises: [
          { kind: 'APARTMENT', number: '12', owners: [{ kind: 'PERSON', identificationNumber: owner.iin, name: 'Owner Person' }] },
          { kind: 'APARTMENT', number: '13' },
        ],
      },
      { token: ministry.token },
    );
    expect(added.errors).toBeUndefined();
    premise12 = added.data?.addPremises.premises.find((p: { number: string }) => p.number === '12').id;

    const functions = [AccessFunction.PersonalAccountsMaintain, AccessFunction.SupplierRegisterMaintain];
    supplierA = await fixture.machine('UTILITY_SUPPLIER', functions);
    supplierB = await fixture.person('UTILITY_SUPPLIER', functions);
    for (const [key, actor] of [
      ['A', supplierA],
      ['B', supplierB],
    ] as const) {
      const supplier = await system.query(
        `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
        { input: { subjectId: actor.subjectId, name: `Supplier ${key}`, bin: makeBin(), services: ['WATER_SUPPLY'] } },
        { token: fixture.adminToken },
      );
      supplierIds[key] = supplier.data?.registerSupplier.supplier.id;
    }
    const account = (accountNumber: string, premiseNumber: string, holderIin: string) => ({
      buildingId,
      premiseNumber,
      accountNumber,
      holderName: 'Holder Person',
      holderIin,
      service: 'WATER_SUPPLY',
      openedAt: '2024-01-01',
    });
    const upsert = `mutation($id: ID!, $accounts: [PersonalAccountInput!]!) { upsertPersonalAccounts(supplierId: $id, accounts: $accounts) { created } }`;
    const a = await system.query(
      upsert,
      { id: supplierIds.A, accounts: [account('W-1', '12', makeIin()), account('W-2', '13', holder.iin)] },
      { token: supplierA.token },
    );
    expect(a.data?.upsertPersonalAccounts.created).toBe(2);
    const b = await system.query(upsert, { id: supplierIds.B, accounts: [account('B-1', '12', makeIin())] }, { token: supplierB.token });
    expect(b.data?.upsertPersonalAccounts.created).toBe(1);
  });
  afterAll(async () => {
    await system?.close();
  });

  it('routes an owner’s request to the supplier keeping the account, due in 15 working days', async () => {
    const response = await system.query(
      submit,
      {
        input: {
          supplierId: supplierIds.A,
          accountNumber: 'W-1',
          kind: 'RECALCULATION_REQUEST',
          text: 'Не было воды 5 дней, прошу перерасчёт.',
        },
      },
      { token: tokens.owner },
    );
    expect(response.errors).toBeUndefined();
    const request = response.data?.submitConsumerRequest.request;
    expect(request).toMatchObject({
      kind: 'RECALCULATION_REQUEST',
      status: 'SUBMITTED',
      accountNumber: 'W-1',
      service: 'WATER_SUPPLY',
      overdue: false,
      answer: null,
      supplier: { id: supplierIds.A },
    });
    expect(response.data?.submitConsumerRequest.receipt).toEqual({ operation: 'utilities.submitConsumerRequest' });
    // 15 working days: three weeks at least, more when holidays fall in them.
    const today = almatyDate(new Date());
    expect(request.deadline >= addCalendarDays(today, 19)).toBe(true);
    expect(request.deadline <= addCalendarDays(today, 35)).toBe(true);
    requestId = request.id;

    const holder = await system.query(
      submit,
      { input: { supplierId: supplierIds.A, accountNumber: 'W-2', kind: 'COMPLAINT', text: 'Низкое давление.' } },
      { token: tokens.holder },
    );
    expect(holder.errors).toBeUndefined();
  });

  it('refuses a request from anyone but a consumer of the account, about an account not kept, or empty; nothing written', async () => {
    const input = { supplierId: supplierIds.A, accountNumber: 'W-1', kind: 'COMPLAINT', text: 'Жалоба.' };
    const stranger = await system.query(submit, { input }, { token: tokens.stranger });
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The holder of W-2 owns nothing: W-1 is not theirs.
    const otherAccount = await system.query(submit, { input }, { token: tokens.holder });
    expect(otherAccount.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const missing = await system.query(submit, { input: { ...input, accountNumber: 'NO-SUCH' } }, { token: tokens.owner });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.accountNumber' });
    const empty = await system.query(submit, { input: { ...input, text: '  ' } }, { token: tokens.owner });
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.text' });
    const machine = await system.query(submit, { input }, { token: supplierA.token });
    expect(machine.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await system.query(submit, { input });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const routedToA = await system.query(routed, { supplierId: supplierIds.A }, { token: supplierA.token });
    expect(routedToA.data?.consumerRequests.edges).toHaveLength(2);
  });

  it('shows a request to its submitter and the supplier keeping the account, and to nobody else', async () => {
    const own = await system.query(mine, {}, { token: tokens.owner });
    expect(own.errors).toBeUndefined();
    expect(own.data?.myConsumerRequests.edges.map((edge: any) => edge.node.accountNumber)).toEqual(['W-1']);
    const strangers = await system.query(mine, {}, { token: tokens.stranger });
    expect(strangers.data?.myConsumerRequests.edges).toEqual([]);

    const forA = await system.query(routed, { supplierId: supplierIds.A, status: 'SUBMITTED' }, { token: supplierA.token });
    expect(forA.data?.consumerRequests.edges.map((edge: any) => edge.node.accountNumber).sort()).toEqual(['W-1', 'W-2']);
    const bAskingA = await system.query(routed, { supplierId: supplierIds.A }, { token: supplierB.token });
    expect(bAskingA.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(bAskingA.data).toBeNull();
    const forB = await system.query(routed, { supplierId: supplierIds.B }, { token: supplierB.token });
    expect(forB.data?.consumerRequests.edges).toEqual([]);

    const byId = `query($id: ID!) { consumerRequest(id: $id) { id text } }`;
    for (const token of [supplierB.token, tokens.stranger, tokens.holder]) {
      const response = await system.query(byId, { id: requestId }, { token });
      expect(response.errors).toBeUndefined();
      expect(response.data?.consumerRequest).toBeNull();
    }
    expect((await system.query(byId, { id: requestId }, { token: tokens.owner })).data?.consumerRequest?.id).toBe(requestId);
    expect((await system.query(byId, { id: requestId }, { token: supplierA.token })).data?.consumerRequest?.id).toBe(requestId);
    expect((await system.query(byId, { id: requestId })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets only the supplier keeping the account answer, once and finally', async () => {
    const foreign = await system.query(answer, { id: requestId, status: 'ANSWERED', answer: 'Готово.' }, { token: supplierB.token });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byOwner = await system.query(answer, { id: requestId, status: 'ANSWERED', answer: 'Сам себе.' }, { token: tokens.owner });
    expect(byOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const missing = await system.query(answer, { id: randomUUID(), status: 'IN_PROGRESS' }, { token: supplierA.token });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });

    const taken = await system.query(answer, { id: requestId, status: 'IN_PROGRESS' }, { token: supplierA.token });
    expect(taken.data?.answerConsumerRequest.request).toMatchObject({ status: 'IN_PROGRESS', answer: null, answeredAt: null, version: 2 });
    const bare = await system.query(answer, { id: requestId, status: 'ANSWERED' }, { token: supplierA.token });
    expect(bare.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'answer' });
    const answered = await system.query(
      answer,
      { id: requestId, status: 'ANSWERED', answer: 'Перерасчёт за 5 дней сделан в счёте за июль.' },
      { token: supplierA.token },
    );
    expect(answered.errors).toBeUndefined();
    expect(answered.data?.answerConsumerRequest.request).toMatchObject({ status: 'ANSWERED', version: 3 });
    expect(Date.parse(answered.data?.answerConsumerRequest.request.answeredAt)).not.toBeNaN();
    const again = await system.query(answer, { id: requestId, status: 'REJECTED', answer: 'Нет.' }, { token: supplierA.token });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const own = await system.query(mine, {}, { token: tokens.owner });
    expect(own.data?.myConsumerRequests.edges[0].node).toMatchObject({
      status: 'ANSWERED',
      answer: 'Перерасчёт за 5 дней сделан в счёте за июль.',
    });
  });

  it('resolves ConsumerRequest entities only for the submitter and the supplier', async () => {
    const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ConsumerRequest { id status } } }`;
    const as = async (caller: unknown) =>
      postGraphQL(
        system.subgraphUrls.utilities,
        entities,
        { representations: [{ __typename: 'ConsumerRequest', id: requestId }] },
        callerHeaders(caller as never, system.gatewaySecret),
      );
    expect((await as(await supplierA.caller())).data?._entities).toEqual([{ id: requestId, status: 'ANSWERED' }]);
    expect((await as(await supplierB.caller())).data?._entities).toEqual([null]);
    const anonymous = await as({ kind: 'anonymous' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data?._entities ?? null).toBeNull();
  });

  describe('outages', () => {
    const planned = (overrides: Record<string, unknown> = {}) => ({
      service: 'WATER_SUPPLY',
      kind: 'PLANNED',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      message: 'Плановое отключение холодной воды: замена задвижки.',
      buildingIds: [buildingId],
      ...overrides,
    });

    it('publishes an outage that the public and the residents of the buildings read', async () => {
      const published = await system.query(publish, { supplierId: supplierIds.A, input: planned() }, { token: supplierA.token });
      expect(published.errors).toBeUndefined();
      expect(published.data?.publishOutage).toMatchObject({
        outage: { kind: 'PLANNED', service: 'WATER_SUPPLY', version: 1, buildings: [{ id: buildingId }] },
        receipt: { operation: 'utilities.publishOutage' },
      });
      outageId = published.data?.publishOutage.outage.id;

      const open = await system.query(
        `query($id: ID!, $b: ID) { building(id: $id) { outages { id message supplier { name } } premises { number outages { id } } }
          outages(filter: { buildingId: $b }) { edges { node { id } } }
          region(katoCode: "750000000") { outages { id } } }`,
        { id: buildingId, b: buildingId },
      );
      expect(open.errors).toBeUndefined();
      expect(open.data?.building.outages).toEqual([{ id: outageId, message: planned().message, supplier: { name: 'Supplier A' } }]);
      expect(open.data?.building.premises.map((premise: any) => premise.outages)).toEqual([[{ id: outageId }], [{ id: outageId }]]);
      expect(open.data?.outages.edges).toEqual([{ node: { id: outageId } }]);
      expect(open.data?.region.outages).toEqual([{ id: outageId }]);
      // The open part carries no person: no holder names or IINs anywhere in it.
      expect(JSON.stringify(open.data)).not.toMatch(/Holder Person|Owner Person|\d{12}/);
    });

    it("keeps a supplier from publishing or changing another supplier's outages, and refuses invalid ones naming the field", async () => {
      const foreign = await system.query(publish, { supplierId: supplierIds.A, input: planned() }, { token: supplierB.token });
      expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const foreignChange = await system.query(
        updateOutage,
        { id: outageId, input: planned({ message: 'Чужое.' }) },
        { token: supplierB.token },
      );
      expect(foreignChange.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await system.query(publish, { supplierId: supplierIds.A, input: planned() });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const invalid = await system.query(
        publish,
        { supplierId: supplierIds.A, input: planned({ service: 'GAS', endsAt: null, buildingIds: [randomUUID()] }) },
        { token: supplierA.token },
      );
      expect(invalid.errors?.[0]?.extensions?.problems.map((problem: { field: string }) => problem.field).sort()).toEqual([
        'input.buildingIds[0]',
        'input.endsAt',
        'input.service',
      ]);
      const emergency = await system.query(
        publish,
        { supplierId: supplierIds.A, input: planned({ kind: 'EMERGENCY', endsAt: null, startsAt: new Date().toISOString() }) },
        { token: supplierA.token },
      );
      expect(emergency.errors).toBeUndefined();
      const all = await system.query(`query($id: ID) { outages(filter: { supplierId: $id }) { edges { node { id } } } }`, {
        id: supplierIds.A,
      });
      expect(all.data?.outages.edges).toHaveLength(2);
    });

    it('lets the supplier end an outage, after which buildings no longer list it', async () => {
      const ended = await system.query(
        updateOutage,
        {
          id: outageId,
          input: planned({
            startsAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
            endsAt: new Date(Date.now() - 86_400_000).toISOString(),
          }),
          expectedVersion: 1,
        },
        { token: supplierA.token },
      );
      expect(ended.errors).toBeUndefined();
      expect(ended.data?.updateOutage.outage.version).toBe(2);
      const stale = await system.query(updateOutage, { id: outageId, input: planned(), expectedVersion: 1 }, { token: supplierA.token });
      expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion' });
      const building = await system.query(`query($id: ID!) { building(id: $id) { outages { id kind } } }`, { id: buildingId });
      expect(building.data?.building.outages.map((outage: { kind: string }) => outage.kind)).toEqual(['EMERGENCY']);
    });

    it('serves Outage entities to anyone', async () => {
      const response = await postGraphQL(
        system.subgraphUrls.utilities,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Outage { id service buildings { id } } } }`,
        {
          r: [
            { __typename: 'Outage', id: outageId },
            { __typename: 'Outage', id: randomUUID() },
          ],
        },
        callerHeaders({ kind: 'anonymous' }, system.gatewaySecret),
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?._entities).toEqual([{ id: outageId, service: 'WATER_SUPPLY', buildings: [{ id: buildingId }] }, null]);
    });

    it('lists the first 50 buildings of an outage, or as many as asked up to 500, ordered by id', async () => {
      // The register's rows written straight: sixty buildings through the gateway would be slow.
      const ids = await insertBuildingsWithApartments(system.db, 60, 0);
      const input = planned({ buildingIds: ids });
      const published = await system.query(
        `mutation($supplierId: ID!, $input: OutageInput!) { publishOutage(supplierId: $supplierId, input: $input) {
          outage { id buildings { id } two: buildings(first: 2) { id } all: buildings(first: 500) { id } } } }`,
        { supplierId: supplierIds.A, input },
        { token: supplierA.token },
      );
      expect(published.errors).toBeUndefined();
      const sorted = ids.map((id) => id.toLowerCase()).sort();
      const ofOutage = (list: Array<{ id: string }>) => list.map((building) => building.id);
      const { outage } = published.data?.publishOutage ?? {};
      expect(ofOutage(outage.buildings)).toEqual(sorted.slice(0, 50));
      expect(ofOutage(outage.two)).toEqual(sorted.slice(0, 2));
      expect(ofOutage(outage.all)).toEqual(sorted);

      // The same through a territory's list, whose outages come whole from one statement.
      const region = await system.query(`{ region(katoCode: "750000000") { outages { id startsAt buildings(first: 3) { id } } } }`);
      expect(region.errors).toBeUndefined();
      const listed = region.data?.region.outages.find((candidate: { id: string }) => candidate.id === outage.id);
      expect(new Date(listed.startsAt).getTime()).toBe(new Date(input.startsAt as string).getTime());
      expect(ofOutage(listed.buildings)).toEqual(sorted.slice(0, 3));

      const tooMany = await system.query(`query($id: ID!) { building(id: $id) { outages { buildings(first: 501) { id } } } }`, {
        id: ids[0],
      });
      expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      expect(tooMany.errors?.[0]?.message).toMatch(/at most 500 buildings of an outage/);
    });
  });

  it("gives a Premise its accounts within the caller's scope only", async () => {
    const query = `query($id: ID!) { building(id: $id) { premises { number personalAccounts { accountNumber } } } }`;
    const a = await system.query(query, { id: buildingId }, { token: supplierA.token });
    expect(a.errors).toBeUndefined();
    expect(a.data?.building.premises).toEqual([
      { number: '12', personalAccounts: [{ accountNumber: 'W-1' }] },
      { number: '13', personalAccounts: [{ accountNumber: 'W-2' }] },
    ]);
    const b = await system.query(query, { id: buildingId }, { token: supplierB.token });
    expect(b.data?.building.premises[0].personalAccounts).toEqual([{ accountNumber: 'B-1' }]);
    const premise = await postGraphQL(
      system.subgraphUrls.utilities,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Premise { id personalAccounts { accountNumber } } } }`,
      { r: [{ __typename: 'Premise', id: premise12 }] },
      callerHeaders(await supplierB.caller(), system.gatewaySecret),
    );
    expect(premise.data?._entities).toEqual([{ id: premise12, personalAccounts: [{ accountNumber: 'B-1' }] }]);

    // Without a token, or without PERSONAL_ACCOUNTS_MAINTAIN, the premise is there but its accounts are refused.
    const tariffsOnly = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.TariffsMaintain]);
    for (const [caller, code] of [
      [{ kind: 'anonymous' as const }, 'UNAUTHENTICATED'],
      [await tariffsOnly.caller(), 'FORBIDDEN'],
    ] as const) {
      const refused = await postGraphQL(
        system.subgraphUrls.utilities,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Premise { id personalAccounts { accountNumber } } } }`,
        { r: [{ __typename: 'Premise', id: premise12 }] },
        callerHeaders(caller, system.gatewaySecret),
      );
      expect(refused.data?._entities).toEqual([{ id: premise12, personalAccounts: null }]);
      expect(refused.errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([
        ['_entities.0.personalAccounts', code],
      ]);
    }
  });
});
