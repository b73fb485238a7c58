import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { ALMALY, ALMATY } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture, makeBin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

// The regulatory clock (issue 10, item 5) lists "requests past their deadline": owners'
// requests to the building's manager (p.4.7, test/integration-duties.test.ts) and consumers'
// requests to the supplier keeping the account (p.29), here. A request is a duty of its
// supplier while unanswered, due on its deadline, located at the account's building; it
// leaves the clock once answered or rejected.

const duties = `query($filter: DutyFilter) { duties(filter: $filter, first: 50) {
  edges { node { kind rulePoint objectType objectId subjectId katoCode nominalDate dueDate overdue } } } }`;
const counts = `query($filter: DutyFilter) { dutyCounts(filter: $filter, byRegion: true) { kind region { katoCode } total overdue } }`;
const submit = `mutation($input: ConsumerRequestInput!) { submitConsumerRequest(input: $input) { request { id deadline } } }`;
const answer = `mutation($id: ID!) { answerConsumerRequest(id: $id, status: ANSWERED, answer: "Сделано.") { request { status } } }`;
const routed = `query($s: ID!) { consumerRequests(supplierId: $s) { edges { node { id overdue } } } }`;
const filter = { kinds: ['CONSUMER_REQUEST_ANSWER'] };

describe('consumer requests on the regulatory clock', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let ministry: Actor;
  let supplier: Actor;
  let supplierId = '';
  let holderToken = '';
  const requests: string[] = [];

  // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other end-to-end tests
  async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<any> {
    const response = await system.query(query, variables, { token });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  }

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    const buildingId = await registerBuildingWithApartments(system, fixture, ['12']);
    const holder = await fixture.access.person();
    holderToken = (await new TokenRepository(system.db).issueSessionToken(holder.id)).token;
    supplier = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    supplierId = (
      await ok(
        `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
        { input: { subjectId: supplier.subjectId, name: 'Vodokanal', bin: makeBin(), services: ['WATER_SUPPLY'] } },
        fixture.adminToken,
      )
    ).registerSupplier.supplier.id;
    await ok(
      `mutation($s: ID!, $accounts: [PersonalAccountInput!]!) { upsertPersonalAccounts(supplierId: $s, accounts: $accounts) { created } }`,
      {
        s: supplierId,
        accounts: [
          {
            buildingId,
            premiseNumber: '12',
            accountNumber: 'W-12',
            holderName: 'Holder',
            holderIin: holder.iin,
            service: 'WATER_SUPPLY',
            openedAt: '2025-01-01',
          },
        ],
      },
      supplier.token,
    );
    for (const text of ['Нет воды.', 'Прошу перерасчёт.'])
      requests.push(
        (await ok(submit, { input: { supplierId, accountNumber: 'W-12', kind: 'RECALCULATION_REQUEST', text } }, holderToken))
          .submitConsumerRequest.request.id,
      );
    // The first one was sent long ago: its deadline, Monday 5 January 2026, has passed.
    await system.db.execute(sql`update utilities.consumer_requests set deadline = '2026-01-05' where id = ${requests[0]}`);
  });
  afterAll(async () => {
    await system?.close();
  });

  it("lists each unanswered request as its supplier's duty under p.29, due on its deadline, at the account's building", async () => {
    const nodes = (await ok(duties, { filter }, ministry.token)).duties.edges.map((edge: { node: unknown }) => edge.node);
    const [deadline] = await system.db.execute<{ deadline: string }>(
      sql`select deadline::text as deadline from utilities.consumer_requests where id = ${requests[1]}`,
    );
    expect(nodes).toEqual([
      {
        kind: 'CONSUMER_REQUEST_ANSWER',
        rulePoint: 'p.29',
        objectType: 'ConsumerRequest',
        objectId: requests[0],
        subjectId: supplier.subjectId,
        katoCode: ALMALY,
        nominalDate: '2026-01-05',
        dueDate: '2026-01-05',
        overdue: true,
      },
      expect.objectContaining({ objectId: requests[1], nominalDate: deadline?.deadline, dueDate: deadline?.deadline, overdue: false }),
    ]);
    // The clock and the request agree on what is overdue.
    const asSupplier = (await ok(routed, { s: supplierId }, supplier.token)).consumerRequests.edges.map(
      (edge: { node: { id: string; overdue: boolean } }) => [edge.node.id, edge.node.overdue],
    );
    expect(new Map(asSupplier)).toEqual(
      new Map([
        [requests[0], true],
        [requests[1], false],
      ]),
    );
    // The supplier reads its own duties; the region counts them.
    const own = (await ok(duties, { filter }, supplier.token)).duties.edges;
    expect(own.map((edge: { node: { objectId: string } }) => edge.node.objectId)).toEqual(requests);
    const counted = (await ok(counts, { filter }, ministry.token)).dutyCounts;
    expect(counted).toEqual([{ kind: 'CONSUMER_REQUEST_ANSWER', region: { katoCode: ALMATY }, total: 2, overdue: 1 }]);
  });

  it('leaves the clock once answered', async () => {
    await ok(answer, { id: requests[0] }, supplier.token);
    const nodes = (await ok(duties, { filter }, ministry.token)).duties.edges;
    expect(nodes.map((edge: { node: { objectId: string } }) => edge.node.objectId)).toEqual([requests[1]]);
  });
});
