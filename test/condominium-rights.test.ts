import { and, count, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { addCalendarDays, addMonths, almatyDate } from '../lib/working-calendar.js';
import { houseCouncilMembers, managementAssignments } from '../schema/condominium.js';
import { makeIin } from './support/access-fixtures.js';
import { ALMATY, ASTANA, buildingInput, ESIL, iin } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture } from './support/caller-fixtures.js';
import { TestAuthority } from './support/signature-authority.js';
import { callerHeaders } from './support/signed-request.js';
import { type GraphQLResponse, postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

// Rights follow the building (issue 7, item 2), through the gateway: a manager acts only on
// the buildings it manages now (and loses them on the next request after its assignment
// ends), an owner only where they own premises, a local executive body only in its territory;
// the public reads the management of a building but no person's identity. The owner signs
// in with their EDS (a CA made by the test), as owners do.

const record = `mutation($input: RecordHouseCouncilMemberInput!) {
  recordHouseCouncilMember(input: $input) { member { id fullName iin chair premise { id } } receipt { operation } } }`;
const endMembership = `mutation($id: ID!) { endHouseCouncilMembership(id: $id) { member { id validTo } } }`;
const assign = `mutation($input: AssignManagementInput!) { assignManagement(input: $input) { assignment { id form } } }`;
const appoint = `mutation($input: AppointTemporaryManagerInput!) {
  appointTemporaryManager(input: $input) { assignment { form subjectId managerName taxCertificateNumber taxCertificateIssuedOn appointedBySubjectId } receipt { operation } } }`;
const council = `query($id: ID!) { building(id: $id) { houseCouncilSize houseCouncil { fullName iin chair premise { id number } } } }`;

describe('condominium rights follow the building', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  /** Managed by osiA: premises 1 owned by `owner`, premises 2 by `neighbour`. */
  let buildingA: string;
  /** Managed by osiB: premises 1 owned by someone else. */
  let buildingB: string;
  /** In Astana, unmanaged. */
  let buildingC: string;
  /** In Almaty, unmanaged until a temporary company is appointed. */
  let buildingD: string;
  let premisesA1: string;
  let premisesA2: string;
  let premisesB1: string;
  let osiA: string;
  let osiB: string;
  let company: string;
  let managerA: Actor;
  let managerB: Actor;
  let ownerToken: string;
  let ownerIin: string;
  const neighbourIin = iin(7001);
  const strangerIin = iin(7002);

  async function addApartment(buildingId: string, identificationNumber: string, name: string): Promise<string> {
    const added = await system.query(
      `mutation($id: ID!, $premises: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $premises) { premises { id } } }`,
      {
        id: buildingId,
        premises: [{ kind: 'APARTMENT', number: String((apartmentNumber += 1)), owners: [{ kind: 'PERSON', identificationNumber, name }] }],
      },
      { token: registrarToken },
    );
    expect(added.errors).toBeUndefined();
    return added.data?.addPremises.premises[0].id;
  }

  let registrarToken: string;
  let apartmentNumber = 0;

  async function members(buildingId: string): Promise<number> {
    const [row] = await system.db.select({ n: count() }).from(houseCouncilMembers).where(eq(houseCouncilMembers.buildingId, buildingId));
    return row?.n ?? -1;
  }

  /** Signs in through the gateway with an EDS certificate naming `iin`: the session token of that person. */
  async function signInWithEds(authority: TestAuthority, iinOfSigner: string): Promise<string> {
    const challenge = await system.query('mutation { requestSignInChallenge { id nonce } }');
    const { id, nonce } = challenge.data?.requestSignInChallenge ?? {};
    const signer = await authority.issue({ iin: iinOfSigner, commonName: 'ВЛАДЕЛЕЦ КВАРТИРЫ' });
    const signedIn = await system.query(
      `mutation($id: ID!, $signature: String!) { signInWithSignature(challengeId: $id, signature: $signature) { token } }`,
      { id, signature: await authority.sign(signer, new TextEncoder().encode(nonce)) },
    );
    expect(signedIn.errors).toBeUndefined();
    return signedIn.data?.signInWithSignature.token;
  }

  beforeAll(async () => {
    const authority = await TestAuthority.create('ECDSA');
    process.env.SIGNATURE_TRUST_ROOTS = authority.rootsPem;
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    const registrar = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain, AccessFunction.PremisesMaintain]);
    registrarToken = registrar.token;
    ownerIin = makeIin();
    ownerToken = await signInWithEds(authority, ownerIin);

    const registeredA = await system.query(
      `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
      { input: buildingInput() },
      { token: registrarToken },
    );
    buildingA = registeredA.data?.registerBuilding.building.id;
    const registeredB = await system.query(
      `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
      { input: buildingInput() },
      { token: registrarToken },
    );
    buildingB = registeredB.data?.registerBuilding.building.id;
    const registeredC = await system.query(
      `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
      { input: buildingInput({ katoCode: ESIL }) },
      { token: registrarToken },
    );
    buildingC = registeredC.data?.registerBuilding.building.id;
    const registeredD = await system.query(
      `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
      { input: buildingInput() },
      { token: registrarToken },
    );
    buildingD = registeredD.data?.registerBuilding.building.id;
    expect([buildingA, buildingB, buildingC, buildingD].every(Boolean)).toBe(true);
    premisesA1 = await addApartment(buildingA, ownerIin, 'Owner Person');
    premisesA2 = await addApartment(buildingA, neighbourIin, 'Neighbour Person');
    premisesB1 = await addApartment(buildingB, strangerIin, 'Stranger Person');

    osiA = (await fixture.access.subject('OSI')).id;
    osiB = (await fixture.access.subject('OSI')).id;
    company = (await fixture.access.subject('MANAGEMENT_COMPANY')).id;
    managerA = await fixture.person('OSI', [AccessFunction.CondominiumManage], { subjectId: osiA });
    managerB = await fixture.person('OSI', [AccessFunction.CondominiumManage], { subjectId: osiB });
    for (const [buildingId, subjectId] of [
      [buildingA, osiA],
      [buildingB, osiB],
    ]) {
      const assigned = await system.query(
        assign,
        { input: { buildingId, subjectId, validFrom: '2025-01-01' } },
        { token: fixture.adminToken },
      );
      expect(assigned.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await system?.close();
    delete process.env.SIGNATURE_TRUST_ROOTS;
  });

  it('lets a manager keep the house council of a building it manages, and of no other', async () => {
    const mine = await system.query(
      record,
      {
        input: {
          buildingId: buildingA,
          premiseId: premisesA2,
          iin: neighbourIin,
          fullName: 'Neighbour Person',
          chair: true,
          validFrom: '2025-06-01',
        },
      },
      { token: managerA.token },
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.recordHouseCouncilMember).toMatchObject({
      member: { fullName: 'Neighbour Person', iin: neighbourIin, chair: true, premise: { id: premisesA2 } },
      receipt: { operation: 'condominium.recordHouseCouncilMember' },
    });

    const notMine = await system.query(
      record,
      { input: { buildingId: buildingB, premiseId: premisesB1, iin: strangerIin, fullName: 'Stranger Person' } },
      { token: managerA.token },
    );
    expect(notMine.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await members(buildingB)).toBe(0);

    // An owner, or a local executive body without the function, writes nothing either.
    const asOwner = await system.query(
      record,
      { input: { buildingId: buildingA, premiseId: premisesA1, iin: ownerIin, fullName: 'Owner Person' } },
      { token: ownerToken },
    );
    expect(asOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await system.query(record, {
      input: { buildingId: buildingA, premiseId: premisesA1, iin: ownerIin, fullName: 'Owner Person' },
    });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await members(buildingA)).toBe(1);
  });

  it('refuses a member who does not own the premises, or premises of another building, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ premiseId: premisesB1, iin: strangerIin }, 'BAD_USER_INPUT', 'input.premiseId'],
      [{ premiseId: premisesA1, iin: strangerIin }, 'BAD_USER_INPUT', 'input.iin'],
      [{ premiseId: premisesA1, iin: '123' }, 'BAD_USER_INPUT', 'input.iin'],
      [{ premiseId: premisesA1, iin: ownerIin, chair: true }, 'CONFLICT', 'input.chair'],
      [{ premiseId: 'nope', iin: ownerIin }, 'BAD_USER_INPUT', 'input.premiseId'],
    ];
    for (const [input, code, field] of cases) {
      const response = await system.query(
        record,
        { input: { buildingId: buildingA, fullName: 'Someone', ...input } },
        { token: managerA.token },
      );
      expect(response.errors?.[0]?.extensions).toMatchObject({ code, field });
    }
    expect(await members(buildingA)).toBe(1);
  });

  it('recognizes an owner, by IIN, only in buildings where they own premises', async () => {
    const mine = await system.query(`{ myPremises { id number building { id } } }`, {}, { token: ownerToken });
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.myPremises).toEqual([{ id: premisesA1, number: expect.any(String), building: { id: buildingA } }]);

    const own = await system.query(council, { id: buildingA }, { token: ownerToken });
    expect(own.errors).toBeUndefined();
    expect(own.data?.building.houseCouncil).toEqual([
      { fullName: 'Neighbour Person', iin: neighbourIin, chair: true, premise: { id: premisesA2, number: expect.any(String) } },
    ]);

    const other = await system.query(council, { id: buildingB }, { token: ownerToken });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(other.data)).not.toContain(strangerIin);

    // Another building's manager is no more than a stranger here.
    const otherManager = await system.query(council, { id: buildingA }, { token: managerB.token });
    expect(otherManager.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(otherManager.data)).not.toContain(neighbourIin);

    const anonymous = await system.query(`{ myPremises { id } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('shows house council members to a local executive body with PERSONAL_DATA_READ in its territory only', async () => {
    const almaty = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.PersonalDataRead], { territoryKato: ALMATY });
    const astana = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.PersonalDataRead], { territoryKato: ASTANA });
    const inTerritory = await system.query(council, { id: buildingA }, { token: almaty.token });
    expect(inTerritory.errors).toBeUndefined();
    expect(inTerritory.data?.building.houseCouncil.map((member: { iin: string }) => member.iin)).toEqual([neighbourIin]);
    const outside = await system.query(council, { id: buildingA }, { token: astana.token });
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(outside.data)).not.toContain(neighbourIin);
  });

  it('gives the public the management and the council size, never a person, also through `_entities`', async () => {
    const open = await system.query(
      `query($id: ID!) { building(id: $id) { houseCouncilSize management { form subjectId subjectKind managerName } } }`,
      { id: buildingA },
    );
    expect(open.errors).toBeUndefined();
    expect(open.data?.building).toEqual({
      houseCouncilSize: 1,
      management: { form: 'OSI', subjectId: osiA, subjectKind: 'OSI', managerName: expect.stringMatching(/^Subject /) },
    });
    const refused = await system.query(council, { id: buildingA });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(refused)).not.toContain(neighbourIin);

    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Building { houseCouncil { fullName iin } } } }`;
    const direct = await postGraphQL(
      system.subgraphUrls.condominium,
      entities,
      { r: [{ __typename: 'Building', id: buildingA }] },
      callerHeaders({ kind: 'anonymous' }, system.gatewaySecret),
    );
    expect(direct.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(direct)).not.toContain(neighbourIin);
    expect(JSON.stringify(direct)).not.toContain('Neighbour');
  });

  it("ends a manager's right on the next request after its assignment ends, and gives it to the new manager", async () => {
    const [membership] = await system.db
      .select({ id: houseCouncilMembers.id })
      .from(houseCouncilMembers)
      .where(eq(houseCouncilMembers.buildingId, buildingA));
    const today = almatyDate(new Date());
    const handedOver = await system.query(
      assign,
      { input: { buildingId: buildingA, subjectId: osiB, validFrom: today } },
      { token: fixture.adminToken },
    );
    expect(handedOver.errors).toBeUndefined();

    const former = await system.query(endMembership, { id: membership?.id }, { token: managerA.token });
    expect(former.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const formerRecord = await system.query(
      record,
      { input: { buildingId: buildingA, premiseId: premisesA1, iin: ownerIin, fullName: 'Owner Person' } },
      { token: managerA.token },
    );
    expect(formerRecord.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await members(buildingA)).toBe(1);

    const successor = await system.query(endMembership, { id: membership?.id }, { token: managerB.token });
    expect(successor.errors).toBeUndefined();
    expect(successor.data?.endHouseCouncilMembership.member.validTo).toBe(today);
    const periods = `query($id: ID!) { building(id: $id) { houseCouncilSize houseCouncilHistory { iin validFrom validTo } } }`;
    const history = await system.query(periods, { id: buildingA }, { token: managerB.token });
    expect(history.errors).toBeUndefined();
    expect(history.data?.building).toEqual({
      houseCouncilSize: 0,
      houseCouncilHistory: [{ iin: neighbourIin, validFrom: '2025-06-01', validTo: today }],
    });
    const anonymous = await system.query(periods, { id: buildingA });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(anonymous)).not.toContain(neighbourIin);
    // Not even the periods: who sat on the council is for those the building concerns.
    for (const token of [undefined, managerA.token]) {
      const periodsOnly = await system.query(
        `query($id: ID!) { building(id: $id) { houseCouncilHistory { validFrom } } }`,
        { id: buildingA },
        { token },
      );
      expect(periodsOnly.errors?.[0]?.extensions?.code).toBe(token ? 'FORBIDDEN' : 'UNAUTHENTICATED');
      expect(periodsOnly.data?.building?.houseCouncilHistory ?? null).toBeNull();
    }
  });

  it("lets a local executive body appoint a temporary manager in its territory, to a building without an owners' manager, with a certificate not older than a month", async () => {
    const akimat = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.CondominiumManage], { territoryKato: ALMATY });
    const today = almatyDate(new Date());
    const monthAgo = addMonths(today, -1);
    const stale = await system.query(
      appoint,
      { input: { buildingId: buildingD, subjectId: company, taxCertificate: { number: 'TC-1', issuedOn: addCalendarDays(monthAgo, -1) } } },
      { token: akimat.token },
    );
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.taxCertificate.issuedOn' });

    const elsewhere = await system.query(
      appoint,
      { input: { buildingId: buildingC, subjectId: company, taxCertificate: { number: 'TC-2', issuedOn: today } } },
      { token: akimat.token },
    );
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Building A is managed by an OSI its owners formed: no temporary company over it.
    const overOsi = await system.query(
      appoint,
      { input: { buildingId: buildingA, subjectId: company, taxCertificate: { number: 'TC-3', issuedOn: today } } },
      { token: akimat.token },
    );
    expect(overOsi.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.buildingId' });
    const stillOsi = await system.query(`query($id: ID!) { building(id: $id) { management { form subjectId } } }`, { id: buildingA });
    expect(stillOsi.data?.building.management).toEqual({ form: 'OSI', subjectId: osiB });

    const appointed = await system.query(
      appoint,
      { input: { buildingId: buildingD, subjectId: company, taxCertificate: { number: 'TC-4', issuedOn: monthAgo } } },
      { token: akimat.token },
    );
    expect(appointed.errors).toBeUndefined();
    expect(appointed.data?.appointTemporaryManager).toMatchObject({
      assignment: {
        form: 'TEMPORARY_MANAGEMENT_COMPANY',
        subjectId: company,
        managerName: expect.stringMatching(/^Subject /),
        taxCertificateNumber: 'TC-4',
        taxCertificateIssuedOn: monthAgo,
        appointedBySubjectId: akimat.subjectId,
      },
      receipt: { operation: 'condominium.appointTemporaryManager' },
    });
  });

  it("names only the form under direct joint management, and counts a territory's buildings by form", async () => {
    const representative = (await fixture.access.subject('PREMISES_OWNER')).id;
    const direct = await system.query(
      assign,
      { input: { buildingId: buildingC, subjectId: representative } },
      { token: fixture.adminToken },
    );
    expect(direct.errors).toBeUndefined();
    expect(direct.data?.assignManagement.assignment.form).toBe('DIRECT_JOINT_MANAGEMENT');
    const open = await system.query(`query($id: ID!) { building(id: $id) { management { form subjectId subjectKind managerName } } }`, {
      id: buildingC,
    });
    expect(open.data?.building.management).toEqual({
      form: 'DIRECT_JOINT_MANAGEMENT',
      subjectId: null,
      subjectKind: 'PREMISES_OWNER',
      managerName: null,
    });
    expect(JSON.stringify(open)).not.toContain(representative);

    const regions = await system.query(
      `{ almaty: region(katoCode: "${ALMATY}") { managementForms { form buildingCount } unmanagedBuildingCount }
         astana: region(katoCode: "${ASTANA}") { managementForms { form buildingCount } unmanagedBuildingCount } }`,
    );
    expect(regions.errors).toBeUndefined();
    const counts = (forms: Array<{ form: string; buildingCount: number }>) =>
      Object.fromEntries(forms.map((f) => [f.form, f.buildingCount]));
    expect(counts(regions.data?.almaty.managementForms)).toEqual({
      OSI: 2,
      MANAGEMENT_COMPANY: 0,
      DIRECT_JOINT_MANAGEMENT: 0,
      TEMPORARY_MANAGEMENT_COMPANY: 1,
    });
    expect(regions.data?.almaty.unmanagedBuildingCount).toBe(0);
    expect(counts(regions.data?.astana.managementForms)).toMatchObject({ DIRECT_JOINT_MANAGEMENT: 1, OSI: 0 });
  });

  it('re-checks the assignment inside the write: ending it while a write waits on it refuses the write, writing nothing', async () => {
    const today = almatyDate(new Date());
    let pending: Promise<GraphQLResponse> | undefined;
    await system.db.transaction(async (tx) => {
      // The administrator's change, not yet committed: the write's rule still sees osiB managing building B.
      await tx
        .update(managementAssignments)
        .set({ validTo: today })
        .where(and(eq(managementAssignments.buildingId, buildingB), isNull(managementAssignments.validTo)));
      pending = system.query(
        record,
        { input: { buildingId: buildingB, premiseId: premisesB1, iin: strangerIin, fullName: 'Stranger Person' } },
        { token: managerB.token },
      );
      // The write reaches the assignment's row and waits for this transaction.
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const [waiting] = await system.db.execute<{ n: number }>(sql`
          select count(*)::int as n from pg_stat_activity
           where wait_event_type = 'Lock' and query ilike '%management_assignments%for share%'`);
        if ((waiting?.n ?? 0) > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('The write never waited on the assignment.');
    });
    const response = await pending;
    expect(response?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response?.errors?.[0]?.message).toContain('no longer manages');
    expect(await members(buildingB)).toBe(0);
  });
});
