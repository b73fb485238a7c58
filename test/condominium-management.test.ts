import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { addCalendarDays, almatyDate } from '../lib/working-calendar.js';
import { managementAssignments } from '../schema/condominium.js';
import { receipts } from '../schema/platform.js';
import { callerForToken } from '../subgraphs/access/caller-resolution.js';
import { buildingInput, insertTerritories } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture } from './support/caller-fixtures.js';
import { callerHeaders } from './support/signed-request.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

// Who manages a building: open to everyone through the federated Building, assigned
// by the Administrator only, validated against the subject and building it links.

const assign = `mutation($input: AssignManagementInput!) {
  assignManagement(input: $input) { assignment { id subjectId subjectKind validFrom validTo building { id } } receipt { operation } } }`;
const buildingWithManagement = `query($id: ID!) { building(id: $id) { id cadastralNumber management { subjectId subjectKind validFrom validTo } } }`;

describe('condominium management', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let buildingId: string;
  let osiId: string;
  let companyId: string;
  let manager: Actor;

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    await insertTerritories(system.db);
    const registrar = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain]);
    const registered = await system.query(
      `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
      { input: buildingInput() },
      { token: registrar.token },
    );
    expect(registered.errors).toBeUndefined();
    buildingId = registered.data?.registerBuilding.building.id;
    osiId = (await fixture.access.subject('OSI')).id;
    companyId = (await fixture.access.subject('MANAGEMENT_COMPANY')).id;
    manager = await fixture.person('OSI', [AccessFunction.CondominiumManage], { subjectId: osiId });
  });
  afterAll(async () => {
    await system?.close();
  });

  async function assignments(): Promise<number> {
    const [row] = await system.db
      .select({ n: count() })
      .from(managementAssignments)
      .where(eq(managementAssignments.buildingId, buildingId));
    return row?.n ?? -1;
  }

  it('lets only the Administrator assign management', async () => {
    const anonymous = await system.query(assign, { input: { buildingId, subjectId: osiId, validFrom: '2025-01-01' } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const osiItself = await system.query(
      assign,
      { input: { buildingId, subjectId: osiId, validFrom: '2025-01-01' } },
      { token: manager.token },
    );
    expect(osiItself.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await assignments()).toBe(0);
  });

  it('shows the current management to anyone on the federated Building, and keeps the history', async () => {
    const first = await system.query(
      assign,
      { input: { buildingId, subjectId: osiId, validFrom: '2025-01-01' } },
      { token: fixture.adminToken },
    );
    expect(first.errors).toBeUndefined();
    expect(first.data?.assignManagement).toMatchObject({
      assignment: { subjectId: osiId, subjectKind: 'OSI', validFrom: '2025-01-01', validTo: null, building: { id: buildingId } },
      receipt: { operation: 'condominium.assignManagement' },
    });
    const asOsi = await system.query(buildingWithManagement, { id: buildingId });
    expect(asOsi.errors).toBeUndefined();
    expect(asOsi.data?.building.management).toEqual({ subjectId: osiId, subjectKind: 'OSI', validFrom: '2025-01-01', validTo: null });

    const second = await system.query(
      assign,
      { input: { buildingId, subjectId: companyId, validFrom: '2026-03-01' } },
      { token: fixture.adminToken },
    );
    expect(second.errors).toBeUndefined();
    const asCompany = await system.query(buildingWithManagement, { id: buildingId });
    expect(asCompany.data?.building.management).toEqual({
      subjectId: companyId,
      subjectKind: 'MANAGEMENT_COMPANY',
      validFrom: '2026-03-01',
      validTo: null,
    });
    const history = await system.query(`query($id: ID!) { managementHistory(buildingId: $id) { subjectKind validFrom validTo } }`, {
      id: buildingId,
    });
    expect(history.data?.managementHistory).toEqual([
      { subjectKind: 'MANAGEMENT_COMPANY', validFrom: '2026-03-01', validTo: null },
      { subjectKind: 'OSI', validFrom: '2025-01-01', validTo: '2026-03-01' },
    ]);
  });

  it('names the wrong field and writes nothing for a subject of another kind or of nowhere, an unknown building or an earlier start', async () => {
    const before = await assignments();
    const [receiptsBefore] = await system.db
      .select({ n: count() })
      .from(receipts)
      .where(eq(receipts.operation, 'condominium.assignManagement'));
    const supplier = await fixture.access.subject('UTILITY_SUPPLIER');
    // A target that exists nowhere is NOT_FOUND; one that exists but cannot be used is BAD_USER_INPUT.
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ buildingId, subjectId: supplier.id }, 'BAD_USER_INPUT', 'input.subjectId'],
      [{ buildingId, subjectId: randomUUID() }, 'NOT_FOUND', 'input.subjectId'],
      [{ buildingId: randomUUID(), subjectId: osiId }, 'NOT_FOUND', 'input.buildingId'],
      [{ buildingId, subjectId: osiId, validFrom: '2026-02-01' }, 'BAD_USER_INPUT', 'input.validFrom'],
      [{ buildingId: 'not-an-id', subjectId: osiId }, 'BAD_USER_INPUT', 'input.buildingId'],
      [{ buildingId, subjectId: 'not-an-id' }, 'BAD_USER_INPUT', 'input.subjectId'],
    ];
    for (const [input, code, field] of cases) {
      const response = await system.query(assign, { input }, { token: fixture.adminToken });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code, field });
      expect(response.data).toBeNull();
    }
    const again = await system.query(assign, { input: { buildingId, subjectId: companyId } }, { token: fixture.adminToken });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.subjectId' });
    // The same ids in upper case are the same building and subject.
    const shouted = await system.query(
      assign,
      { input: { buildingId: buildingId.toUpperCase(), subjectId: companyId.toUpperCase() } },
      { token: fixture.adminToken },
    );
    expect(shouted.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.subjectId' });
    expect(await assignments()).toBe(before);
    const [receiptsAfter] = await system.db
      .select({ n: count() })
      .from(receipts)
      .where(eq(receipts.operation, 'condominium.assignManagement'));
    expect(receiptsAfter?.n).toBe(receiptsBefore?.n);
  });

  it('refuses a form the subject cannot take and documents the form does not have, writing nothing', async () => {
    const before = await assignments();
    const today = almatyDate(new Date());
    const representative = (await fixture.access.subject('PREMISES_OWNER')).id;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ subjectId: osiId, form: 'MANAGEMENT_COMPANY' }, 'input.subjectId'],
      [{ subjectId: representative, form: 'OSI' }, 'input.subjectId'],
      [{ subjectId: osiId, contract: { number: 'A-1', date: '2026-01-01' } }, 'input.contract'],
      [{ subjectId: osiId, taxCertificate: { number: 'T-1', issuedOn: today } }, 'input.taxCertificate'],
      [{ subjectId: companyId, form: 'TEMPORARY_MANAGEMENT_COMPANY' }, 'input.taxCertificate'],
      [
        {
          subjectId: companyId,
          form: 'TEMPORARY_MANAGEMENT_COMPANY',
          taxCertificate: { number: 'T-2', issuedOn: addCalendarDays(today, 1) },
        },
        'input.taxCertificate.issuedOn',
      ],
      [
        { subjectId: companyId, form: 'TEMPORARY_MANAGEMENT_COMPANY', taxCertificate: { number: ' ', issuedOn: today } },
        'input.taxCertificate.number',
      ],
    ];
    for (const [input, field] of cases) {
      const response = await system.query(assign, { input: { buildingId, ...input } }, { token: fixture.adminToken });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await assignments()).toBe(before);
  });

  it('reads the history by an id written in upper case', async () => {
    const history = await system.query(`query($id: ID!) { managementHistory(buildingId: $id) { subjectKind } }`, {
      id: buildingId.toUpperCase(),
    });
    expect(history.data?.managementHistory).toEqual([{ subjectKind: 'MANAGEMENT_COMPANY' }, { subjectKind: 'OSI' }]);
  });

  it('serves only Building entities straight from the subgraph, and never `_service`', async () => {
    const admin = callerHeaders(await callerForToken(system.db, fixture.adminToken), system.gatewaySecret);
    const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Building { id management { subjectKind } } } }`;
    const open = await postGraphQL(
      system.subgraphUrls.condominium,
      entities,
      { representations: [{ __typename: 'Building', id: buildingId }] },
      callerHeaders({ kind: 'anonymous' }, system.gatewaySecret),
    );
    expect(open.errors).toBeUndefined();
    expect(open.data?._entities).toEqual([{ id: buildingId, management: { subjectKind: 'MANAGEMENT_COMPANY' } }]);

    const foreign = await postGraphQL(
      system.subgraphUrls.condominium,
      entities,
      {
        representations: [
          { __typename: 'Building', id: buildingId },
          { __typename: 'PersonalAccount', id: randomUUID() },
        ],
      },
      admin,
    );
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(foreign.data?._entities ?? null).toBeNull();

    const service = await postGraphQL(system.subgraphUrls.condominium, '{ _service { sdl } }', {}, admin);
    expect(service.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(service.data ?? null)).not.toContain('ManagementAssignment');
  });
});
