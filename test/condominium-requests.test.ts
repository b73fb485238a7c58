import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, almatyDate } from '../lib/working-calendar.js';
import { callerForToken } from '../subgraphs/access/caller-resolution.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { type CondominiumWorld, condominiumWorld, uploadDocument } from './support/condominium-fixtures.js';
import { callerHeaders } from './support/signed-request.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

// Owners' requests to their building's manager (p.4.7): filed by owners, moved by the
// manager through their statuses, reopened and rated by their requester only, watched
// overdue per building and per territory; their personal data never reaches the public.

const REQUEST = 'id status dueOn overdue rating filedByMe version description premise { id } category { code defaultDeadlineDays }';
const SUBMIT = `mutation($input: SubmitOwnerRequestInput!) { submitOwnerRequest(input: $input) { request { ${REQUEST} } receipt { operation } } }`;
const MOVE = `mutation($input: ChangeOwnerRequestStatusInput!) { changeOwnerRequestStatus(input: $input) { request { id status version rejectionReason } } }`;
const REOPEN = `mutation($input: ReopenOwnerRequestInput!) { reopenOwnerRequest(input: $input) { request { id status rating dueOn history { status reason } } } }`;
const RATE = `mutation($input: RateOwnerRequestInput!) { rateOwnerRequest(input: $input) { request { id status rating ratingComment } } }`;
const BUILDING_REQUESTS = `query($id: ID!, $overdue: Boolean, $first: Int, $after: String) { building(id: $id) {
  ownerRequests(overdue: $overdue, first: $first, after: $after) { edges { node { id status overdue } } pageInfo { hasNextPage endCursor } } } }`;
const OVERDUE = `query($kato: String!, $first: Int, $after: String) { overdueOwnerRequests(katoCode: $kato, first: $first, after: $after) {
  edges { node { id dueOn overdue building { id } } } pageInfo { hasNextPage endCursor } } }`;

