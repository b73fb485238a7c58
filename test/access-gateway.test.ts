import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { isAdministrator } from '../lib/auth/shield.js';
import { definition } from '../subgraphs/access/definition.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { AccessFixture, makeBin, makeIin } from './support/access-fixtures.js';
import { callerHeaders } from './support/signed-request.js';
import { type GraphQLResponse, postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

// The access subgraph end to end: real tokens, the real gateway, real HTTP and PostgreSQL.

let system: TestSystem;
let fx: AccessFixture;
let adminToken: string;

beforeAll(async () => {
  system = await startTestSystem();
  fx = await AccessFixture.create(system.db);
  adminToken = (await new TokenRepository(system.db).issueSessionToken(fx.adminPersonId)).token;
});
afterAll(async () => {
  await system?.close();
});

function codes(response: GraphQLResponse): string[] {
  return (response.errors ?? []).map((e) => String(e.extensions?.code));
}

async function admin<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await system.query<T>(query, variables, { token: adminToken });
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data as T;
}

const receiptFields = 'receipt { id operation receivedAt recordedAt }';

/** A supplier, its agreement, and a person with an active grant and a session token: built through the API. */
async function supplierWithPerson(functions = ['PERSONAL_ACCOUNTS_MAINTAIN', 'READINGS_SUBMIT']) {
  const { createSubject } = await admin(
    `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { subject { id kind name } ${receiptFields} } }`,
    { input: { kind: 'UTILITY_SUPPLIER', name: 'Алматы Су', identificationNumber: makeBin(), email: 'office@su.kz' } },
  );
  const { createPerson } = await admin(
    `mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id fullName } ${receiptFields} } }`,
    {
      input: { iin: makeIin(), fullName: 'Айгерим Садыкова', email: 'aigerim@su.kz', phone: '+7 701 000 00 00' },
    },
  );
  const { createAgreement } = await admin(
    `mutation($input: CreateAgreementInput!) { createAgreement(input: $input) { agreement { id kind functions subject { id } } ${receiptFields} } }`,
    { input: { subjectId: createSubject.subject.id, functions, reference: 'AG-1' } },
  );
  const { grantAccess } = await admin(
    `mutation($input: GrantAccessInput!) { grantAccess(input: $input) { grant { id state inEffect } ${receiptFields} } }`,
    { input: { personId: createPerson.person.id, agreementId: createAgreement.agreement.id, functions } },
  );
  expect(grantAccess.grant).toMatchObject({ state: 'PENDING', inEffect: false });
  const { activateGrant } = await admin(
    `mutation($id: ID!) { activateGrant(grantId: $id) { grant { id state inEffect } ${receiptFields} } }`,
    { id: grantAccess.grant.id },
  );
  expect(activateGrant.grant).toMatchObject({ state: 'ACTIVE', inEffect: true });
  for (const payload of [createSubject, createPerson, createAgreement, grantAccess, activateGrant]) {
    expect(payload.receipt.operation).toMatch(/^access\./);
    expect(new Date(payload.receipt.recordedAt).getTime()).toBeGreaterThanOrEqual(new Date(payload.receipt.receivedAt).getTime());
  }
  const token = (await new TokenRepository(system.db).issueSessionToken(createPerson.person.id)).token;
  return {
    subjectId: createSubject.subject.id as string,
    personId: createPerson.person.id as string,
    agreementId: createAgreement.agreement.id as string,
    grantId: activateGrant.grant.id as string,
    token,
  };
}

const submitApplication = `mutation($input: SubmitApplicationInput!) {
  submitApplication(input: $input) { application { id status deadline overdue contactEmail } ${receiptFields} }
}`;

