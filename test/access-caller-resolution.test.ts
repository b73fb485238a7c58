import { eq } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { signCaller } from '../lib/auth/signed-caller.js';
import { generateToken } from '../lib/auth/tokens.js';
import { connectDatabase } from '../lib/db.js';
import { apiTokens, persons } from '../schema/access.js';
import { bootstrapAdministrator } from '../subgraphs/access/bootstrap.js';
import { authenticate, callerForToken } from '../subgraphs/access/caller-resolution.js';
import { loadEffectiveGrants } from '../subgraphs/access/effective-grants-repository.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { AuthFixture, makeIin } from './support/caller-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { startTestSystem, type TestSystem } from './support/system.js';

async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof GraphQLError ? String(error.extensions.code) : `not a GraphQLError: ${String(error)}`;
  }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('caller resolution (the access service resolving a bearer token)', () => {
  let database: TestDatabase;
  let fixture: AuthFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    fixture = await AuthFixture.create(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('is anonymous without an Authorization header, and refuses malformed or unknown tokens', async () => {
    expect(await authenticate({}, database.db)).toEqual({ kind: 'anonymous' });
    expect(await refusal(authenticate({ authorization: 'Basic dXNlcjpwYXNz' }, database.db))).toBe('UNAUTHENTICATED');
    expect(await refusal(authenticate({ authorization: 'Bearer ' }, database.db))).toBe('UNAUTHENTICATED');
    expect(await refusal(authenticate({ authorization: 'Bearer short' }, database.db))).toBe('UNAUTHENTICATED');
    expect(await refusal(authenticate(bearer(generateToken()), database.db))).toBe('UNAUTHENTICATED');
  });

  it('never reads identity from headers the client sends', async () => {
    const forged = signCaller(
      { kind: 'person', personId: fixture.access.adminPersonId, tokenId: 'x', isAdministrator: true, grants: [] },
      'a'.repeat(40),
    );
    expect(await authenticate({ 'x-housing-caller': forged, 'x-user-id': fixture.access.adminPersonId }, database.db)).toEqual({
      kind: 'anonymous',
    });
  });

  it('resolves a person and a digital object with exactly the grants loadEffectiveGrants gives, in ONE statement', async () => {
    const person = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain, AccessFunction.TariffsMaintain]);
    const machine = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.ReadingsSubmit]);
    const statements: string[] = [];
    const counted = connectDatabase(database.url, { onQuery: (query) => statements.push(query) });
    try {
      // postgres.js reads the array types once per client, on its first statement.
      await authenticate({ authorization: `Bearer ${generateToken()}` }, counted.db).catch(() => {});
      statements.length = 0;
      const personCaller = await authenticate(bearer(person.token), counted.db);
      expect(statements).toHaveLength(1);
      expect(personCaller).toMatchObject({ kind: 'person', isAdministrator: false, ...person.owner });
      expect(personCaller.kind !== 'anonymous' && personCaller.grants).toEqual(
        await loadEffectiveGrants(database.db, person.owner as { personId: string }),
      );
      expect(personCaller.kind !== 'anonymous' && personCaller.grants.map((g) => g.grantId)).toEqual([person.grantId]);

      const machineCaller = await authenticate(bearer(machine.token), counted.db);
      expect(statements).toHaveLength(2);
      expect(machineCaller).toMatchObject({ kind: 'machine', isAdministrator: false, ...machine.owner });
      expect(machineCaller.kind !== 'anonymous' && machineCaller.grants).toEqual(
        await loadEffectiveGrants(database.db, machine.owner as { digitalObjectId: string }),
      );
    } finally {
      await counted.close();
    }
  });

  it('agrees with loadEffectiveGrants through suspension, reinstatement, cascade and expiry', async () => {
    const { access } = fixture;
    const subject = await access.subject('UTILITY_SUPPLIER');
    const functions = [AccessFunction.PersonalAccountsMaintain, AccessFunction.MetersMaintain];
    const agreement = await access.agreement(subject.id, functions);
    const chief = await access.person();
    const deputy = await access.person();
    const root = await access.grant({ personId: chief.id, agreementId: agreement.id, functions });
    const until = new Date(Date.now() + 60 * 60 * 1000);
    const delegated = await access.grant({
      personId: deputy.id,
      parentGrantId: root.id,
      functions: [AccessFunction.MetersMaintain],
      validUntil: until,
    });
    const shortLived = await access.grant({
      personId: deputy.id,
      agreementId: agreement.id,
      functions: [AccessFunction.PersonalAccountsMaintain],
      validUntil: new Date(Date.now() + 30 * 60 * 1000),
    });
    const { token } = await new TokenRepository(database.db).issueSessionToken(deputy.id);

    const grantIds = async (at?: Date) => {
      const caller = await callerForToken(database.db, token, at);
      const expected = await loadEffectiveGrants(database.db, { personId: deputy.id }, at);
      expect(caller.kind !== 'anonymous' && caller.grants).toEqual(expected);
      return expected.map((grant) => grant.grantId).sort();
    };
    expect(await grantIds()).toEqual([delegated.id, shortLived.id].sort());
    // Expiry decided at request time from the stored period.
    expect(await grantIds(new Date(Date.now() + 45 * 60 * 1000))).toEqual([delegated.id]);
    expect(await grantIds(new Date(until.getTime() + 1000))).toEqual([]);

    await access.service.suspendGrant(root.id, 'false data under review', access.acting());
    expect(await grantIds()).toEqual([shortLived.id]);
    await access.service.reinstateGrant(root.id, 'reviewed', access.acting());
    expect(await grantIds()).toEqual([delegated.id, shortLived.id].sort());
    await fixture.revoke(root.id);
    expect(await grantIds()).toEqual([shortLived.id]);
  });

  it('refuses an expired session token and marks when a token was last used', async () => {
    const person = await fixture.access.person();
    const tokens = new TokenRepository(database.db);
    const stale = await tokens.issueSessionToken(person.id, { now: new Date(Date.now() - 13 * 60 * 60 * 1000) });
    expect(await refusal(authenticate(bearer(stale.token), database.db))).toBe('UNAUTHENTICATED');
    const fresh = await tokens.issueSessionToken(person.id);
    const caller = await authenticate(bearer(fresh.token), database.db);
    expect(caller).toMatchObject({ kind: 'person', personId: person.id, tokenId: fresh.metadata.id, grants: [] });
    const [row] = await database.db.select({ lastUsedAt: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.id, fresh.metadata.id));
    expect(row?.lastUsedAt).toBeInstanceOf(Date);
  });
});