describe('owners’ requests', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let world: CondominiumWorld;
  const today = almatyDate(new Date());

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    world = await condominiumWorld(system, fixture);
  });
  afterAll(async () => {
    await system?.close();
  });

  /** What a refused change must leave as it was. */
  async function footprint() {
    const [row] = await system.db.execute<Record<string, number>>(sql`
      select (select count(*) from condominium.owner_requests)::int as requests,
             (select coalesce(sum(version), 0) from condominium.owner_requests)::int as versions,
             (select count(*) from condominium.owner_request_events)::int as events,
             (select count(*) from platform.receipts where operation like 'condominium.%Request%')::int as receipts`);
    return row;
  }

  async function file(token: string, input: Record<string, unknown> = {}) {
    const response = await system.query(
      SUBMIT,
      { input: { buildingId: world.buildingId, categoryCode: 'LIFT', description: 'The lift stops between floors 4 and 5.', ...input } },
      { token },
    );
    expect(response.errors).toBeUndefined();
    return response.data?.submitOwnerRequest.request;
  }

  async function move(token: string, requestId: string, status: string, extra: Record<string, unknown> = {}) {
    return system.query(MOVE, { input: { requestId, status, ...extra } }, { token });
  }

  it('serves the categories and their default deadlines to anyone, as data', async () => {
    const response = await system.query(`{ requestCategories { code nameKk nameRu defaultDeadlineDays } }`);
    expect(response.errors).toBeUndefined();
    const byCode = Object.fromEntries(response.data?.requestCategories.map((c: any) => [c.code, c.defaultDeadlineDays]));
    expect(byCode).toMatchObject({ EMERGENCY: 1, LIFT: 2, HEATING: 3, ROOF_AND_FACADE: 14, COMMON_PROPERTY_REPAIR: 30 });
    // Data, not code: a changed deadline is what the next request gets.
    await system.db.execute(sql`update condominium.request_categories set default_deadline_days = 4 where code = 'CLEANING'`);
    const request = await file(world.owner.token, { categoryCode: 'CLEANING', description: 'The stairwell is not cleaned.' });
    expect(request).toMatchObject({
      status: 'SUBMITTED',
      dueOn: addCalendarDays(today, 4),
      category: { code: 'CLEANING', defaultDeadlineDays: 4 },
    });
  });

  it('lets an owner file a request about their building, due the category’s default deadline from today', async () => {
    const response = await system.query(
      SUBMIT,
      {
        input: {
          buildingId: world.buildingId,
          categoryCode: 'LIFT',
          description: 'The lift stops between floors 4 and 5.',
          premiseId: world.owner.premiseId,
          contactPhone: '+7 701 123 45 67',
        },
      },
      { token: world.owner.token },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.submitOwnerRequest).toMatchObject({
      request: {
        status: 'SUBMITTED',
        dueOn: addCalendarDays(today, 2),
        overdue: false,
        filedByMe: true,
        premise: { id: world.owner.premiseId },
      },
      receipt: { operation: 'condominium.submitOwnerRequest' },
    });
  });

  it('refuses anyone but an owner of premises in the building, and bad input, writing nothing', async () => {
    const before = await footprint();
    const input = { buildingId: world.buildingId, categoryCode: 'LIFT', description: 'x' };
    expect((await system.query(SUBMIT, { input })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const token of [world.stranger.token, world.manager.token, world.almatyAkimat.token]) {
      expect((await system.query(SUBMIT, { input }, { token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const bad = await system.query(
      SUBMIT,
      { input: { ...input, categoryCode: 'PIANO_TUNING', description: '   ', premiseId: world.neighbour.premiseId, contactPhone: '12' } },
      { token: world.owner.token },
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.problems.map((p: any) => p.field).sort()).toEqual([
      'input.categoryCode',
      'input.contactPhone',
      'input.description',
      'input.premiseId',
    ]);
    const malformed = await system.query(SUBMIT, { input: { ...input, buildingId: 'nope' } }, { token: world.owner.token });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.buildingId' });
    expect(await footprint()).toEqual(before);
  });

  it('takes a request through its statuses, refusing every illegal move and writing nothing for it', async () => {
    const request = await file(world.owner.token);
    const refused = async (response: Awaited<ReturnType<typeof move>>, code: string, field?: string) => {
      expect(response.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
      expect(response.data).toBeNull();
    };
    const before = await footprint();
    await refused(await move(world.manager.token, request.id, 'DONE'), 'CONFLICT', 'input.status');
    await refused(await move(world.manager.token, request.id, 'IN_PROGRESS'), 'CONFLICT', 'input.status');
    await refused(await move(world.manager.token, request.id, 'REOPENED'), 'BAD_USER_INPUT', 'input.status');
    await refused(await move(world.manager.token, request.id, 'REJECTED'), 'BAD_USER_INPUT', 'input.reason');
    await refused(await move(world.manager.token, request.id, 'ACCEPTED', { expectedVersion: 7 }), 'CONFLICT', 'input.expectedVersion');
    await refused(await move(world.otherManager.token, request.id, 'ACCEPTED'), 'FORBIDDEN');
    await refused(await move(world.owner.token, request.id, 'ACCEPTED'), 'FORBIDDEN');
    await refused(await move(world.manager.token, randomUUID(), 'ACCEPTED'), 'NOT_FOUND', 'input.requestId');
    await refused(await system.query(RATE, { input: { requestId: request.id, rating: 5 } }, { token: world.owner.token }), 'CONFLICT');
    await refused(await system.query(REOPEN, { input: { requestId: request.id, reason: 'x' } }, { token: world.owner.token }), 'CONFLICT');
    expect(await footprint()).toEqual(before);

    for (const status of ['ACCEPTED', 'IN_PROGRESS', 'DONE']) {
      const moved = await move(world.manager.token, request.id, status);
      expect(moved.errors).toBeUndefined();
      expect(moved.data?.changeOwnerRequestStatus.request.status).toBe(status);
    }
    // Rated only by its requester, only once.
    const afterDone = await footprint();
    await refused(await system.query(RATE, { input: { requestId: request.id, rating: 5 } }, { token: world.neighbour.token }), 'FORBIDDEN');
    await refused(await system.query(RATE, { input: { requestId: request.id, rating: 5 } }, { token: world.manager.token }), 'FORBIDDEN');
    await refused(
      await system.query(RATE, { input: { requestId: request.id, rating: 6 } }, { token: world.owner.token }),
      'BAD_USER_INPUT',
      'input.rating',
    );
    expect(await footprint()).toEqual(afterDone);
    const rated = await system.query(
      RATE,
      { input: { requestId: request.id, rating: 4, comment: 'Fixed in a day.' } },
      { token: world.owner.token },
    );
    expect(rated.errors).toBeUndefined();
    expect(rated.data?.rateOwnerRequest.request).toMatchObject({ status: 'DONE', rating: 4, ratingComment: 'Fixed in a day.' });
    await refused(await system.query(RATE, { input: { requestId: request.id, rating: 1 } }, { token: world.owner.token }), 'CONFLICT');

    // Reopened by the requester only: due again from today, the rating cleared.
    await refused(
      await system.query(REOPEN, { input: { requestId: request.id, reason: 'Stuck again.' } }, { token: world.manager.token }),
      'FORBIDDEN',
    );
    const reopened = await system.query(REOPEN, { input: { requestId: request.id, reason: 'Stuck again.' } }, { token: world.owner.token });
    expect(reopened.errors).toBeUndefined();
    expect(reopened.data?.reopenOwnerRequest.request).toMatchObject({ status: 'REOPENED', rating: null, dueOn: addCalendarDays(today, 2) });
    expect(reopened.data?.reopenOwnerRequest.request.history).toEqual([
      { status: 'SUBMITTED', reason: null },
      { status: 'ACCEPTED', reason: null },
      { status: 'IN_PROGRESS', reason: null },
      { status: 'DONE', reason: null },
      { status: 'REOPENED', reason: 'Stuck again.' },
    ]);
    const rejected = await move(world.manager.token, request.id, 'REJECTED', { reason: 'The lift is the supplier’s: call 109.' });
    expect(rejected.data?.changeOwnerRequestStatus.request).toMatchObject({
      status: 'REJECTED',
      rejectionReason: 'The lift is the supplier’s: call 109.',
    });
  });

  it('shows an owner only their own requests, the manager all of the building’s, the public nothing', async () => {
    const mine = await file(world.owner.token, { description: 'Mine.' });
    const theirs = await file(world.neighbour.token, { description: 'Theirs.' });
    const ids = async (token?: string) => {
      const response = await system.query(BUILDING_REQUESTS, { id: world.buildingId, first: 100 }, token ? { token } : {});
      return { errors: response.errors, ids: response.data?.building?.ownerRequests?.edges.map((edge: any) => edge.node.id) ?? null };
    };
    const owner = await ids(world.owner.token);
    expect(owner.errors).toBeUndefined();
    expect(owner.ids).toContain(mine.id);
    expect(owner.ids).not.toContain(theirs.id);
    const manager = await ids(world.manager.token);
    expect(manager.ids).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect((await ids(world.stranger.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await ids(world.otherManager.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await ids(world.astanaAkimat.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await ids();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.ids).toBeNull();

    const one = `query($id: ID!) { ownerRequest(id: $id) { id description } }`;
    expect((await system.query(one, { id: theirs.id }, { token: world.owner.token })).data?.ownerRequest).toBeNull();
    expect((await system.query(one, { id: mine.id }, { token: world.owner.token })).data?.ownerRequest).toEqual({
      id: mine.id,
      description: 'Mine.',
    });
    expect((await system.query(one, { id: mine.id })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const myList = await system.query(
      `{ myOwnerRequests(first: 100) { edges { node { id filedByMe } } } }`,
      {},
      { token: world.neighbour.token },
    );
    expect(myList.data?.myOwnerRequests.edges).toEqual([{ node: { id: theirs.id, filedByMe: true } }]);

    // The territory's watcher reads the request, not its personal data.
    const watched = await system.query(
      `query($id: ID!) { ownerRequest(id: $id) { id status description contactPhone premise { id } } }`,
      { id: mine.id },
      { token: world.almatyAkimat.token },
    );
    expect(watched.data?.ownerRequest).toEqual({ id: mine.id, status: 'SUBMITTED', description: null, contactPhone: null, premise: null });
    expect(watched.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  });

  it('gives nothing of a request through `_entities` to the public or to another owner', async () => {
    const request = await file(world.owner.token, { description: 'Private text.' });
    const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on OwnerRequest { id description } ... on Building { id ownerRequests { edges { node { description } } } } } }`;
    const send = async (caller: Parameters<typeof callerHeaders>[0], representations: unknown[]) =>
      postGraphQL(system.subgraphUrls.condominium, entities, { representations }, callerHeaders(caller, system.gatewaySecret));
    const anonymousRequest = await send({ kind: 'anonymous' }, [{ __typename: 'OwnerRequest', id: request.id }]);
    expect(anonymousRequest.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(anonymousRequest)).not.toContain('Private text.');
    const anonymousBuilding = await send({ kind: 'anonymous' }, [{ __typename: 'Building', id: world.buildingId }]);
    expect(anonymousBuilding.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(anonymousBuilding)).not.toContain('Private text.');
    const neighbour = await send(await callerForToken(system.db, world.neighbour.token), [{ __typename: 'OwnerRequest', id: request.id }]);
    expect(neighbour.errors).toBeUndefined();
    expect(neighbour.data?._entities).toEqual([null]);
    const owner = await send(await callerForToken(system.db, world.owner.token), [{ __typename: 'OwnerRequest', id: request.id }]);
    expect(owner.data?._entities).toEqual([{ id: request.id, description: 'Private text.' }]);
  });

  it('attaches the requester’s own photos, shown to the requester and the manager only', async () => {
    const photo = await uploadDocument(system, world.owner.token, world.buildingId, 'a photo of the leak');
    const neighbours = await uploadDocument(system, world.neighbour.token, world.buildingId, 'someone else’s photo');
    const before = await footprint();
    const foreign = await system.query(
      SUBMIT,
      { input: { buildingId: world.buildingId, categoryCode: 'LIFT', description: 'x', documentIds: [photo, neighbours] } },
      { token: world.owner.token },
    );
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.documentIds[1]' });
    const missing = await system.query(
      SUBMIT,
      { input: { buildingId: world.buildingId, categoryCode: 'LIFT', description: 'x', documentIds: [randomUUID()] } },
      { token: world.owner.token },
    );
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.documentIds[0]' });
    expect(await footprint()).toEqual(before);

    const request = await file(world.owner.token, { documentIds: [photo] });
    const documents = `query($id: ID!) { ownerRequest(id: $id) { documents { id sha256 } } }`;
    for (const token of [world.owner.token, world.manager.token]) {
      const read = await system.query(documents, { id: request.id }, { token });
      expect(read.data?.ownerRequest.documents.map((document: { id: string }) => document.id)).toEqual([photo]);
    }
    const watcher = await system.query(documents, { id: request.id }, { token: world.almatyAkimat.token });
    expect(watcher.data?.ownerRequest.documents).toBeNull();
    expect(watcher.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lists overdue requests per building and per territory, as hand-checked', async () => {
    // Requests filed above are due in the future; these get due days in the past by hand.
    const make = async (token: string, buildingId: string, statuses: string[], dueInDays: number, manager = world.manager.token) => {
      const request = await file(token, { buildingId });
      for (const status of statuses) {
        const extra = status === 'REJECTED' ? { reason: 'Not ours.' } : {};
        expect((await move(manager, request.id, status, extra)).errors).toBeUndefined();
      }
      await system.db.execute(
        sql`update condominium.owner_requests set due_on = ${addCalendarDays(today, dueInDays)} where id = ${request.id}`,
      );
      return request.id as string;
    };
    const acceptedYesterday = await make(world.owner.token, world.buildingId, ['ACCEPTED'], -1);
    await make(world.owner.token, world.buildingId, ['ACCEPTED', 'IN_PROGRESS', 'DONE'], -10);
    await make(world.neighbour.token, world.buildingId, [], 0);
    await make(world.owner.token, world.buildingId, ['REJECTED'], -30);
    const astana = await make(world.stranger.token, world.otherBuildingId, [], -3, world.otherManager.token);
    const neighbourFiveDays = await make(world.neighbour.token, world.buildingId, ['ACCEPTED', 'IN_PROGRESS'], -5);

    const territory = async (kato: string, token: string) => {
      const response = await system.query(OVERDUE, { kato, first: 50 }, { token });
      return { errors: response.errors, nodes: response.data?.overdueOwnerRequests.edges.map((edge: any) => edge.node) };
    };
    const almaty = await territory('750000000', world.almatyAkimat.token);
    expect(almaty.errors).toBeUndefined();
    expect(almaty.nodes).toEqual([
      { id: neighbourFiveDays, dueOn: addCalendarDays(today, -5), overdue: true, building: { id: world.buildingId } },
      { id: acceptedYesterday, dueOn: addCalendarDays(today, -1), overdue: true, building: { id: world.buildingId } },
    ]);
    expect((await territory('710000000', world.astanaAkimat.token)).nodes.map((node: any) => node.id)).toEqual([astana]);
    expect((await territory('710000000', world.almatyAkimat.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await territory('750000000', world.manager.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await territory('75', world.almatyAkimat.token)).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'katoCode',
    });

    // Page by page, in the same order.
    const first = await system.query(OVERDUE, { kato: '751110000', first: 1 }, { token: world.almatyAkimat.token });
    expect(first.data?.overdueOwnerRequests.edges.map((edge: any) => edge.node.id)).toEqual([neighbourFiveDays]);
    expect(first.data?.overdueOwnerRequests.pageInfo.hasNextPage).toBe(true);
    const next = await system.query(
      OVERDUE,
      { kato: '751110000', first: 1, after: first.data?.overdueOwnerRequests.pageInfo.endCursor },
      { token: world.almatyAkimat.token },
    );
    expect(next.data?.overdueOwnerRequests.edges.map((edge: any) => edge.node.id)).toEqual([acceptedYesterday]);
    expect(next.data?.overdueOwnerRequests.pageInfo.hasNextPage).toBe(false);

    const building = async (token: string) =>
      (await system.query(BUILDING_REQUESTS, { id: world.buildingId, overdue: true }, { token })).data?.building.ownerRequests.edges.map(
        (edge: any) => edge.node.id,
      );
    expect(await building(world.manager.token)).toEqual([neighbourFiveDays, acceptedYesterday]);
    expect(await building(world.owner.token)).toEqual([acceptedYesterday]);
  });

  it('takes the right away from a manager on the next request once its assignment ends', async () => {
    const request = await file(world.owner.token);
    const osi = await fixture.access.subject('OSI');
    const reassigned = await system.query(
      `mutation($input: AssignManagementInput!) { assignManagement(input: $input) { assignment { id } } }`,
      { input: { buildingId: world.buildingId, subjectId: osi.id, validFrom: today } },
      { token: fixture.adminToken },
    );
    expect(reassigned.errors).toBeUndefined();
    const before = await footprint();
    expect((await move(world.manager.token, request.id, 'ACCEPTED')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const list = await system.query(BUILDING_REQUESTS, { id: world.buildingId }, { token: world.manager.token });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await footprint()).toEqual(before);
  });
});
