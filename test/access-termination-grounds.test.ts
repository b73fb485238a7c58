import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { type GraphQLResponse, startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

// Issue 3's acceptance through the real gateway: each of the seven grounds on which an access
// right ends (p.20), suspension and reinstatement, and a revoked token. In every case a fresh
// supplier's person or digital object first places a personal account (so the right is shown
// to work), then the change is made, and the very next request is refused, writes nothing,
// and the grant (or, for expiry, its effective state) says why.

type GranteeKind = 'person' | 'machine';
type EndGround = 'AGREEMENT_EXPIRED' | 'REVOKED' | 'RENOUNCED' | 'CASCADE' | 'GROUNDS_ENDED' | 'FALSE_DATA' | 'OTHER_LEGAL_GROUND';

interface HistoryRow {
  fromState: string | null;
  toState: string;
  ground: EndGround | null;
  legalBasis: string | null;
  comment: string | null;
  actor: string;
}

/** Someone holding PERSONAL_ACCOUNTS_MAINTAIN for a registered supplier. */
interface Grantee {
  token: string;
  grantId: string;
  supplierId: string;
  owner: Actor['owner'];
}

/** A delegation chain under one supplier: `chain[0]` holds the root grant, the last one is the grantee tested. */
interface Delegation extends Grantee {
  chain: Array<{ token: string; grantId: string; personId: string }>;
}

const maintain = [AccessFunction.PersonalAccountsMaintain];

const registerSupplier = `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`;
const upsert = `mutation($supplierId: ID!, $accounts: [PersonalAccountInput!]!) {
  upsertPersonalAccounts(supplierId: $supplierId, accounts: $accounts) { created updated receipt { operation } } }`;
const listAccounts = `{ personalAccounts(first: 10) { edges { node { id accountNumber } } } }`;
const grantView = `query($id: ID!) { grant(id: $id) {
  state endGround legalBasis effectiveState effectiveEndGround inEffect suspendedByAncestor
  history { fromState toState ground legalBasis comment actor } } }`;
const endGrant = `mutation($input: EndGrantInput!) { endGrant(input: $input) { endedGrants { id endGround } disabledDigitalObjects { id status } receipt { operation } } }`;
const suspendGrant = `mutation($id: ID!, $comment: String) { suspendGrant(grantId: $id, comment: $comment) { grant { state inEffect } affectedGrants { id } } }`;
const reinstateGrant = `mutation($id: ID!, $comment: String) { reinstateGrant(grantId: $id, comment: $comment) { grant { state inEffect } affectedGrants { id } } }`;
const renounceGrant = `mutation($id: ID!, $comment: String) { renounceGrant(grantId: $id, comment: $comment) { endedGrants { id endGround } receipt { operation } } }`;
const grantAccess = `mutation($input: GrantAccessInput!) { grantAccess(input: $input) { grant { id } } }`;
const activateGrant = `mutation($id: ID!) { activateGrant(grantId: $id) { grant { inEffect } } }`;
const issueSessionToken = `mutation($id: ID!) { issueSessionToken(personId: $id, label: "session") { token } }`;

let system: TestSystem;
let fixture: AuthFixture;
let administrator: string;
let accountSerial = 0;
/** A building of the register with apartment 7, where every grantee places its accounts. */
let buildingId: string;

beforeAll(async () => {
  system = await startTestSystem();
  fixture = await AuthFixture.create(system.db);
  administrator = `person:${fixture.access.adminPersonId}`;
  buildingId = await registerBuildingWithApartments(system, fixture, ['7']);
});
afterAll(async () => {
  await system?.close();
});

function codes(response: GraphQLResponse): string[] {
  return (response.errors ?? []).map((error) => String(error.extensions?.code));
}

/** Runs an operation that must succeed and returns its data. */
async function as<T = Record<string, any>>(token: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await system.query<T>(query, variables, { token });
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data as T;
}

const admin = <T = Record<string, any>>(query: string, variables?: Record<string, unknown>) => as<T>(fixture.adminToken, query, variables);

function placedBy(owner: Actor['owner']): string {
  return 'personId' in owner ? `person:${owner.personId}` : `digital-object:${owner.digitalObjectId}`;
}

async function supplierOf(subjectId: string): Promise<string> {
  const { registerSupplier: registered } = await admin(registerSupplier, {
    input: { subjectId, name: `Supplier ${subjectId.slice(0, 8)}`, bin: makeBin(), services: ['WATER_SUPPLY'] },
  });
  return registered.supplier.id;
}

/** A supplier's person (session token) or digital object (approved application, API token) with PERSONAL_ACCOUNTS_MAINTAIN. */
async function grantee(kind: GranteeKind): Promise<Grantee> {
  const actor =
    kind === 'person' ? await fixture.person('UTILITY_SUPPLIER', maintain) : await fixture.machine('UTILITY_SUPPLIER', maintain);
  return { token: actor.token, grantId: actor.grantId, supplierId: await supplierOf(actor.subjectId), owner: actor.owner };
}

/** A supplier's person, then `depth` persons each delegated the right by the one before, through the gateway. */
async function delegation(depth: number): Promise<Delegation> {
  const chief = await fixture.person('UTILITY_SUPPLIER', maintain);
  const supplierId = await supplierOf(chief.subjectId);
  const chain = [{ token: chief.token, grantId: chief.grantId, personId: (chief.owner as { personId: string }).personId }];
  for (let level = 0; level < depth; level++) {
    const delegator = chain[chain.length - 1]!;
    const person = await fixture.access.person();
    const granted = await as(delegator.token, grantAccess, {
      input: { personId: person.id, parentGrantId: delegator.grantId, functions: maintain },
    });
    const grantId = granted.grantAccess.grant.id as string;
    expect((await as(delegator.token, activateGrant, { id: grantId })).activateGrant.grant.inEffect).toBe(true);
    const { issueSessionToken: issued } = await admin(issueSessionToken, { id: person.id });
    chain.push({ token: issued.token, grantId, personId: person.id });
  }
  const last = chain[chain.length - 1]!;
  return { token: last.token, grantId: last.grantId, supplierId, owner: { personId: last.personId }, chain };
}

function placeAccount(who: Grantee) {
  const account = {
    buildingId,
    premiseNumber: '7',
    accountNumber: `T-${++accountSerial}`,
    holderName: 'Асанов Асан',
    holderIin: makeIin(),
    service: 'WATER_SUPPLY',
    openedAt: '2024-01-15',
  };
  return system.query(upsert, { supplierId: who.supplierId, accounts: [account] }, { token: who.token });
}

/** What the grantee has written: its supplier's accounts and the receipts of its placements. */
async function written(who: Grantee): Promise<{ accounts: number; receipts: number }> {
  const [row] = await system.db.execute<{ accounts: number; receipts: number }>(sql`
    select (select count(*)::int from utilities.personal_accounts where supplier_id = ${who.supplierId}::uuid) as accounts,
           (select count(*)::int from platform.receipts where placed_by = ${placedBy(who.owner)}) as receipts`);
  return { accounts: row!.accounts, receipts: row!.receipts };
}

/** The request succeeds and writes one account and its receipt (so `written` does see a write). */
async function expectAllowed(who: Grantee): Promise<void> {
  const before = await written(who);
  const placed = await placeAccount(who);
  expect(placed.errors, JSON.stringify(placed.errors)).toBeUndefined();
  expect(placed.data?.upsertPersonalAccounts).toEqual({
    created: 1,
    updated: 0,
    receipt: { operation: 'utilities.upsertPersonalAccounts' },
  });
  expect(await written(who)).toEqual({ accounts: before.accounts + 1, receipts: before.receipts + 1 });
}

/** The very next request is refused with `code` and writes nothing; reading the accounts is refused as well. */
async function expectRefused(who: Grantee, code: 'FORBIDDEN' | 'UNAUTHENTICATED' = 'FORBIDDEN'): Promise<GraphQLResponse> {
  const before = await written(who);
  const placed = await placeAccount(who);
  expect(codes(placed)).toEqual([code]);
  expect(placed.data ?? null).toBeNull();
  expect(await written(who)).toEqual(before);
  const read = await system.query(listAccounts, {}, { token: who.token });
  expect(codes(read)).toEqual([code]);
  expect(read.data ?? null).toBeNull();
  if (code === 'FORBIDDEN') {
    // Still signed in, but with no grant in effect.
    const me = await system.query(`{ me { grants { id } } }`, {}, { token: who.token });
    expect(me.errors).toBeUndefined();
    expect(me.data?.me.grants).toEqual([]);
  }
  return placed;
}

interface GrantState {
  state: string;
  endGround: EndGround | null;
  legalBasis: string | null;
  effectiveState: string;
  effectiveEndGround: EndGround | null;
  inEffect: boolean;
  suspendedByAncestor: boolean;
  history: HistoryRow[];
}

async function grantOf(id: string): Promise<GrantState> {
  return (await admin<{ grant: GrantState }>(grantView, { id })).grant;
}

function row(
  fromState: string,
  toState: string,
  ground: EndGround | null,
  comment: string | null,
  actor = administrator,
  legalBasis: string | null = null,
): HistoryRow {
  return { fromState, toState, ground, legalBasis, comment, actor };
}

const kinds: GranteeKind[] = ['person', 'machine'];

describe('p.20 grounds ended by the administrator, through the gateway', () => {
  interface AdministrativeEnd {
    ground: EndGround;
    legalBasis?: string;
    comment: string;
    /** What happens before the end (and must not end the right); returns the history rows it adds. */
    prelude?: (who: Grantee) => Promise<HistoryRow[]>;
  }

  const cases: AdministrativeEnd[] = [
    { ground: 'REVOKED', comment: 'The subject placed a revocation' },
    { ground: 'GROUNDS_ENDED', comment: 'The employee left the supplier' },
    {
      ground: 'OTHER_LEGAL_GROUND',
      legalBasis: 'Court order 2-55/2026',
      comment: 'Ordered by the court',
      prelude: async (who) => {
        for (const legalBasis of [undefined, '   ']) {
          const refused = await system.query(
            endGrant,
            { input: { grantId: who.grantId, ground: 'OTHER_LEGAL_GROUND', ...(legalBasis === undefined ? {} : { legalBasis }) } },
            { token: fixture.adminToken },
          );
          expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.legalBasis' });
          expect(refused.data ?? null).toBeNull();
        }
        await expectAllowed(who);
        return [];
      },
    },
    {
      ground: 'FALSE_DATA',
      comment: 'The review found the BIN false',
      prelude: async (who) => {
        // FALSE_DATA ends only a grant under review.
        const early = await system.query(
          endGrant,
          { input: { grantId: who.grantId, ground: 'FALSE_DATA' } },
          { token: fixture.adminToken },
        );
        expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.ground' });
        await expectAllowed(who);
        const { suspendGrant: suspended } = await admin(suspendGrant, { id: who.grantId, comment: 'BIN under review' });
        expect(suspended.grant).toEqual({ state: 'SUSPENDED', inEffect: false });
        await expectRefused(who);
        return [row('ACTIVE', 'SUSPENDED', 'FALSE_DATA', 'BIN under review')];
      },
    },
  ];

  it.each(cases.flatMap((c) => kinds.map((kind) => ({ ...c, kind }))))(
    '$ground ($kind): refused from the next request, history row written',
    async ({ ground, legalBasis, comment, prelude, kind }) => {
      const who = await grantee(kind);
      await expectAllowed(who);
      const before = await grantOf(who.grantId);
      const preluded = prelude ? await prelude(who) : [];

      const { endGrant: ended } = await admin(endGrant, {
        input: { grantId: who.grantId, ground, comment, ...(legalBasis ? { legalBasis } : {}) },
      });
      expect(ended.endedGrants).toEqual([{ id: who.grantId, endGround: ground }]);
      // A digital object left without a living grant is disabled; its token still names it.
      expect(ended.disabledDigitalObjects).toEqual(
        kind === 'machine' ? [{ id: (who.owner as { digitalObjectId: string }).digitalObjectId, status: 'DISABLED' }] : [],
      );
      expect(ended.receipt.operation).toBe('access.endGrant');
      await expectRefused(who);

      const after = await grantOf(who.grantId);
      expect(after).toMatchObject({
        state: 'ENDED',
        endGround: ground,
        legalBasis: legalBasis ?? null,
        effectiveState: 'ENDED',
        effectiveEndGround: ground,
        inEffect: false,
      });
      const fromState = ground === 'FALSE_DATA' ? 'SUSPENDED' : 'ACTIVE';
      expect(after.history).toEqual([
        ...before.history,
        ...preluded,
        row(fromState, 'ENDED', ground, comment, administrator, legalBasis ?? null),
      ]);

      // Ended is final.
      const again = await system.query(endGrant, { input: { grantId: who.grantId, ground: 'REVOKED' } }, { token: fixture.adminToken });
      expect(codes(again)).toEqual(['CONFLICT']);
      expect((await grantOf(who.grantId)).history).toHaveLength(after.history.length);
    },
  );
});

describe('p.20 grounds not in the administrator’s hands', () => {
  it('RENOUNCED: the holder refuses the grant and is refused from the next request', async () => {
    const who = await grantee('person');
    await expectAllowed(who);
    const before = await grantOf(who.grantId);
    const { renounceGrant: renounced } = await as(who.token, renounceGrant, { id: who.grantId, comment: 'I moved to another company' });
    expect(renounced).toEqual({
      endedGrants: [{ id: who.grantId, endGround: 'RENOUNCED' }],
      receipt: { operation: 'access.renounceGrant' },
    });
    await expectRefused(who);
    const after = await grantOf(who.grantId);
    expect(after).toMatchObject({ state: 'ENDED', endGround: 'RENOUNCED', effectiveEndGround: 'RENOUNCED', inEffect: false });
    expect(after.history).toEqual([
      ...before.history,
      row('ACTIVE', 'ENDED', 'RENOUNCED', 'I moved to another company', placedBy(who.owner)),
    ]);
  });

  it('RENOUNCED is for persons: a digital object cannot renounce, and keeps its right', async () => {
    const who = await grantee('machine');
    const before = await grantOf(who.grantId);
    const refused = await system.query(renounceGrant, { id: who.grantId }, { token: who.token });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    await expectAllowed(who);
    expect(await grantOf(who.grantId)).toEqual(before);
  });

  it.each([
    { how: 'revoked by the administrator', ground: 'REVOKED' as const },
    { how: 'renounced by its holder', ground: 'RENOUNCED' as const },
  ])('CASCADE: the root grant of a two-level delegation is $how; the delegate is refused from the next request', async ({ ground }) => {
    const who = await delegation(2);
    const [root, middle] = who.chain;
    await expectAllowed(who);
    const before = await grantOf(who.grantId);

    const payload =
      ground === 'REVOKED'
        ? (await admin(endGrant, { input: { grantId: root!.grantId, ground } })).endGrant
        : (await as(root!.token, renounceGrant, { id: root!.grantId })).renounceGrant;
    expect(payload.endedGrants).toEqual([
      { id: root!.grantId, endGround: ground },
      { id: middle!.grantId, endGround: 'CASCADE' },
      { id: who.grantId, endGround: 'CASCADE' },
    ]);
    await expectRefused(who);

    const after = await grantOf(who.grantId);
    expect(after).toMatchObject({ state: 'ENDED', endGround: 'CASCADE', effectiveEndGround: 'CASCADE', inEffect: false });
    const endedBy = ground === 'REVOKED' ? administrator : `person:${root!.personId}`;
    expect(after.history).toEqual([
      ...before.history,
      { ...row('ACTIVE', 'ENDED', 'CASCADE', null, endedBy), comment: expect.stringContaining(root!.grantId) },
    ]);
    expect((await grantOf(middle!.grantId)).endGround).toBe('CASCADE');
  });

  it.each(kinds)(
    'AGREEMENT_EXPIRED (%s): once the stored period has run out the next request is refused; nothing is written',
    async (kind) => {
      const who = await grantee(kind);
      await expectAllowed(who);
      const before = await grantOf(who.grantId);
      expect(before.effectiveState).toBe('ACTIVE');

      // Time passing: the agreement's term, and the grant's period narrowed to it, now lie in the past.
      await system.db.execute(sql`
      with moved as (
        update access.grants set valid_from = valid_from - interval '1 day', valid_until = now() - interval '1 minute'
         where id = ${who.grantId}::uuid returning agreement_id)
      update access.agreements set valid_from = valid_from - interval '1 day', valid_until = now() - interval '1 minute'
       where id = (select agreement_id from moved)`);
      await expectRefused(who);

      const after = await grantOf(who.grantId);
      // The row still says ACTIVE: expiry is decided at request time, and writes no history.
      expect(after).toEqual({ ...before, effectiveState: 'ENDED', effectiveEndGround: 'AGREEMENT_EXPIRED', inEffect: false });
      // Expiry is not an administrator's decision, and an expired grant is final.
      const expire = await system.query(
        endGrant,
        { input: { grantId: who.grantId, ground: 'AGREEMENT_EXPIRED' } },
        { token: fixture.adminToken },
      );
      expect(expire.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.ground' });
      const revoke = await system.query(endGrant, { input: { grantId: who.grantId, ground: 'REVOKED' } }, { token: fixture.adminToken });
      expect(codes(revoke)).toEqual(['CONFLICT']);
      expect(await grantOf(who.grantId)).toEqual(after);
    },
  );
});

describe('suspension and reinstatement (p.20.6), through the gateway', () => {
  it.each(kinds)('%s: refused while suspended, allowed again after reinstatement, both rows in the history', async (kind) => {
    const who = await grantee(kind);
    await expectAllowed(who);
    const before = await grantOf(who.grantId);

    const { suspendGrant: suspended } = await admin(suspendGrant, { id: who.grantId, comment: 'Suspected false data' });
    expect(suspended).toEqual({ grant: { state: 'SUSPENDED', inEffect: false }, affectedGrants: [] });
    await expectRefused(who);
    expect(await grantOf(who.grantId)).toMatchObject({ state: 'SUSPENDED', effectiveState: 'SUSPENDED', endGround: null, inEffect: false });

    const { reinstateGrant: reinstated } = await admin(reinstateGrant, { id: who.grantId, comment: 'Data confirmed' });
    expect(reinstated).toEqual({ grant: { state: 'ACTIVE', inEffect: true }, affectedGrants: [] });
    await expectAllowed(who);

    const after = await grantOf(who.grantId);
    expect(after).toMatchObject({ state: 'ACTIVE', effectiveState: 'ACTIVE', inEffect: true });
    expect(after.history).toEqual([
      ...before.history,
      row('ACTIVE', 'SUSPENDED', 'FALSE_DATA', 'Suspected false data'),
      row('SUSPENDED', 'ACTIVE', null, 'Data confirmed'),
    ]);
  });

  it('a delegate: refused while the delegating grant is suspended, allowed again after its reinstatement', async () => {
    const who = await delegation(1);
    const [root] = who.chain;
    await expectAllowed(who);
    const before = await grantOf(who.grantId);

    const { suspendGrant: suspended } = await admin(suspendGrant, { id: root!.grantId, comment: 'Suspected false data' });
    expect(suspended.affectedGrants).toEqual([{ id: who.grantId }]);
    await expectRefused(who);
    // The delegate's own row is untouched: it has no effect because of its ancestor.
    expect(await grantOf(who.grantId)).toEqual({ ...before, suspendedByAncestor: true, inEffect: false });

    const { reinstateGrant: reinstated } = await admin(reinstateGrant, { id: root!.grantId });
    expect(reinstated.affectedGrants).toEqual([{ id: who.grantId }]);
    await expectAllowed(who);
    expect(await grantOf(who.grantId)).toEqual(before);
    expect((await grantOf(root!.grantId)).history.slice(-2)).toEqual([
      row('ACTIVE', 'SUSPENDED', 'FALSE_DATA', 'Suspected false data'),
      row('SUSPENDED', 'ACTIVE', null, null),
    ]);
  });
});

describe('a revoked token, through the gateway', () => {
  it.each(kinds)('%s: revokeApiToken answers the next request with HTTP 401 UNAUTHENTICATED; the grant stays in effect', async (kind) => {
    const who = await grantee(kind);
    await expectAllowed(who);
    const grantBefore = await grantOf(who.grantId);
    const owner = 'personId' in who.owner ? { personId: who.owner.personId } : { digitalObjectId: who.owner.digitalObjectId };
    const { apiTokens } = await admin(
      `query($personId: ID, $digitalObjectId: ID) { apiTokens(personId: $personId, digitalObjectId: $digitalObjectId) { id revokedAt } }`,
      owner,
    );
    expect(apiTokens).toHaveLength(1);

    const { revokeApiToken } = await admin(`mutation($id: ID!) { revokeApiToken(tokenId: $id) { apiToken { id revokedAt } } }`, {
      id: apiTokens[0].id,
    });
    expect(revokeApiToken.apiToken.id).toBe(apiTokens[0].id);
    expect(Date.parse(revokeApiToken.apiToken.revokedAt)).not.toBeNaN();

    const refused = await expectRefused(who, 'UNAUTHENTICATED');
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused)).not.toContain(who.token);
    // The token is gone, not the right: the grant is untouched and a new token works.
    expect(await grantOf(who.grantId)).toEqual(grantBefore);
    const issued =
      'personId' in who.owner
        ? (await admin(issueSessionToken, { id: who.owner.personId })).issueSessionToken
        : (
            await admin(`mutation($id: ID!) { issueApiToken(digitalObjectId: $id, label: "rotated") { token } }`, {
              id: who.owner.digitalObjectId,
            })
          ).issueApiToken;
    await expectAllowed({ ...who, token: issued.token });
  });
});
