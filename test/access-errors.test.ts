import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { definition as access } from '../subgraphs/access/definition.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { AccessFixture, makeBin } from './support/access-fixtures.js';
import { type SubgraphWithoutDatabase, startSubgraphWithoutDatabase } from './support/outage.js';
import { type GraphQLResponse, startTestSystem, type TestSystem } from './support/system.js';

// The error convention of docs/architecture.md, on the access subgraph through the gateway:
// one case of every code, and SERVICE_UNAVAILABLE from the subgraph when its database is
// unreachable.

const suspendGrant = `mutation($id: ID!) { suspendGrant(grantId: $id) { grant { id } receipt { id } } }`;
const createSubject = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { subject { id } receipt { id } } }`;

function codes(response: GraphQLResponse): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

describe('access errors', () => {
  let system: TestSystem;
  let fx: AccessFixture;
  let adminToken: string;
  /** A person holding a grant for a supplier: signed in, no administrator. */
  let person: { token: string; personId: string; grantId: string };

  beforeAll(async () => {
    system = await startTestSystem();
    fx = await AccessFixture.create(system.db);
    adminToken = (await new TokenRepository(system.db).issueSessionToken(fx.adminPersonId)).token;
    const subject = await fx.subject('UTILITY_SUPPLIER');
    const agreement = await fx.agreement(subject.id, ['READINGS_SUBMIT']);
    const holder = await fx.person();
    const grant = await fx.grant({ personId: holder.id, agreementId: agreement.id, functions: ['READINGS_SUBMIT'] });
    person = { token: (await new TokenRepository(system.db).issueSessionToken(holder.id)).token, personId: holder.id, grantId: grant.id };
  });
  afterAll(async () => {
    await system?.close();
  });

  /** What the access subgraph has placed: a write refused must leave all of it as it was. */
  async function placed(): Promise<{ subjects: number; history: number; receipts: number }> {
    const [row] = await system.db.execute<{ subjects: number; history: number; receipts: number }>(sql`
      select (select count(*) from access.subjects)::int as subjects,
             (select count(*) from access.grant_history)::int as history,
             (select count(*) from platform.receipts where operation like 'access.%')::int as receipts`);
    return row!;
  }

  it('BAD_USER_INPUT names a malformed id, in a filter and in an argument', async () => {
    const filtered = await system.query(
      `{ grants(filter: { subjectId: "not-an-id" }) { edges { node { id } } } }`,
      {},
      { token: adminToken },
    );
    expect(filtered.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.subjectId' });
    const argument = await system.query(`{ grant(id: "42") { id } }`, {}, { token: adminToken });
    expect(argument.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const input = await system.query(suspendGrant, { id: 'x' }, { token: adminToken });
    expect(input.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'grantId' });
  });

  it('NOT_FOUND for the target of a write that does not exist, naming the field; nothing written', async () => {
    const before = await placed();
    const missing = await system.query(suspendGrant, { id: randomUUID() }, { token: adminToken });
    expect(codes(missing)).toEqual(['NOT_FOUND']);
    expect(missing.errors?.[0]?.extensions?.field).toBe('grantId');
    expect(missing.data).toBeNull();
    // A record the input refers to is NOT_FOUND too.
    const agreement = await system.query(
      `mutation($input: CreateAgreementInput!) { createAgreement(input: $input) { agreement { id } } }`,
      {
        input: { subjectId: randomUUID(), functions: ['READINGS_SUBMIT'] },
      },
      { token: adminToken },
    );
    expect(agreement.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.subjectId' });
    expect(await placed()).toEqual(before);
  });

  it('null, and no error, for a look-up by id of nothing', async () => {
    const response = await system.query(
      `query($id: ID!) { grant(id: $id) { id } subject(id: $id) { id } revocationPreview(grantId: $id) { blockedReason } }`,
      { id: randomUUID() },
      { token: adminToken },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ grant: null, subject: null, revocationPreview: null });
  });

  it('UNAUTHENTICATED for an anonymous caller on a protected field', async () => {
    const response = await system.query(`{ me { isAdministrator } }`);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.status).toBe(200);
  });

  it('FORBIDDEN when the caller’s rights do not allow it; nothing written', async () => {
    const other = await fx.person();
    const otherToken = (await new TokenRepository(system.db).issueSessionToken(other.id)).token;
    const before = await placed();
    const response = await system.query(suspendGrant, { id: person.grantId }, { token: person.token });
    expect(codes(response)).toEqual(['FORBIDDEN']);
    // A person renouncing someone else's grant: the manager's check on the specific grant.
    const renounced = await system.query(
      `mutation($id: ID!) { renounceGrant(grantId: $id) { receipt { id } } }`,
      { id: person.grantId },
      { token: otherToken },
    );
    expect(codes(renounced)).toEqual(['FORBIDDEN']);
    expect(await placed()).toEqual(before);
  });

  it('CONFLICT for a subject whose identification number is already registered, naming the field and never the value; nothing written', async () => {
    const identificationNumber = makeBin();
    const input = { kind: 'UTILITY_SUPPLIER', name: 'Тепло', identificationNumber };
    expect((await system.query(createSubject, { input }, { token: adminToken })).errors).toBeUndefined();
    const before = await placed();
    const duplicate = await system.query(createSubject, { input: { ...input, name: 'Другое' } }, { token: adminToken });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.identificationNumber' });
    expect(JSON.stringify(duplicate.errors)).not.toContain(identificationNumber);
    expect(await placed()).toEqual(before);
  });
});

describe('access errors when the database is unreachable', () => {
  let subgraph: SubgraphWithoutDatabase;
  const administrator: Caller = { kind: 'person', personId: randomUUID(), tokenId: randomUUID(), isAdministrator: true, grants: [] };
  const holder: Caller = {
    kind: 'person',
    personId: randomUUID(),
    tokenId: randomUUID(),
    isAdministrator: false,
    grants: [
      {
        grantId: randomUUID(),
        subjectId: randomUUID(),
        subjectKind: 'UTILITY_SUPPLIER',
        territoryKato: null,
        functions: ['READINGS_SUBMIT'],
      },
    ],
  };

  beforeAll(async () => {
    subgraph = await startSubgraphWithoutDatabase(access);
  });
  afterAll(async () => {
    await subgraph?.close();
  });

  it('SERVICE_UNAVAILABLE when a rule needs the database (and the write is still refused)', async () => {
    // Activating a delegation: the rule reads the grant to find the delegating grant the caller holds.
    const response = await subgraph.call(holder, `mutation($id: ID!) { activateGrant(grantId: $id) { grant { id } } }`, {
      id: randomUUID(),
    });
    expect(response.data).toBeNull();
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
  });

  it('SERVICE_UNAVAILABLE when a resolver needs the database, without internals in the answer', async () => {
    const response = await subgraph.call(administrator, '{ subjects(first: 5) { edges { node { id } } } }');
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(JSON.stringify(response.errors)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });
});
