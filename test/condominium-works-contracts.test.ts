import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, almatyDate } from '../lib/working-calendar.js';
import { bin } from './support/buildings-fixtures.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { type CondominiumWorld, condominiumWorld, uploadDocument } from './support/condominium-fixtures.js';
import { callerHeaders } from './support/signed-request.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

// Planned works on common property (p.4.4) and contracts (p.4.8): placed and moved only by
// the building's manager now, money kept exactly, open to everyone with no personal data.

const WORK =
  'id status title plannedCost actualCost plannedStart plannedEnd startedOn completedOn cancellationReason version building { id }';
const PLAN = `mutation($input: PlanWorkInput!) { planWork(input: $input) { work { ${WORK} } receipt { operation } } }`;
const MOVE = `mutation($input: ChangePlannedWorkStatusInput!) { changePlannedWorkStatus(input: $input) { work { ${WORK} } } }`;
const CONTRACT = 'id number subject counterpartyName counterpartyBin signedOn validFrom validTo amount managementSubjectId building { id }';
const PLACE = `mutation($input: PlaceContractInput!) { placeContract(input: $input) { contract { ${CONTRACT} } receipt { operation } } }`;

describe('planned works and contracts', () => {
  let system: TestSystem;
  let world: CondominiumWorld;
  const today = almatyDate(new Date());

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    world = await condominiumWorld(system, await AuthFixture.create(system.db));
  });
  afterAll(async () => {
    await system?.close();
  });

  async function footprint() {
    const [row] = await system.db.execute<Record<string, number>>(sql`
      select (select count(*) from condominium.planned_works)::int as works,
             (select coalesce(sum(version), 0) from condominium.planned_works)::int as versions,
             (select count(*) from condominium.contracts)::int as contracts,
             (select count(*) from platform.receipts where operation in
               ('condominium.planWork', 'condominium.changePlannedWorkStatus', 'condominium.placeContract'))::int as receipts`);
    return row;
  }

  const workInput = (overrides: Record<string, unknown> = {}) => ({
    buildingId: world.buildingId,
    title: 'Roof repair over entrance 2',
    plannedCost: '1250000.5',
    plannedStart: addCalendarDays(today, -20),
    plannedEnd: addCalendarDays(today, 40),
    ...overrides,
  });

  it('lets the building’s manager plan a work, kept to the tiyn, and shows it to anyone', async () => {
    const planned = await system.query(PLAN, { input: workInput() }, { token: world.manager.token });
    expect(planned.errors).toBeUndefined();
    expect(planned.data?.planWork).toMatchObject({
      work: { status: 'PLANNED', plannedCost: '1250000.50', actualCost: null, version: 1, building: { id: world.buildingId } },
      receipt: { operation: 'condominium.planWork' },
    });
    const [stored] = await system.db.execute<{ tiyn: string }>(
      sql`select planned_cost_tiyn::text as tiyn from condominium.planned_works where id = ${planned.data?.planWork.work.id}`,
    );
    expect(stored?.tiyn).toBe('125000050');
    const open = await system.query(`query($id: ID!) { building(id: $id) { plannedWorks { id title plannedCost status } } }`, {
      id: world.buildingId,
    });
    expect(open.errors).toBeUndefined();
    expect(open.data?.building.plannedWorks).toEqual([
      { id: planned.data?.planWork.work.id, title: 'Roof repair over entrance 2', plannedCost: '1250000.50', status: 'PLANNED' },
    ]);
  });

  it('refuses anyone but the manager now, and bad input, writing nothing', async () => {
    const before = await footprint();
    expect((await system.query(PLAN, { input: workInput() })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const token of [world.otherManager.token, world.owner.token, world.almatyAkimat.token]) {
      expect((await system.query(PLAN, { input: workInput() }, { token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const bad = await system.query(
      PLAN,
      { input: workInput({ title: ' ', plannedCost: '12.345', plannedEnd: addCalendarDays(today, -30) }) },
      { token: world.manager.token },
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.problems.map((problem: { field: string }) => problem.field).sort()).toEqual([
      'input.plannedCost',
      'input.plannedEnd',
      'input.title',
    ]);
    const nowhere = await system.query(PLAN, { input: workInput({ buildingId: randomUUID() }) }, { token: world.manager.token });
    expect(nowhere.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.buildingId' });
    expect(await footprint()).toEqual(before);
  });

  it('moves a work planned → in progress → done, refusing illegal moves with nothing written', async () => {
    const planned = await system.query(
      PLAN,
      { input: workInput({ title: 'Lift cabin repair', plannedCost: '300000' }) },
      { token: world.manager.token },
    );
    const workId = planned.data?.planWork.work.id;
    const move = (input: Record<string, unknown>, token = world.manager.token) =>
      system.query(MOVE, { input: { workId, ...input } }, { token });
    const before = await footprint();
    const refusals: Array<[Record<string, unknown>, string, string | undefined]> = [
      [{ status: 'DONE', on: today }, 'CONFLICT', 'input.status'],
      [{ status: 'PLANNED' }, 'CONFLICT', 'input.status'],
      [{ status: 'IN_PROGRESS' }, 'BAD_USER_INPUT', 'input.on'],
      [{ status: 'IN_PROGRESS', on: addCalendarDays(today, 1) }, 'BAD_USER_INPUT', 'input.on'],
      [{ status: 'IN_PROGRESS', on: today, actualCost: '5' }, 'BAD_USER_INPUT', 'input.actualCost'],
      [{ status: 'CANCELLED' }, 'BAD_USER_INPUT', 'input.reason'],
      [{ status: 'IN_PROGRESS', on: today, expectedVersion: 9 }, 'CONFLICT', 'input.expectedVersion'],
    ];
    for (const [input, code, field] of refusals) {
      const response = await move(input);
      expect(response.errors?.[0]?.extensions).toMatchObject({ code, field });
      expect(response.data).toBeNull();
    }
    expect((await move({ status: 'IN_PROGRESS', on: today }, world.otherManager.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(
      (await system.query(MOVE, { input: { workId: randomUUID(), status: 'DONE' } }, { token: world.manager.token })).errors?.[0]
        ?.extensions,
    ).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.workId',
    });
    expect(await footprint()).toEqual(before);

    const started = await move({ status: 'IN_PROGRESS', on: addCalendarDays(today, -3), expectedVersion: 1 });
    expect(started.data?.changePlannedWorkStatus.work).toMatchObject({
      status: 'IN_PROGRESS',
      startedOn: addCalendarDays(today, -3),
      version: 2,
    });
    expect((await move({ status: 'DONE', on: addCalendarDays(today, -4) })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.on',
    });
    const done = await move({ status: 'DONE', on: today, actualCost: '287500.99' });
    expect(done.data?.changePlannedWorkStatus.work).toMatchObject({ status: 'DONE', completedOn: today, actualCost: '287500.99' });
    expect((await move({ status: 'CANCELLED', reason: 'Too late.' })).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const other = await system.query(PLAN, { input: workInput({ title: 'Facade painting' }) }, { token: world.manager.token });
    const cancelled = await system.query(
      MOVE,
      { input: { workId: other.data?.planWork.work.id, status: 'CANCELLED', reason: 'The meeting did not approve it.' } },
      { token: world.manager.token },
    );
    expect(cancelled.data?.changePlannedWorkStatus.work).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'The meeting did not approve it.',
    });
    const byStatus = await system.query(`query($id: ID!) { building(id: $id) { plannedWorks(status: DONE) { title actualCost } } }`, {
      id: world.buildingId,
    });
    expect(byStatus.data?.building.plannedWorks).toEqual([{ title: 'Lift cabin repair', actualCost: '287500.99' }]);
  });

  const contractInput = (overrides: Record<string, unknown> = {}) => ({
    buildingId: world.buildingId,
    number: 'CL-2026/14',
    subject: 'Cleaning of stairwells and the yard',
    counterpartyName: 'Taza Ui LLP',
    counterpartyBin: bin(41),
    signedOn: '2026-01-10',
    validFrom: '2026-02-01',
    validTo: '2026-12-31',
    amount: '2400000.00',
    ...overrides,
  });

  it('lets the manager place a contract with its parties, period and exact amount, open to anyone', async () => {
    const placed = await system.query(PLACE, { input: contractInput() }, { token: world.manager.token });
    expect(placed.errors).toBeUndefined();
    expect(placed.data?.placeContract).toMatchObject({
      contract: {
        number: 'CL-2026/14',
        counterpartyBin: bin(41),
        amount: '2400000.00',
        managementSubjectId: world.manager.subjectId,
        validTo: '2026-12-31',
        building: { id: world.buildingId },
      },
      receipt: { operation: 'condominium.placeContract' },
    });
    const open = await system.query(`query($id: ID!, $on: Date) { building(id: $id) { contracts(activeOn: $on) { number amount } } }`, {
      id: world.buildingId,
      on: '2026-06-01',
    });
    expect(open.data?.building.contracts).toEqual([{ number: 'CL-2026/14', amount: '2400000.00' }]);
    const before = await system.query(`query($id: ID!) { building(id: $id) { contracts(activeOn: "2026-01-31") { number } } }`, {
      id: world.buildingId,
    });
    expect(before.data?.building.contracts).toEqual([]);
    const entity = await postGraphQL(
      system.subgraphUrls.condominium,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contract { number counterpartyName } ... on PlannedWork { id } } }`,
      { r: [{ __typename: 'Contract', id: placed.data?.placeContract.contract.id }] },
      callerHeaders({ kind: 'anonymous' }, system.gatewaySecret),
    );
    expect(entity.data?._entities).toEqual([{ number: 'CL-2026/14', counterpartyName: 'Taza Ui LLP' }]);
  });

  it('attaches the signed contract’s scan, read by whoever the building concerns and never by the public', async () => {
    const scan = await uploadDocument(system, world.manager.token, world.buildingId, 'scan of the signed contract');
    const elsewhere = await uploadDocument(system, world.otherManager.token, world.otherBuildingId, 'another building’s scan');
    const refused = await system.query(
      PLACE,
      { input: contractInput({ number: 'D-2', documentIds: [elsewhere] }) },
      { token: world.manager.token },
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.documentIds[0]' });
    const placed = await system.query(
      PLACE,
      { input: contractInput({ number: 'D-1', documentIds: [scan] }) },
      { token: world.manager.token },
    );
    expect(placed.errors).toBeUndefined();
    const query = `query($id: ID!) { contract(id: $id) { number documents { id } } }`;
    const id = placed.data?.placeContract.contract.id;
    for (const token of [world.manager.token, world.owner.token, world.almatyAkimat.token]) {
      expect((await system.query(query, { id }, { token })).data?.contract).toEqual({ number: 'D-1', documents: [{ id: scan }] });
    }
    const anonymous = await system.query(query, { id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await system.query(query, { id }, { token: world.stranger.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a contract from anyone but the manager, a taken number and bad input, writing nothing', async () => {
    const before = await footprint();
    for (const token of [world.otherManager.token, world.owner.token]) {
      expect((await system.query(PLACE, { input: contractInput({ number: 'X-1' }) }, { token })).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
    }
    const taken = await system.query(PLACE, { input: contractInput() }, { token: world.manager.token });
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.number' });
    const bad = await system.query(
      PLACE,
      {
        input: contractInput({
          number: 'X-2',
          counterpartyBin: '123456789012',
          amount: '-5',
          validFrom: '2026-01-01',
          validTo: '2025-12-31',
        }),
      },
      { token: world.manager.token },
    );
    expect(bad.errors?.[0]?.extensions?.problems.map((problem: { field: string }) => problem.field).sort()).toEqual([
      'input.amount',
      'input.counterpartyBin',
      'input.validFrom',
      'input.validTo',
    ]);
    expect(await footprint()).toEqual(before);
  });
});
