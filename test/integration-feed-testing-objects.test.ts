import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { addCalendarDays, almatyDate } from '../lib/working-calendar.js';
import { type Actor, AuthFixture, makeBin } from './support/caller-fixtures.js';
import { type CondominiumWorld, condominiumWorld } from './support/condominium-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// The change types of utilities and condominium reach digital objects still in TESTING (the
// testing stand, p.17): such an object reads live data, so the feed (p.32) serves it what
// LIVE writers recorded, within its grants' scope, as it would a LIVE object. One utilities
// change (a submitReadings call: METER_READINGS_BATCH, its id the call's receipt, owned by
// the supplier's subject) and one condominium change (a planned work: PLANNED_WORK, owned by
// the building's management subject), each read by a TESTING object of the owning subject
// and by a national TESTING object with ANALYTICS_READ.

const changesQuery = `query($types: [ChangeType!]) {
  changes(types: $types, first: 100) { edges { node { type entityId operation receiptId katoCode subjectId } } } }`;
const registerSupplier = `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`;
const upsertMeters = `mutation($supplierId: ID!, $meters: [MeterInput!]!) {
  upsertMeters(supplierId: $supplierId, meters: $meters) { created } }`;
const submitReadings = `mutation($supplierId: ID!, $readings: [MeterReadingInput!]!) {
  submitReadings(supplierId: $supplierId, readings: $readings) { created testRun receipt { id } } }`;
const planWork = `mutation($input: PlanWorkInput!) { planWork(input: $input) { work { id } receipt { id } } }`;

interface ChangeNode {
  type: string;
  entityId: string;
  operation: string;
  receiptId: string | null;
  katoCode: string | null;
  subjectId: string | null;
}

describe('new change types reach digital objects in TESTING', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let world: CondominiumWorld;
  let supplier: Actor;
  let batch: { receiptId: string };
  let work: { id: string; receiptId: string };

  // biome-ignore lint/suspicious/noExplicitAny: answers are read as loosely as in the other end-to-end tests
  async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<any> {
    const response = await system.query(query, variables, { token });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  }

  async function feedOf(actor: Actor, types: string[]): Promise<ChangeNode[]> {
    const data = await ok(changesQuery, { types }, actor.token);
    return data.changes.edges.map((edge: { node: ChangeNode }) => edge.node);
  }

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    world = await condominiumWorld(system, fixture);
    const today = almatyDate(new Date());

    // Utilities: a LIVE supplier's system places a meter and submits two readings in one call.
    supplier = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.MetersMaintain, AccessFunction.ReadingsSubmit]);
    const input = { subjectId: supplier.subjectId, name: 'Vodokanal', bin: makeBin(), services: ['WATER_SUPPLY'] };
    const supplierId = (await ok(registerSupplier, { input }, fixture.adminToken)).registerSupplier.supplier.id;
    const meter = {
      kind: 'INDIVIDUAL',
      buildingId: world.buildingId,
      premiseNumber: '1',
      service: 'WATER_SUPPLY',
      serialNumber: 'FEED-1',
      capacityDigits: 5,
      tariffZones: 1,
      installedAt: addCalendarDays(today, -60),
    };
    expect((await ok(upsertMeters, { supplierId, meters: [meter] }, supplier.token)).upsertMeters.created).toBe(1);
    const readings = [
      { serialNumber: 'FEED-1', takenOn: addCalendarDays(today, -30), value: '10', source: 'SUPPLIER' },
      { serialNumber: 'FEED-1', takenOn: addCalendarDays(today, -1), value: '12.5', source: 'SUPPLIER' },
    ];
    const submitted = (await ok(submitReadings, { supplierId, readings }, supplier.token)).submitReadings;
    expect(submitted).toMatchObject({ created: 2, testRun: false });
    batch = { receiptId: submitted.receipt.id };

    // Condominium: the building's OSI plans a work.
    const planned = await ok(
      planWork,
      {
        input: {
          buildingId: world.buildingId,
          title: 'Roof repair over entrance 2',
          plannedCost: '1250000.50',
          plannedStart: addCalendarDays(today, 10),
          plannedEnd: addCalendarDays(today, 40),
        },
      },
      world.manager.token,
    );
    work = { id: planned.planWork.work.id, receiptId: planned.planWork.receipt.id };
  });
  afterAll(async () => {
    await system?.close();
  });

  it('a TESTING object of the supplier reads its subject’s METER_READINGS_BATCH, one change for the call', async () => {
    const testing = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.ReadingsSubmit], {
      subjectId: supplier.subjectId,
      testing: true,
    });
    expect(await feedOf(testing, ['METER_READINGS_BATCH', 'METER_READING'])).toEqual([
      {
        type: 'METER_READINGS_BATCH',
        entityId: batch.receiptId,
        operation: 'CREATED',
        receiptId: batch.receiptId,
        katoCode: null,
        subjectId: supplier.subjectId,
      },
    ]);
    // Not the OSI's planned work: another subject's record outside any territory of its grants.
    expect(await feedOf(testing, ['PLANNED_WORK'])).toEqual([]);
  });

  it('a TESTING object of the OSI reads the PLANNED_WORK of the building it manages, not the supplier’s batch', async () => {
    const testing = await fixture.machine('OSI', [AccessFunction.CondominiumManage], {
      subjectId: world.manager.subjectId,
      testing: true,
    });
    expect(await feedOf(testing, ['PLANNED_WORK'])).toEqual([
      expect.objectContaining({
        type: 'PLANNED_WORK',
        entityId: work.id,
        operation: 'CREATED',
        receiptId: work.receiptId,
        subjectId: world.manager.subjectId,
      }),
    ]);
    expect(await feedOf(testing, ['METER_READINGS_BATCH'])).toEqual([]);
  });

  it('a national TESTING object with ANALYTICS_READ reads both', async () => {
    const analyst = await fixture.machine('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead], { testing: true });
    const nodes = await feedOf(analyst, ['METER_READINGS_BATCH', 'PLANNED_WORK']);
    expect(nodes.map((node) => `${node.type}:${node.entityId}`)).toEqual([
      `METER_READINGS_BATCH:${batch.receiptId}`,
      `PLANNED_WORK:${work.id}`,
    ]);
  });
});