describe('access subgraph through the gateway', () => {
  it('me: the caller and their grants in effect; anonymous callers must sign in', async () => {
    const actor = await supplierWithPerson();
    const me = await system.query(
      `{ me { isAdministrator person { id fullName iin email } grants { id functions subject { id } } } }`,
      {},
      { token: actor.token },
    );
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({
      isAdministrator: false,
      person: { id: actor.personId, fullName: 'Айгерим Садыкова', email: 'aigerim@su.kz' },
    });
    expect(me.data?.me.grants).toEqual([
      { id: actor.grantId, functions: ['PERSONAL_ACCOUNTS_MAINTAIN', 'READINGS_SUBMIT'], subject: { id: actor.subjectId } },
    ]);
    const anonymous = await system.query('{ me { isAdministrator } }');
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });

  it('every lifecycle change takes effect on the very next request', async () => {
    const actor = await supplierWithPerson();
    const input = { subjectId: actor.subjectId, digitalObjectName: 'Billing', functions: ['READINGS_SUBMIT'], contactEmail: 'it@su.kz' };
    const apply = () => system.query(submitApplication, { input }, { token: actor.token });
    expect(codes(await apply())).toEqual([]);

    await admin(`mutation($id: ID!) { suspendGrant(grantId: $id, comment: "Check BIN") { grant { state } ${receiptFields} } }`, {
      id: actor.grantId,
    });
    expect(codes(await apply())).toEqual(['FORBIDDEN']);
    await admin(`mutation($id: ID!) { reinstateGrant(grantId: $id) { grant { state } } }`, { id: actor.grantId });
    expect(codes(await apply())).toEqual([]);

    const renounced = await system.query(
      `mutation($id: ID!) { renounceGrant(grantId: $id, comment: "Left") { endedGrants { id effectiveState endGround } ${receiptFields} } }`,
      { id: actor.grantId },
      { token: actor.token },
    );
    expect(renounced.errors).toBeUndefined();
    expect(renounced.data?.renounceGrant.endedGrants).toEqual([{ id: actor.grantId, effectiveState: 'ENDED', endGround: 'RENOUNCED' }]);
    expect(codes(await apply())).toEqual(['FORBIDDEN']);

    const { grant } = await admin(`query($id: ID!) { grant(id: $id) { state history { fromState toState ground comment actor } } }`, {
      id: actor.grantId,
    });
    expect(grant.history.map((h: { toState: string; ground: string | null }) => [h.toState, h.ground])).toEqual([
      ['PENDING', null],
      ['ACTIVE', null],
      ['SUSPENDED', 'FALSE_DATA'],
      ['ACTIVE', null],
      ['ENDED', 'RENOUNCED'],
    ]);
    expect(grant.history.at(-1).actor).toBe(`person:${actor.personId}`);
  });

  it('administrator tools: grants by filter, explainAccess, revocationPreview, then endGrant cascades', async () => {
    const actor = await supplierWithPerson();
    const delegate = await fx.person();
    const delegation = await system.query(
      `mutation($input: GrantAccessInput!) { grantAccess(input: $input) { grant { id state parent { id } validUntil } } }`,
      { input: { personId: delegate.id, parentGrantId: actor.grantId, functions: ['READINGS_SUBMIT'] } },
      { token: actor.token },
    );
    expect(delegation.errors).toBeUndefined();
    const childId = delegation.data?.grantAccess.grant.id as string;
    expect(
      codes(
        await system.query(
          `mutation($id: ID!) { activateGrant(grantId: $id) { grant { state } } }`,
          { id: childId },
          { token: actor.token },
        ),
      ),
    ).toEqual([]);

    const listed = await admin(
      `query($f: GrantFilter) { grants(filter: $f, first: 1) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
      {
        f: { subjectId: actor.subjectId, state: 'ACTIVE', function: 'READINGS_SUBMIT' },
      },
    );
    expect(listed.grants.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([childId]);
    expect(listed.grants.pageInfo.hasNextPage).toBe(true);
    const next = await admin(
      `query($f: GrantFilter, $after: String) { grants(filter: $f, first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }`,
      {
        f: { subjectId: actor.subjectId, state: 'ACTIVE', function: 'READINGS_SUBMIT' },
        after: listed.grants.pageInfo.endCursor,
      },
    );
    expect(next.grants.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([actor.grantId]);
    expect(next.grants.pageInfo.hasNextPage).toBe(false);

    const explain = `query($p: ID!, $s: ID!, $f: AccessFunction!) {
      explainAccess(personId: $p, subjectId: $s, function: $f) { decision reason grant { id } chain { id } agreement { id } assessments { grant { id } allows reason } }
    }`;
    const allowed = await admin(explain, { p: delegate.id, s: actor.subjectId, f: 'READINGS_SUBMIT' });
    expect(allowed.explainAccess).toMatchObject({
      decision: 'ALLOWED',
      grant: { id: childId },
      chain: [{ id: childId }, { id: actor.grantId }],
      agreement: { id: actor.agreementId },
    });
    const wrongFunction = await admin(explain, { p: delegate.id, s: actor.subjectId, f: 'TARIFFS_MAINTAIN' });
    expect(wrongFunction.explainAccess).toMatchObject({ decision: 'REFUSED', grant: null, chain: [] });
    expect(wrongFunction.explainAccess.assessments[0].reason).toContain('does not include TARIFFS_MAINTAIN');

    const preview = await admin(
      `query($id: ID!) { revocationPreview(grantId: $id) { grant { id } blockedReason grants { id } digitalObjects { id } } }`,
      { id: actor.grantId },
    );
    expect(preview.revocationPreview).toEqual({
      grant: { id: actor.grantId },
      blockedReason: null,
      grants: [{ id: actor.grantId }, { id: childId }],
      digitalObjects: [],
    });
    // Nothing was written by the preview.
    expect((await admin(explain, { p: delegate.id, s: actor.subjectId, f: 'READINGS_SUBMIT' })).explainAccess.decision).toBe('ALLOWED');

    const ended = await admin(
      `mutation($input: EndGrantInput!) { endGrant(input: $input) { endedGrants { id endGround } disabledDigitalObjects { id } ${receiptFields} } }`,
      {
        input: { grantId: actor.grantId, ground: 'OTHER_LEGAL_GROUND', legalBasis: 'Court order 2-55/2026' },
      },
    );
    expect(ended.endGrant.endedGrants).toEqual([
      { id: actor.grantId, endGround: 'OTHER_LEGAL_GROUND' },
      { id: childId, endGround: 'CASCADE' },
    ]);
    const refused = await admin(explain, { p: delegate.id, s: actor.subjectId, f: 'READINGS_SUBMIT' });
    expect(refused.explainAccess.decision).toBe('REFUSED');
    expect(refused.explainAccess.reason).toContain('CASCADE');

    const withoutBasis = await system.query(
      `mutation($input: EndGrantInput!) { endGrant(input: $input) { receipt { id } } }`,
      { input: { grantId: childId, ground: 'OTHER_LEGAL_GROUND' } },
      { token: adminToken },
    );
    expect(withoutBasis.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.legalBasis' });
  });

  it('integration applications: submission, overdue list, approval, notifications', async () => {
    const actor = await supplierWithPerson();
    const submitted = await system.query(
      submitApplication,
      { input: { subjectId: actor.subjectId, digitalObjectName: 'Meters', functions: ['READINGS_SUBMIT'], contactEmail: 'meters@su.kz' } },
      { token: actor.token },
    );
    expect(submitted.errors).toBeUndefined();
    const application = submitted.data?.submitApplication.application;
    expect(application).toMatchObject({ status: 'SUBMITTED', overdue: false, contactEmail: 'meters@su.kz' });
    expect(application.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const approved = await admin(
      `mutation($id: ID!) {
      approveApplication(applicationId: $id, terms: { reference: "INT-7" }) {
        application { status agreement { kind } } digitalObject { id status } grant { inEffect digitalObject { id } } ${receiptFields}
      }
    }`,
      { id: application.id },
    );
    expect(approved.approveApplication).toMatchObject({
      application: { status: 'APPROVED', agreement: { kind: 'INTEGRATION' } },
      digitalObject: { status: 'TESTING' },
      grant: { inEffect: true },
    });
    const tested = await admin(`mutation($id: ID!) { markDigitalObjectTested(digitalObjectId: $id) { digitalObject { status liveAt } } }`, {
      id: approved.approveApplication.digitalObject.id,
    });
    expect(tested.markDigitalObjectTested.digitalObject.status).toBe('LIVE');

    const { notifications } = await admin(
      `{ notifications(undeliveredOnly: true, first: 500) { edges { node { kind recipientEmail subject deliveredAt } } } }`,
    );
    expect(notifications.edges.map((e: { node: unknown }) => e.node)).toContainEqual(
      expect.objectContaining({ kind: 'application.approved', recipientEmail: 'meters@su.kz', deliveredAt: null }),
    );

    const { holidays } = await admin(`{ holidays(year: 2026) { date kind nameRu } }`);
    expect(holidays).toContainEqual({ date: '2026-03-21', kind: 'PUBLIC_HOLIDAY', nameRu: 'Праздник Наурыз' });
    expect(holidays).toContainEqual({ date: '2026-12-16', kind: 'PUBLIC_HOLIDAY', nameRu: 'День Независимости' });
    const { overdueApplications } = await admin(`{ overdueApplications { id overdue } }`);
    expect(overdueApplications.every((a: { overdue: boolean }) => a.overdue)).toBe(true);
  });

  it('administrators only: other callers get FORBIDDEN, anonymous ones UNAUTHENTICATED', async () => {
    const actor = await supplierWithPerson();
    for (const query of [
      '{ grants { edges { node { id } } } }',
      `{ person(id: "${actor.personId}") { id } }`,
      '{ notifications { edges { node { id } } } }',
      '{ overdueApplications { id } }',
      `{ revocationPreview(grantId: "${actor.grantId}") { blockedReason } }`,
    ]) {
      expect(codes(await system.query(query, {}, { token: actor.token })), query).toEqual(['FORBIDDEN']);
      expect(codes(await system.query(query)), query).toEqual(['UNAUTHENTICATED']);
    }
    const mutation = await system.query(
      `mutation($id: ID!) { endGrant(input: { grantId: $id, ground: REVOKED }) { receipt { id } } }`,
      { id: actor.grantId },
      { token: actor.token },
    );
    expect(codes(mutation)).toEqual(['FORBIDDEN']);
    // Another person's grant cannot be renounced by its non-holder.
    const other = await supplierWithPerson();
    expect(
      codes(
        await system.query(
          `mutation($id: ID!) { renounceGrant(grantId: $id) { receipt { id } } }`,
          { id: actor.grantId },
          { token: other.token },
        ),
      ),
    ).toEqual(['FORBIDDEN']);
  });

  it('every administrators-only field refuses a person who is not one (FORBIDDEN) and anonymous callers (UNAUTHENTICATED), writing nothing', async () => {
    const actor = await supplierWithPerson();
    const { submitApplication: submitted } = await admin(submitApplication, {
      input: {
        subjectId: actor.subjectId,
        digitalObjectName: 'Refused tools',
        functions: ['READINGS_SUBMIT'],
        contactEmail: 'tools@su.kz',
      },
    });
    const applicationId = submitted.application.id as string;
    const ids = { p: actor.personId, s: actor.subjectId, g: actor.grantId, a: applicationId, ag: actor.agreementId };
    // Each administrators-only field, called with real ids and valid arguments, so only the rule can refuse it.
    const operations: Record<string, string> = {
      'Query.subject': `{ subject(id: "${ids.s}") { __typename } }`,
      'Query.subjects': '{ subjects { __typename } }',
      'Query.person': `{ person(id: "${ids.p}") { __typename } }`,
      'Query.grant': `{ grant(id: "${ids.g}") { __typename } }`,
      'Query.grants': '{ grants { __typename } }',
      'Query.explainAccess': `{ explainAccess(personId: "${ids.p}", function: READINGS_SUBMIT, subjectId: "${ids.s}") { __typename } }`,
      'Query.revocationPreview': `{ revocationPreview(grantId: "${ids.g}") { __typename } }`,
      'Query.application': `{ application(id: "${ids.a}") { __typename } }`,
      'Query.applications': '{ applications { __typename } }',
      'Query.overdueApplications': '{ overdueApplications { __typename } }',
      'Query.digitalObject': `{ digitalObject(id: "${ids.a}") { __typename } }`,
      'Query.notifications': '{ notifications { __typename } }',
      'Mutation.createSubject': `mutation { createSubject(input: { kind: UTILITY_SUPPLIER, name: "Refused", identificationNumber: "${makeBin()}" }) { __typename } }`,
      'Mutation.createPerson': `mutation { createPerson(input: { iin: "${makeIin()}", fullName: "Refused Person" }) { __typename } }`,
      'Mutation.createAgreement': `mutation { createAgreement(input: { subjectId: "${ids.s}", functions: [READINGS_SUBMIT] }) { __typename } }`,
      'Mutation.suspendGrant': `mutation { suspendGrant(grantId: "${ids.g}") { __typename } }`,
      'Mutation.reinstateGrant': `mutation { reinstateGrant(grantId: "${ids.g}") { __typename } }`,
      'Mutation.endGrant': `mutation { endGrant(input: { grantId: "${ids.g}", ground: REVOKED }) { __typename } }`,
      'Mutation.approveApplication': `mutation { approveApplication(applicationId: "${ids.a}") { __typename } }`,
      'Mutation.refuseApplication': `mutation { refuseApplication(applicationId: "${ids.a}", reason: "No") { __typename } }`,
      'Mutation.markDigitalObjectTested': `mutation { markDigitalObjectTested(digitalObjectId: "${ids.a}") { __typename } }`,
      'Mutation.addHoliday': 'mutation { addHoliday(input: { date: "2031-07-07", nameKk: "Тест", nameRu: "Тест" }) { __typename } }',
      'Mutation.removeHoliday': 'mutation { removeHoliday(date: "2026-03-21") { __typename } }',
      'Mutation.issueSessionToken': `mutation { issueSessionToken(personId: "${ids.p}") { __typename } }`,
      'Mutation.issueApiToken': `mutation { issueApiToken(digitalObjectId: "${ids.a}", label: "x") { __typename } }`,
      // Below the root: a subject's grants, reached through the caller's own grant.
      'Subject.grants': '{ me { grants { subject { grants { id } } } } }',
    };
    // Reachable only below administrators-only root fields, so refused there already.
    const onlyUnderAdministratorRoots = new Set(['Notification.recipientEmail']);

    const rules = definition.permissions as Record<string, Record<string, unknown>>;
    const administratorsOnly = Object.entries(rules).flatMap(([type, fields]) =>
      Object.entries(fields)
        .filter(([, rule]) => rule === isAdministrator)
        .map(([field]) => `${type}.${field}`),
    );
    expect(administratorsOnly.filter((field) => !onlyUnderAdministratorRoots.has(field)).sort()).toEqual(Object.keys(operations).sort());

    const counts = async () => {
      const [row] = await system.db.execute<{
        subjects: number;
        persons: number;
        agreements: number;
        history: number;
        holidays: number;
        tokens: number;
      }>(sql`
        select (select count(*)::int from access.subjects) as subjects, (select count(*)::int from access.persons) as persons,
               (select count(*)::int from access.agreements) as agreements, (select count(*)::int from access.grant_history) as history,
               (select count(*)::int from platform.holidays) as holidays, (select count(*)::int from access.api_tokens) as tokens`);
      return row;
    };
    const before = await counts();
    for (const [field, operation] of Object.entries(operations)) {
      const refused = await system.query(operation, {}, { token: actor.token });
      expect(codes(refused), field).toEqual(['FORBIDDEN']);
      expect(refused.errors?.[0]?.path?.at(-1), field).toBe(field.split('.')[1]);
      expect(codes(await system.query(operation)), field).toEqual(['UNAUTHENTICATED']);
    }
    expect(await counts()).toEqual(before);
    // Nothing changed on the way: the grant is still in effect, the application still under review.
    const { grant, application } = await admin(`query($g: ID!, $a: ID!) { grant(id: $g) { state } application(id: $a) { status } }`, {
      g: ids.g,
      a: ids.a,
    });
    expect({ grant, application }).toEqual({ grant: { state: 'ACTIVE' }, application: { status: 'SUBMITTED' } });
  });

  it('personal data reach administrators and the person themself only, and never appear in errors', async () => {
    const actor = await supplierWithPerson();
    const delegate = await fx.person();
    const { grantAccess } = await admin(`mutation($input: GrantAccessInput!) { grantAccess(input: $input) { grant { id } } }`, {
      input: { personId: delegate.id, parentGrantId: actor.grantId, functions: ['READINGS_SUBMIT'] },
    });
    const delegateToken = (await new TokenRepository(system.db).issueSessionToken(delegate.id)).token;
    await admin(`mutation($id: ID!) { activateGrant(grantId: $id) { grant { id } } }`, { id: grantAccess.grant.id });
    // The delegate sees their delegator's grant, but not the delegator's name or IIN.
    const read = await system.query(`{ me { grants { parent { person { id fullName iin } } } } }`, {}, { token: delegateToken });
    expect(read.data?.me.grants[0].parent.person).toEqual({ id: actor.personId, fullName: null, iin: null });
    expect(codes(read)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(read.errors?.map((e) => e.path?.at(-1)).sort()).toEqual(['fullName', 'iin']);
    const idOnly = await system.query(
      `{ me { grants { parent { person { id } subject { name identificationNumber } } } } }`,
      {},
      { token: delegateToken },
    );
    expect(idOnly.errors).toBeUndefined();
    expect(idOnly.data?.me.grants[0].parent).toMatchObject({ person: { id: actor.personId }, subject: { name: 'Алматы Су' } });
    expect(idOnly.data?.me.grants[0].parent.subject.identificationNumber).toMatch(/^\d{12}$/);

    const { person } = await admin(`query($id: ID!) { person(id: $id) { iin fullName phone } }`, { id: actor.personId });
    expect(person).toMatchObject({ fullName: 'Айгерим Садыкова', phone: '+7 701 000 00 00' });

    const badIin = '123456789012';
    const invalid = await system.query(
      `mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }`,
      { input: { iin: badIin, fullName: 'Тест Тестов' } },
      { token: adminToken },
    );
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.iin' });
    expect(JSON.stringify(invalid.errors)).not.toContain(badIin);
    // A duplicate is CONFLICT (BAD_USER_INPUT before the error convention), still naming the field and never the value.
    const duplicate = await system.query(
      `mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }`,
      { input: { iin: person.iin, fullName: 'Другой' } },
      { token: adminToken },
    );
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.iin' });
    expect(JSON.stringify(duplicate.errors)).not.toContain(person.iin);
  });

  it('the subgraph itself: _entities only for signed-in callers with per-field rules, _service never', async () => {
    const actor = await supplierWithPerson();
    const url = system.subgraphUrls.access;
    const as = (caller: Caller) => callerHeaders(caller, system.gatewaySecret);
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { id name identificationNumber } } }`;
    const representation = { r: [{ __typename: 'Subject', id: actor.subjectId }] };
    const stranger: Caller = {
      kind: 'person',
      personId: fx.adminPersonId.replace(/.$/, '0'),
      tokenId: 't',
      isAdministrator: false,
      grants: [],
    };
    const member: Caller = {
      kind: 'person',
      personId: actor.personId,
      tokenId: 't',
      isAdministrator: false,
      grants: [
        {
          grantId: actor.grantId,
          subjectId: actor.subjectId,
          subjectKind: 'UTILITY_SUPPLIER',
          territoryKato: null,
          functions: ['READINGS_SUBMIT'],
        },
      ],
    };

    expect(codes(await postGraphQL(url, entities, representation, as({ kind: 'anonymous' })))).toEqual(['UNAUTHENTICATED']);
    const strangers = await postGraphQL(url, entities, representation, as(stranger));
    expect(strangers.data?._entities[0]).toMatchObject({ id: actor.subjectId, name: 'Алматы Су', identificationNumber: null });
    expect(codes(strangers)).toEqual(['FORBIDDEN']);
    // One field per request: a refused non-null list nulls the whole entity and hides its siblings' errors.
    const refusedFields = async (caller: Caller) => {
      const refused: string[] = [];
      for (const field of ['email', 'agreements { id }', 'digitalObjects { id }', 'grants { id }']) {
        const response = await postGraphQL(
          url,
          `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { ${field} } } }`,
          representation,
          as(caller),
        );
        if (response.errors) refused.push(`${field.split(' ')[0]}: ${codes(response).join()}`);
      }
      return refused;
    };
    expect(await refusedFields(stranger)).toEqual([
      'email: FORBIDDEN',
      'agreements: FORBIDDEN',
      'digitalObjects: FORBIDDEN',
      'grants: FORBIDDEN',
    ]);
    // Acting for the subject opens its details, but its list of grants stays the administrators'.
    expect(await refusedFields(member)).toEqual(['grants: FORBIDDEN']);
    const members = await postGraphQL(url, entities, representation, as(member));
    expect(members.errors).toBeUndefined();
    expect(members.data?._entities[0].identificationNumber).toMatch(/^\d{12}$/);
    expect(
      codes(
        await postGraphQL(
          url,
          `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
          { r: [{ __typename: 'Person', id: actor.personId }] },
          as(member),
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(codes(await postGraphQL(url, '{ _service { sdl } }', {}, as({ ...member, isAdministrator: false })))).toEqual(['FORBIDDEN']);
    // Unsigned requests never reach a resolver.
    expect(codes(await postGraphQL(url, '{ me { isAdministrator } }'))).toEqual(['UNAUTHENTICATED']);
  });

  it("a natural person's name reaches, also through _entities, only administrators and those acting for the subject; organisations' names every signed-in caller", async () => {
    const url = system.subgraphUrls.access;
    const as = (caller: Caller) => callerHeaders(caller, system.gatewaySecret);
    const create = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { subject { id name } } }`;
    const register = async (kind: string, name: string, identificationNumber: string) =>
      (await admin(create, { input: { kind, name, identificationNumber } })).createSubject.subject.id as string;
    const owner = await register('PREMISES_OWNER', 'Иванов Иван Иванович', makeIin());
    const councilOfOnePerson = await register('HOUSE_COUNCIL', 'Петрова Анна Сергеевна', makeIin());
    const councilOrganisation = await register('HOUSE_COUNCIL', 'Совет дома «Береке»', makeBin());
    const member = await fx.person();
    const agreement = await fx.agreement(owner, ['CONDOMINIUM_MANAGE']);
    const grant = await fx.grant({ personId: member.id, agreementId: agreement.id, functions: ['CONDOMINIUM_MANAGE'] });

    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { id kind name } } }`;
    const names = async (caller: Caller, id: string) => {
      const response = await postGraphQL(url, entities, { r: [{ __typename: 'Subject', id }] }, as(caller));
      return { name: response.data?._entities[0]?.name ?? null, kind: response.data?._entities[0]?.kind, codes: codes(response) };
    };
    const stranger: Caller = { kind: 'person', personId: member.id.replace(/.$/, '0'), tokenId: 't', isAdministrator: false, grants: [] };
    const acting: Caller = {
      kind: 'person',
      personId: member.id,
      tokenId: 't',
      isAdministrator: false,
      grants: [
        { grantId: grant.id, subjectId: owner, subjectKind: 'PREMISES_OWNER', territoryKato: null, functions: ['CONDOMINIUM_MANAGE'] },
      ],
    };
    const administrator: Caller = { kind: 'person', personId: fx.adminPersonId, tokenId: 't', isAdministrator: true, grants: [] };

    expect(await names(stranger, owner)).toEqual({ name: null, kind: 'PREMISES_OWNER', codes: ['FORBIDDEN'] });
    expect(await names(stranger, councilOfOnePerson)).toEqual({ name: null, kind: 'HOUSE_COUNCIL', codes: ['FORBIDDEN'] });
    expect(await names(stranger, councilOrganisation)).toEqual({ name: 'Совет дома «Береке»', kind: 'HOUSE_COUNCIL', codes: [] });
    expect(await names(acting, owner)).toEqual({ name: 'Иванов Иван Иванович', kind: 'PREMISES_OWNER', codes: [] });
    expect(await names(administrator, owner)).toEqual({ name: 'Иванов Иван Иванович', kind: 'PREMISES_OWNER', codes: [] });
    // Through the gateway too: the person acting for the owner reads the name with their grant.
    const memberToken = (await new TokenRepository(system.db).issueSessionToken(member.id)).token;
    const mine = await system.query(`{ me { grants { subject { id name } } } }`, {}, { token: memberToken });
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.me.grants).toEqual([{ subject: { id: owner, name: 'Иванов Иван Иванович' } }]);
  });

  it('tokens: issued once, listed without the secret, revoked from the next request; a disabled digital object keeps its token but no right', async () => {
    const actor = await supplierWithPerson();
    const { submitApplication: submitted } = await admin(submitApplication, {
      input: {
        subjectId: actor.subjectId,
        digitalObjectName: 'Readings gateway',
        functions: ['READINGS_SUBMIT'],
        contactEmail: 'gw@su.kz',
      },
    });
    const { approveApplication } = await admin(
      `mutation($id: ID!) { approveApplication(applicationId: $id) { digitalObject { id } grant { id } } }`,
      { id: submitted.application.id },
    );
    const objectId = approveApplication.digitalObject.id as string;
    // Tokens place no information: no receipt (runWrite).
    const { issueApiToken } = await admin(
      `mutation($id: ID!) { issueApiToken(digitalObjectId: $id, label: "prod") { token apiToken { id label revokedAt digitalObject { id } } } }`,
      { id: objectId },
    );
    expect(issueApiToken.apiToken).toMatchObject({ label: 'prod', revokedAt: null, digitalObject: { id: objectId } });
    const machineToken = issueApiToken.token as string;
    const machineMe = await system.query(`{ me { person { id } digitalObject { id status } grants { id } } }`, {}, { token: machineToken });
    expect(machineMe.data?.me).toEqual({
      person: null,
      digitalObject: { id: objectId, status: 'TESTING' },
      grants: [{ id: approveApplication.grant.id }],
    });

    const { apiTokens } = await admin(`query($id: ID) { apiTokens(digitalObjectId: $id) { id label } }`, { id: objectId });
    expect(apiTokens).toEqual([{ id: issueApiToken.apiToken.id, label: 'prod' }]);
    expect(JSON.stringify(apiTokens)).not.toContain(machineToken);

    // A person signs out: their own token is revoked and refused from the next request.
    const own = await system.query(
      `query($id: ID) { apiTokens(personId: $id) { id revokedAt } }`,
      { id: actor.personId },
      { token: actor.token },
    );
    expect(own.errors).toBeUndefined();
    const [session] = own.data?.apiTokens ?? [];
    expect(
      codes(await system.query(`query($id: ID) { apiTokens(personId: $id) { id } }`, { id: fx.adminPersonId }, { token: actor.token })),
    ).toEqual(['FORBIDDEN']);
    expect(
      codes(await system.query(`query($id: ID) { apiTokens(digitalObjectId: $id) { id } }`, { id: objectId }, { token: actor.token })),
    ).toEqual(['FORBIDDEN']);
    // Anonymous callers list and revoke nothing; a person may not revoke a token not theirs, which keeps working.
    const revokeToken = `mutation($id: ID!) { revokeApiToken(tokenId: $id) { apiToken { revokedAt } } }`;
    expect(codes(await system.query(`query($id: ID) { apiTokens(personId: $id) { id } }`, { id: actor.personId }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(codes(await system.query(revokeToken, { id: session.id }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await system.query(revokeToken, { id: issueApiToken.apiToken.id }, { token: actor.token }))).toEqual(['FORBIDDEN']);
    expect(codes(await system.query('{ me { digitalObject { id } } }', {}, { token: machineToken }))).toEqual([]);
    const revoked = await system.query(
      `mutation($id: ID!) { revokeApiToken(tokenId: $id) { apiToken { revokedAt } } }`,
      { id: session.id },
      { token: actor.token },
    );
    expect(revoked.data?.revokeApiToken.apiToken.revokedAt).not.toBeNull();
    expect(codes(await system.query('{ me { isAdministrator } }', {}, { token: actor.token }))).toEqual(['UNAUTHENTICATED']);

    // Ending the digital object's last grant disables it: its token still identifies it (FORBIDDEN, not UNAUTHENTICATED), with no right left.
    const ended = await admin(
      `mutation($id: ID!) { endGrant(input: { grantId: $id, ground: GROUNDS_ENDED }) { disabledDigitalObjects { id status } } }`,
      { id: approveApplication.grant.id },
    );
    expect(ended.endGrant.disabledDigitalObjects).toEqual([{ id: objectId, status: 'DISABLED' }]);
    const disabledMe = await system.query(`{ me { digitalObject { status } grants { id } } }`, {}, { token: machineToken });
    expect(disabledMe.data?.me).toEqual({ digitalObject: { status: 'DISABLED' }, grants: [] });
    expect(codes(await system.query(`{ holidays(year: 2026) { date } }`, {}, { token: machineToken }))).toEqual([]);
    const again = await system.query(
      `mutation($id: ID!) { issueApiToken(digitalObjectId: $id, label: "again") { token } }`,
      { id: objectId },
      { token: adminToken },
    );
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'digitalObjectId' });
  });
});
