import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousCaller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import {
  ALMALY,
  ALMATY,
  ASTANA,
  asCaller,
  BOSTANDYK,
  bin,
  buildingInput,
  iin,
  insertTerritories,
  nationalCaller,
  REGISTER,
  rowCounts,
  type Send,
  viaGateway,
} from './support/buildings-fixtures.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { callerHeaders } from './support/signed-request.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

const F = AccessFunction;

describe('building register lifecycle (p.13): register, update, retire, confirm, premises', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let ministry: Send;

  /** A person holding a session token, acting for a new subject with `functions` (in `territoryKato` for a local body). */
  async function actor(kind: 'AUTHORIZED_BODY' | 'LOCAL_EXECUTIVE_BODY', functions: string[], territoryKato?: string): Promise<Send> {
    return viaGateway(system, await fixture.person(kind, functions, territoryKato ? { territoryKato } : {}));
  }

  beforeAll(async () => {
    system = await startTestSystem();
    await insertTerritories(system.db);
    fixture = await AuthFixture.create(system.db);
    ministry = await actor('AUTHORIZED_BODY', [
      F.BuildingRegisterMaintain,
      F.BuildingRegisterConfirm,
      F.PremisesMaintain,
      F.PersonalDataRead,
    ]);
  });
  afterAll(async () => {
    await system?.close();
  });

  async function register(overrides: Record<string, unknown> = {}) {
    const response = await ministry(REGISTER, { input: buildingInput(overrides) });
    expect(response.errors).toBeUndefined();
    return response.data!.registerBuilding.building as Record<string, any>;
  }

  it('registers a building with all 29 annex fields, a receipt and a history entry', async () => {
    const before = await rowCounts(system.db);
    const input = buildingInput({ katoCode: `${ALMALY} Абай даңғылы 10`, addressRegistrationCode: '0000000000001234' });
    const response = await ministry(REGISTER, { input });
    expect(response.errors).toBeUndefined();
    const { building, receipt } = response.data!.registerBuilding;
    const { id: _id, status, confirmedAt, confirmationOverdue, retiredAt, version, registerExitReason, ...annex } = building;
    expect(annex).toEqual(input);
    // Leading zeros of field 3 are kept.
    expect(building.addressRegistrationCode).toBe('0000000000001234');
    expect({ status, confirmationOverdue, retiredAt, version, registerExitReason }).toEqual({
      status: 'REGISTERED',
      confirmationOverdue: false,
      retiredAt: null,
      version: 1,
      registerExitReason: null,
    });
    expect(new Date(confirmedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(receipt.operation).toBe('buildings.registerBuilding');
    expect(new Date(receipt.recordedAt).getTime()).toBeGreaterThanOrEqual(new Date(receipt.receivedAt).getTime());
    const [stored] = await system.db.execute<{ object_ids: string[]; placed_by: string }>(
      sql`select object_ids, placed_by from platform.receipts where id = ${receipt.id}`,
    );
    expect(stored?.object_ids).toEqual([building.id]);
    expect(stored?.placed_by).toMatch(/^person:/);
    const after = await rowCounts(system.db);
    expect(after.buildings - before.buildings).toBe(1);
    expect(after.history - before.history).toBe(1);
    expect(after.receipts - before.receipts).toBe(1);
  });

  it('updates some fields, keeps the others, bumps the version and logs who, when, old and new values', async () => {
    const building = await register();
    const response = await ministry(
      `mutation($id: ID!, $v: Int, $input: UpdateBuildingInput!) {
        updateBuilding(id: $id, expectedVersion: $v, input: $input) {
          building { version liftCount condition heatingSupplyType heatingSupplyKind yearBuilt
            history { change changedBy changedAt changes { field oldValue newValue } } }
          receipt { operation }
        }
      }`,
      {
        id: building.id,
        v: 1,
        input: { liftCount: 4, condition: 'OPERATING_NEEDS_CAPITAL_REPAIR', heatingSupplyType: 'AUTONOMOUS', heatingSupplyKind: null },
      },
    );
    expect(response.errors).toBeUndefined();
    const updated = response.data!.updateBuilding.building;
    expect(updated).toMatchObject({
      version: 2,
      liftCount: 4,
      condition: 'OPERATING_NEEDS_CAPITAL_REPAIR',
      heatingSupplyType: 'AUTONOMOUS',
      heatingSupplyKind: null,
      yearBuilt: 1975,
    });
    expect(response.data!.updateBuilding.receipt.operation).toBe('buildings.updateBuilding');
    expect(updated.history.map((entry: any) => entry.change)).toEqual(['REGISTERED', 'UPDATED']);
    const change = updated.history[1];
    expect(change.changedBy).toMatch(/^person:/);
    expect(change.changes).toEqual([
      { field: 'liftCount', oldValue: '2', newValue: '4' },
      { field: 'heatingSupplyType', oldValue: 'CENTRAL', newValue: 'AUTONOMOUS' },
      { field: 'heatingSupplyKind', oldValue: 'CLOSED', newValue: null },
      { field: 'condition', oldValue: 'OPERATING', newValue: 'OPERATING_NEEDS_CAPITAL_REPAIR' },
    ]);
  });

  it('refuses an update based on a stale version with CONFLICT and writes nothing', async () => {
    const building = await register();
    await ministry(`mutation($id: ID!) { updateBuilding(id: $id, input: { liftCount: 3 }) { building { version } } }`, { id: building.id });
    const before = await rowCounts(system.db);
    const response = await ministry(
      `mutation($id: ID!) { updateBuilding(id: $id, expectedVersion: 1, input: { liftCount: 5 }) { building { version } } }`,
      { id: building.id },
    );
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion' });
    expect(await rowCounts(system.db)).toEqual(before);
  });

  it('retires a building with the reason in field 28, after which it cannot be changed', async () => {
    const building = await register();
    const response = await ministry(
      `mutation($id: ID!) { retireBuilding(id: $id, reason: "Снесён по программе реновации.") {
        building { status registerExitReason retiredAt confirmationOverdue version history { change changes { field newValue } } }
        receipt { operation } } }`,
      { id: building.id },
    );
    expect(response.errors).toBeUndefined();
    const retired = response.data!.retireBuilding.building;
    expect(retired).toMatchObject({
      status: 'RETIRED',
      registerExitReason: 'Снесён по программе реновации.',
      confirmationOverdue: false,
      version: 2,
    });
    expect(retired.retiredAt).not.toBeNull();
    expect(retired.history.at(-1).change).toBe('RETIRED');
    expect(retired.history.at(-1).changes.map((c: any) => c.field)).toEqual(
      expect.arrayContaining(['status', 'registerExitReason', 'retiredAt']),
    );

    const before = await rowCounts(system.db);
    for (const mutation of [
      `mutation($id: ID!) { updateBuilding(id: $id, input: { liftCount: 1 }) { building { id } } }`,
      `mutation($id: ID!) { retireBuilding(id: $id, reason: "Again.") { building { id } } }`,
      `mutation($id: ID!) { confirmBuilding(id: $id) { building { id } } }`,
      `mutation($id: ID!) { addPremises(buildingId: $id, premises: [{ kind: APARTMENT, number: "1" }]) { building { id } } }`,
    ]) {
      const refused = await ministry(mutation, { id: building.id });
      expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    }
    expect(await rowCounts(system.db)).toEqual(before);
  });

  it('confirms a building yearly (p.13), clearing the overdue flag and filter', async () => {
    const building = await register();
    // Pretend the last confirmation was 13 months ago.
    await system.db.execute(sql`update buildings.buildings set confirmed_at = now() - interval '13 months' where id = ${building.id}`);
    const overdue = await ministry(
      `query($id: ID!) { building(id: $id) { confirmationOverdue } buildings(first: 500, filter: { confirmationOverdue: true }) { edges { node { id } } } }`,
      { id: building.id },
    );
    expect(overdue.data!.building.confirmationOverdue).toBe(true);
    expect(overdue.data!.buildings.edges.map((e: any) => e.node.id)).toContain(building.id);

    const response = await ministry(
      `mutation($id: ID!) { confirmBuilding(id: $id) { building { confirmedAt confirmationOverdue version history { change } } receipt { operation } } }`,
      { id: building.id },
    );
    expect(response.errors).toBeUndefined();
    const confirmed = response.data!.confirmBuilding;
    expect(confirmed.building.confirmationOverdue).toBe(false);
    expect(new Date(confirmed.building.confirmedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(confirmed.building.history.at(-1).change).toBe('CONFIRMED');
    expect(confirmed.receipt.operation).toBe('buildings.confirmBuilding');
    const after = await ministry(`{ buildings(first: 500, filter: { confirmationOverdue: true }) { edges { node { id } } } }`);
    expect(after.data!.buildings.edges.map((e: any) => e.node.id)).not.toContain(building.id);
  });

  it('adds premises with owners in bulk, owners by IIN and BIN, and logs only counts', async () => {
    const building = await register({ apartmentCount: 3, nonResidentialPremisesCount: 1, totalPremisesCount: 5 });
    const response = await ministry(
      `mutation($id: ID!, $premises: [PremiseInput!]!) {
        addPremises(buildingId: $id, premises: $premises) {
          premises { id kind number floor area owners { kind share identificationNumber name } }
          building { version premises { number } history { change changes { field oldValue newValue } } }
          receipt { operation }
        }
      }`,
      {
        id: building.id,
        premises: [
          {
            kind: 'APARTMENT',
            number: '1',
            floor: 1,
            area: 54.5,
            owners: [
              { kind: 'PERSON', identificationNumber: iin(1), name: 'Сапарова Айгүл', share: 0.5 },
              { kind: 'PERSON', identificationNumber: iin(2), name: 'Сапаров Ерлан', share: 0.5 },
            ],
          },
          { kind: 'APARTMENT', number: '2', floor: 1, area: 61 },
          {
            kind: 'NON_RESIDENTIAL',
            number: 'Н-1',
            floor: 0,
            owners: [{ kind: 'ORGANISATION', identificationNumber: bin(7), name: 'ТОО «Дәмді»' }],
          },
          { kind: 'STORAGE_ROOM', number: '1', floor: -1, area: 3.2 },
        ],
      },
    );
    expect(response.errors).toBeUndefined();
    const result = response.data!.addPremises;
    expect(result.premises.map((p: any) => `${p.kind}:${p.number}`)).toEqual([
      'APARTMENT:1',
      'APARTMENT:2',
      'NON_RESIDENTIAL:Н-1',
      'STORAGE_ROOM:1',
    ]);
    expect(result.premises[0].owners).toEqual([
      { kind: 'PERSON', share: 0.5, identificationNumber: iin(1), name: 'Сапарова Айгүл' },
      { kind: 'PERSON', share: 0.5, identificationNumber: iin(2), name: 'Сапаров Ерлан' },
    ]);
    expect(result.premises[2].owners).toEqual([{ kind: 'ORGANISATION', share: 1, identificationNumber: bin(7), name: 'ТОО «Дәмді»' }]);
    expect(result.building.premises).toHaveLength(4);
    expect(result.building.version).toBe(2);
    expect(result.building.history.at(-1)).toEqual({
      change: 'PREMISES_ADDED',
      changes: [{ field: 'premises', oldValue: '0', newValue: '4' }],
    });
    // Personal data never lands in the history.
    const [history] = await system.db.execute<{ text: string }>(
      sql`select string_agg(changes::text, ' ') as text from buildings.building_history where building_id = ${building.id}`,
    );
    expect(history?.text).not.toContain(iin(1));
    expect(history?.text).not.toContain('Сапаров');
  });

  it('lists premises by kind, numbers in their natural order', async () => {
    const building = await register();
    const response = await ministry(
      `mutation($id: ID!, $p: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $p) { building { premises { kind number } } } }`,
      {
        id: building.id,
        p: ['10', 'P-1', '2', '12А', '12']
          .map((number) => ({ kind: 'APARTMENT', number }))
          .concat([{ kind: 'PARKING_PLACE', number: '1' }]),
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.addPremises.building.premises.map((p: any) => `${p.kind}:${p.number}`)).toEqual([
      'APARTMENT:2',
      'APARTMENT:10',
      'APARTMENT:12',
      'APARTMENT:12А',
      'APARTMENT:P-1',
      'PARKING_PLACE:1',
    ]);
  });

  describe('permissions', () => {
    const updateLift = `mutation($id: ID!) { updateBuilding(id: $id, input: { liftCount: 1 }) { building { liftCount } } }`;

    it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
      const before = await rowCounts(system.db);
      const response = await system.query(REGISTER, { input: buildingInput() });
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(await rowCounts(system.db)).toEqual(before);
    });

    it('refuses an anonymous caller with UNAUTHENTICATED on every mutation of an existing building', async () => {
      const { id } = await register();
      const before = await rowCounts(system.db);
      const mutations = [
        updateLift,
        `mutation($id: ID!) { retireBuilding(id: $id, reason: "x") { building { id } } }`,
        `mutation($id: ID!) { confirmBuilding(id: $id) { building { id } } }`,
        `mutation($id: ID!) { addPremises(buildingId: $id, premises: [{ kind: APARTMENT, number: "1" }]) { premises { id } } }`,
      ];
      for (const mutation of mutations) {
        const response = await system.query(mutation, { id });
        expect(response.errors?.[0]?.extensions?.code, mutation).toBe('UNAUTHENTICATED');
      }
      expect(await rowCounts(system.db)).toEqual(before);
    });

    it('re-checks the grant inside the transaction: a caller resolved before its revocation writes nothing after it', async () => {
      const person = await fixture.person('AUTHORIZED_BODY', [F.BuildingRegisterMaintain]);
      const live = viaGateway(system, person);
      expect((await live(REGISTER, { input: buildingInput() })).errors).toBeUndefined();
      // What the gateway signed for the request that was already under way when the grant ended.
      const stale = await person.caller();
      await fixture.revoke(person.grantId);
      const before = await rowCounts(system.db);
      const inFlight = await postGraphQL(
        system.subgraphUrls.buildings,
        REGISTER,
        { input: buildingInput() },
        callerHeaders(stale, system.gatewaySecret),
      );
      expect(inFlight.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const next = await live(REGISTER, { input: buildingInput() });
      expect(next.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await rowCounts(system.db)).toEqual(before);
    });

    it('lets a local executive body register, update, retire, confirm and add premises only in its territory', async () => {
      const almaly = await actor(
        'LOCAL_EXECUTIVE_BODY',
        [F.BuildingRegisterMaintain, F.BuildingRegisterConfirm, F.PremisesMaintain],
        ALMALY,
      );
      const inside = await almaly(REGISTER, { input: buildingInput({ katoCode: ALMALY }) });
      expect(inside.errors).toBeUndefined();
      const id = inside.data!.registerBuilding.building.id;
      expect((await almaly(updateLift, { id })).data?.updateBuilding.building.liftCount).toBe(1);
      expect((await almaly(`mutation($id: ID!) { confirmBuilding(id: $id) { building { id } } }`, { id })).errors).toBeUndefined();

      const before = await rowCounts(system.db);
      const outside = await almaly(REGISTER, { input: buildingInput({ katoCode: BOSTANDYK }) });
      expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const elsewhere = await register({ katoCode: ASTANA });
      const afterRegister = await rowCounts(system.db);
      expect((await almaly(updateLift, { id: elsewhere.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(
        (await almaly(`mutation($id: ID!) { retireBuilding(id: $id, reason: "x") { building { id } } }`, { id: elsewhere.id })).errors?.[0]
          ?.extensions?.code,
      ).toBe('FORBIDDEN');
      expect(
        (await almaly(`mutation($id: ID!) { confirmBuilding(id: $id) { building { id } } }`, { id: elsewhere.id })).errors?.[0]?.extensions
          ?.code,
      ).toBe('FORBIDDEN');
      const addPremises = `mutation($id: ID!) { addPremises(buildingId: $id, premises: [{ kind: APARTMENT, number: "1" }]) { premises { id } } }`;
      expect((await almaly(addPremises, { id: elsewhere.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      // Moving its own building out of its territory is refused too.
      const moved = await almaly(
        `mutation($id: ID!) { updateBuilding(id: $id, input: { katoCode: "${BOSTANDYK}" }) { building { id } } }`,
        { id },
      );
      expect(moved.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const after = await rowCounts(system.db);
      expect(afterRegister.buildings - before.buildings).toBe(1);
      expect(after).toEqual(afterRegister);
      // The same premises in its own building are accepted: the refusal above was the territory's.
      const own = await almaly(addPremises, { id });
      expect(own.errors).toBeUndefined();
      expect(own.data!.addPremises.premises).toHaveLength(1);
    });

    it('relies on grants in both territories when an update moves a building, and re-checks both in the write', async () => {
      const mover = await fixture.person('LOCAL_EXECUTIVE_BODY', [F.BuildingRegisterMaintain], { territoryKato: ALMALY });
      // The same person also acts for Bostandyk's local executive body.
      const bostandyk = await fixture.access.subject('LOCAL_EXECUTIVE_BODY', { territoryKato: BOSTANDYK });
      const agreement = await fixture.access.agreement(bostandyk.id, [F.BuildingRegisterMaintain]);
      const personId = (mover.owner as { personId: string }).personId;
      const there = await fixture.access.grant({ personId, agreementId: agreement.id, functions: [F.BuildingRegisterMaintain] });
      const send = viaGateway(system, mover);
      const registered = async () =>
        (await send(REGISTER, { input: buildingInput({ katoCode: ALMALY }) })).data!.registerBuilding.building.id as string;
      const [first, second] = [await registered(), await registered()];
      const move = `mutation($id: ID!) { updateBuilding(id: $id, input: { katoCode: "${BOSTANDYK}" }) { building { katoCode version } } }`;

      const moved = await send(move, { id: first });
      expect(moved.errors).toBeUndefined();
      expect(moved.data!.updateBuilding.building).toEqual({ katoCode: BOSTANDYK, version: 2 });

      // A request under way while the grant where the building goes ends writes nothing.
      const stale = await mover.caller();
      await fixture.revoke(there.id);
      const before = await rowCounts(system.db);
      const inFlight = await postGraphQL(system.subgraphUrls.buildings, move, { id: second }, callerHeaders(stale, system.gatewaySecret));
      expect(inFlight.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await rowCounts(system.db)).toEqual(before);
      // The grant where it is still allows a change that does not move it.
      expect((await send(updateLift, { id: second })).errors).toBeUndefined();
    });

    it('needs the function the mutation uses: maintain, confirm and premises are separate', async () => {
      const building = await register();
      const confirmOnly = await actor('AUTHORIZED_BODY', [F.BuildingRegisterConfirm]);
      const maintainOnly = await actor('AUTHORIZED_BODY', [F.BuildingRegisterMaintain]);
      const before = await rowCounts(system.db);
      expect((await confirmOnly(updateLift, { id: building.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await confirmOnly(REGISTER, { input: buildingInput() })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(
        (await maintainOnly(`mutation($id: ID!) { confirmBuilding(id: $id) { building { id } } }`, { id: building.id })).errors?.[0]
          ?.extensions?.code,
      ).toBe('FORBIDDEN');
      expect(
        (
          await maintainOnly(
            `mutation($id: ID!) { addPremises(buildingId: $id, premises: [{ kind: APARTMENT, number: "9" }]) { building { id } } }`,
            { id: building.id },
          )
        ).errors?.[0]?.extensions?.code,
      ).toBe('FORBIDDEN');
      expect(await rowCounts(system.db)).toEqual(before);
    });

    it('answers NOT_FOUND for a building that does not exist to a caller holding the function, FORBIDDEN to one without it', async () => {
      const confirmOnly = await actor('AUTHORIZED_BODY', [F.BuildingRegisterConfirm]);
      // A malformed id is BAD_USER_INPUT naming the argument (docs/architecture.md), no longer NOT_FOUND.
      for (const [id, code] of [
        ['6f1c1c1e-0000-4000-8000-000000000000', 'NOT_FOUND'],
        ['not-a-uuid', 'BAD_USER_INPUT'],
      ] as const) {
        const response = await ministry(updateLift, { id });
        expect(response.errors?.[0]?.extensions).toMatchObject({ code, field: 'id' });
        expect((await confirmOnly(updateLift, { id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      const nowhere = '6f1c1c1e-0000-4000-8000-000000000001';
      const before = await rowCounts(system.db);
      for (const [mutation, field] of [
        [`mutation($id: ID!) { retireBuilding(id: $id, reason: "Снесён.") { building { id } } }`, 'id'],
        [`mutation($id: ID!) { confirmBuilding(id: $id) { building { id } } }`, 'id'],
        [
          `mutation($id: ID!) { addPremises(buildingId: $id, premises: [{ kind: APARTMENT, number: "1" }]) { building { id } } }`,
          'buildingId',
        ],
      ] as const) {
        expect((await ministry(mutation, { id: nowhere })).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field });
      }
      expect(await rowCounts(system.db)).toEqual(before);
    });

    it("shows owners' identities only with PERSONAL_DATA_READ in the building's territory; the rest of the row survives", async () => {
      const building = await register({ katoCode: ALMALY });
      await ministry(`mutation($id: ID!, $p: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $p) { building { id } } }`, {
        id: building.id,
        p: [{ kind: 'APARTMENT', number: '1', owners: [{ kind: 'PERSON', identificationNumber: iin(3), name: 'Нұрланов Бауыржан' }] }],
      });
      const query = `query($id: ID!) { building(id: $id) { cadastralNumber premises { number owners { kind share identificationNumber name } } } }`;
      const readers = {
        inside: await actor('LOCAL_EXECUTIVE_BODY', [F.PersonalDataRead], ALMATY),
        outside: await actor('LOCAL_EXECUTIVE_BODY', [F.PersonalDataRead], ASTANA),
        noFunction: await actor('LOCAL_EXECUTIVE_BODY', [F.BuildingRegisterMaintain], ALMALY),
        anonymous: ((query, variables) => system.query(query, variables)) as Send,
      };
      const allowed = await readers.inside(query, { id: building.id });
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data!.building.premises[0].owners).toEqual([
        { kind: 'PERSON', share: 1, identificationNumber: iin(3), name: 'Нұрланов Бауыржан' },
      ]);
      for (const reader of [readers.outside, readers.noFunction, readers.anonymous]) {
        const refused = await reader(query, { id: building.id });
        expect(refused.data!.building.cadastralNumber).toBe(building.cadastralNumber);
        expect(refused.data!.building.premises[0].owners).toEqual([{ kind: 'PERSON', share: 1, identificationNumber: null, name: null }]);
        expect(refused.errors?.map((error) => [error.extensions?.code, error.path?.at(-1)])).toEqual([
          ['FORBIDDEN', 'identificationNumber'],
          ['FORBIDDEN', 'name'],
        ]);
        expect(JSON.stringify(refused)).not.toContain(iin(3));
      }
    });

    it("keeps owners' identities out of _entities too, and refuses _service and unknown entity types", async () => {
      const building = await register();
      const added = await ministry(
        `mutation($id: ID!, $p: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $p) { premises { id } } }`,
        {
          id: building.id,
          p: [{ kind: 'APARTMENT', number: '1', owners: [{ kind: 'PERSON', identificationNumber: iin(4), name: 'Әлиев Дәулет' }] }],
        },
      );
      const premiseId = added.data!.addPremises.premises[0].id;
      const anonymous = asCaller(system, anonymousCaller);
      const entities = await anonymous(
        `query($r: [_Any!]!) { _entities(representations: $r) {
          ... on Premise { number owners { share identificationNumber name } }
          ... on Building { cadastralNumber }
          ... on Region { nameRu } } }`,
        {
          r: [
            { __typename: 'Premise', id: premiseId },
            { __typename: 'Building', cadastralNumber: building.cadastralNumber },
            { __typename: 'Region', katoCode: ALMALY },
          ],
        },
      );
      expect(entities.data!._entities).toEqual([
        { number: '1', owners: [{ share: 1, identificationNumber: null, name: null }] },
        { cadastralNumber: building.cadastralNumber },
        { nameRu: 'Алмалинский район' },
      ]);
      expect(entities.errors?.every((error) => error.extensions?.code === 'FORBIDDEN')).toBe(true);
      expect(JSON.stringify(entities)).not.toContain(iin(4));

      const unknownType = await anonymous(`query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`, {
        r: [{ __typename: 'PremiseOwner', id: 'x' }],
      });
      expect(unknownType.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const service = await asCaller(system, nationalCaller(F.BuildingRegisterMaintain))(`{ _service { sdl } }`);
      expect(service.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(service.data?._service ?? null).toBeNull();
    });
  });
});