describe('bootstrapAdministrator', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('creates one administrator for the configured token, once, even when started twice at the same moment', async () => {
    const token = generateToken();
    const results = await Promise.all([bootstrapAdministrator(database.db, token), bootstrapAdministrator(database.db, token)]);
    expect(results.map((result) => result.created).sort()).toEqual([false, true]);
    expect(results[0]?.personId).toBe(results[1]?.personId);
    expect(await bootstrapAdministrator(database.db, token)).toEqual({ created: false, personId: results[0]?.personId });
    const administrators = await database.db.select().from(persons).where(eq(persons.isAdministrator, true));
    expect(administrators).toHaveLength(1);
    const caller = await authenticate(bearer(token), database.db);
    expect(caller).toMatchObject({ kind: 'person', personId: results[0]?.personId, isAdministrator: true });
  });

  it('does nothing for another token once an administrator exists, and refuses a short token', async () => {
    const other = generateToken();
    expect((await bootstrapAdministrator(database.db, other)).created).toBe(false);
    expect(await refusal(authenticate(bearer(other), database.db))).toBe('UNAUTHENTICATED');
    await expect(bootstrapAdministrator(database.db, 'too-short')).rejects.toThrow(/32 to 512/);
  });
});

describe('bootstrapAdministrator with a token that already belongs to someone', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('refuses to make that account an administrator, and creates none', async () => {
    const [person] = await database.db.insert(persons).values({ iin: makeIin(), fullName: 'Ordinary user' }).returning({ id: persons.id });
    const token = generateToken();
    await new TokenRepository(database.db).store(token, { personId: person!.id }, { label: 'session', expiresAt: null });
    await expect(bootstrapAdministrator(database.db, token)).rejects.toThrow(/already in use/);
    expect(await database.db.select().from(persons).where(eq(persons.isAdministrator, true))).toEqual([]);
    expect(await authenticate(bearer(token), database.db)).toMatchObject({ personId: person!.id, isAdministrator: false });
  });
});

describe('through the gateway', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  const protectedQuery = '{ personalAccounts(first: 1) { edges { node { id } } } }';
  const bootstrapToken = generateToken();

  beforeAll(async () => {
    system = await startTestSystem();
    // As at first start: no administrator yet.
    expect((await bootstrapAdministrator(system.db, bootstrapToken)).created).toBe(true);
    fixture = await AuthFixture.create(system.db);
  });
  afterAll(async () => {
    await system?.close();
  });

  it('answers a revoked token with 401 UNAUTHENTICATED on the very next request', async () => {
    const supplier = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    const before = await system.query(protectedQuery, {}, { token: supplier.token });
    expect(before.errors).toBeUndefined();
    const tokenId = ((await supplier.caller()) as Extract<Caller, { kind: 'person' }>).tokenId;
    await new TokenRepository(system.db).revoke(tokenId);
    const after = await system.query(protectedQuery, {}, { token: supplier.token });
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.data ?? null).toBeNull();
  });

  it('answers a revoked grant with FORBIDDEN on the very next request', async () => {
    const supplier = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    expect((await system.query(protectedQuery, {}, { token: supplier.token })).errors).toBeUndefined();
    await fixture.revoke(supplier.grantId);
    const after = await system.query(protectedQuery, {}, { token: supplier.token });
    expect(after.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(after.data).toBeNull();
  });

  it('ignores an x-housing-caller header sent by a client, even one validly signed', async () => {
    const admin: Caller = { kind: 'person', personId: fixture.access.adminPersonId, tokenId: 'forged', isAdministrator: true, grants: [] };
    const forged = signCaller(admin, system.gatewaySecret);
    const anonymous = await system.query(protectedQuery, {}, { headers: { 'x-housing-caller': forged } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const supplier = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    const subject = await fixture.access.subject('UTILITY_SUPPLIER');
    const escalation = await system.query(
      `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
      { input: { subjectId: subject.id, name: 'Forged', bin: '100140000011', services: ['GAS'] } },
      { token: supplier.token, headers: { 'x-housing-caller': forged } },
    );
    expect(escalation.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(escalation.data).toBeNull();
  });

  it('lets the bootstrap token act as the administrator', async () => {
    const subject = await fixture.access.subject('UTILITY_SUPPLIER');
    const registered = await system.query(
      `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { subjectId } receipt { operation } } }`,
      {
        input: {
          subjectId: subject.id,
          name: 'Registered by the bootstrap administrator',
          bin: subject.identificationNumber,
          services: ['GAS'],
        },
      },
      { token: bootstrapToken },
    );
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.registerSupplier).toEqual({
      supplier: { subjectId: subject.id },
      receipt: { operation: 'utilities.registerSupplier' },
    });
  });
});
