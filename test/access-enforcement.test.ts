import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import type { Database } from '../lib/db.js';
import { grantHistory } from '../schema/access.js';
import { receipts } from '../schema/platform.js';
import { personalAccounts } from '../schema/utilities.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { SupplierRepository } from '../subgraphs/utilities/supplier-repository.js';
import { AccessWrites } from './support/access-fixtures.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';
import { insertBuildingsWithApartments } from './support/utilities-fixtures.js';

// The access lifecycle enforced on writes in flight (p.20): a revocation of a grant or a
// token and a write that relies on it, racing each other through the gateway. The write
// path re-checks the write's reliance inside its transaction and locks it FOR SHARE, so the
// revocation either wins before the write (which is refused and writes nothing) or waits
// for it to commit; every write after it is refused. The write raced is a utilities bulk
// upsert of personal accounts, the largest write of the system.

const upsert = `mutation($supplierId: ID!, $accounts: [PersonalAccountInput!]!) {
  upsertPersonalAccounts(supplierId: $supplierId, accounts: $accounts) { created updated receipt { id recordedAt } } }`;

/** A building of the register with apartments 1 to 2000 (accounts are refused for a building or premise the register lacks). */
let buildingId: string;

function accounts(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    buildingId,
    premiseNumber: String(i + 1),
    accountNumber: `${prefix}-${i}`,
    holderName: 'Holder',
    holderIin: makeIin(),
    service: 'ELECTRICITY',
    openedAt: '2025-03-01',
  }));
}

async function registerSupplier(db: Database, subjectId: string): Promise<string> {
  return (await new SupplierRepository(db).insert({ subjectId, name: 'Energo', bin: makeBin(), services: ['ELECTRICITY'] })).id;
}

async function accountCount(db: Database, supplierId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(personalAccounts).where(eq(personalAccounts.supplierId, supplierId));
  return row?.n ?? -1;
}

describe('a bulk write and a concurrent revocation', () => {
  let system: TestSystem;
  let fixture: AuthFixture;

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    [buildingId] = (await insertBuildingsWithApartments(system.db, 1, 2000)) as [string];
  });
  afterAll(async () => {
    await system?.close();
  });

  /** Backends of this database waiting for a lock (row or table). */
  async function lockWaiters(): Promise<number> {
    const [row] = await system.db.execute<{ n: number }>(sql`
      select count(*)::int as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`);
    return row?.n ?? 0;
  }

  async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  function gate() {
    let open = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { open, opened };
  }

  async function supplierWithAccountsRight(): Promise<{ actor: Actor; supplierId: string }> {
    const actor = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    return { actor, supplierId: await registerSupplier(system.db, actor.subjectId) };
  }

  const service = (db: Database) => new AccessWrites(db);

  it('refuses the bulk write when the revocation commits while the write waits: 0 accounts written', async () => {
    const { actor, supplierId } = await supplierWithAccountsRight();
    const release = gate();
    const revoked = gate();
    // The revocation runs first and holds its transaction open.
    const revocation = system.db.transaction(async (tx) => {
      await service(tx as unknown as Database).endGrant(
        { grantId: actor.grantId, ground: 'REVOKED', comment: 'concurrency test' },
        fixture.access.acting(),
      );
      revoked.open();
      await release.opened;
    });
    await revoked.opened;
    // The gateway still authenticates with the grant (the revocation is not committed); the write's re-check waits on the grant row.
    const write = system.query(upsert, { supplierId, accounts: accounts('RACE1', 500) }, { token: actor.token });
    await until(async () => (await lockWaiters()) >= 1, 'the bulk write waits for the revocation');
    release.open();
    await revocation;
    const response = await write;
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.data).toBeNull();
    expect(await accountCount(system.db, supplierId)).toBe(0);
    const [placed] = await system.db
      .select({ n: count() })
      .from(receipts)
      .where(eq(receipts.operation, 'utilities.upsertPersonalAccounts'));
    expect(placed?.n).toBe(0);
  });

  it('makes a revocation attempted during a bulk write wait for it to commit, and refuses every write after', async () => {
    const { actor, supplierId } = await supplierWithAccountsRight();
    const release = gate();
    const holding = gate();
    // Holds the accounts table so the write stops right after its re-check, with the grant locked FOR SHARE.
    const blocker = system.db.transaction(async (tx) => {
      await tx.execute(sql`lock table utilities.personal_accounts in share mode`);
      holding.open();
      await release.opened;
    });
    await holding.opened;
    const write = system.query(upsert, { supplierId, accounts: accounts('RACE2', 2000) }, { token: actor.token });
    // Whatever fails below, the table lock must go, or the system cannot close.
    onTestFinished(() => release.open());
    await until(async () => (await lockWaiters()) >= 1, 'the bulk write has re-checked its grant and waits for the table');
    let revocationDone = false;
    const revocation = fixture.revoke(actor.grantId).then(() => {
      revocationDone = true;
    });
    await until(async () => (await lockWaiters()) >= 2, 'the revocation waits for the bulk write');
    // The revocation is blocked by the bulk write's own backend: the grant row it holds FOR SHARE.
    const [blocking] = await system.db.execute<{ write_pid: number; blockers: number[] }>(sql`
      select w.pid as write_pid, pg_blocking_pids(r.pid) as blockers
        from pg_stat_activity w, pg_stat_activity r
       where w.datname = current_database() and r.datname = current_database()
         -- This statement's own text matches the pattern too: only other backends count.
         and w.pid <> pg_backend_pid() and r.pid <> pg_backend_pid()
         and w.query ilike '%insert into utilities.personal_accounts%'
         and r.pid <> w.pid and r.wait_event_type = 'Lock' and r.query ilike '%grants%' and r.query not ilike '%personal_accounts%'`);
    expect(blocking?.blockers).toContain(blocking?.write_pid);
    expect(revocationDone).toBe(false);
    release.open();
    await blocker;
    const response = await write;
    await revocation;

    expect(response.errors).toBeUndefined();
    expect(response.data?.upsertPersonalAccounts.created).toBe(2000);
    const [ended] = await system.db
      .select({ ground: grantHistory.ground })
      .from(grantHistory)
      .where(and(eq(grantHistory.grantId, actor.grantId), eq(grantHistory.toState, 'ENDED')));
    expect(ended?.ground).toBe('REVOKED');

    const next = await system.query(upsert, { supplierId, accounts: accounts('AFTER', 3) }, { token: actor.token });
    expect(next.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await accountCount(system.db, supplierId)).toBe(2000);
  });

  it('refuses the bulk write with UNAUTHENTICATED when its token is revoked while it waits', async () => {
    const { actor, supplierId } = await supplierWithAccountsRight();
    const tokenId = ((await actor.caller()) as Extract<Caller, { kind: 'person' }>).tokenId;
    const release = gate();
    const revoked = gate();
    const revocation = system.db.transaction(async (tx) => {
      await new TokenRepository(tx).revoke(tokenId);
      revoked.open();
      await release.opened;
    });
    await revoked.opened;
    const write = system.query(upsert, { supplierId, accounts: accounts('RACE3', 10) }, { token: actor.token });
    await until(async () => (await lockWaiters()) >= 1, 'the bulk write waits for the token revocation');
    release.open();
    await revocation;
    const response = await write;
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await accountCount(system.db, supplierId)).toBe(0);
  });

  it('refuses requests sent straight to the utilities and condominium subgraphs without the gateway signature', async () => {
    for (const url of [system.subgraphUrls.utilities, system.subgraphUrls.condominium]) {
      const response = await postGraphQL(
        url,
        '{ _entities(representations: [{ __typename: "Building", id: "x" }]) { __typename } }',
        {},
        { 'x-housing-caller': 'forged.signature' },
      );
      expect(response.status).toBe(401);
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a grant given after a revocation takes effect on the very next request too (nothing cached)', async () => {
    const { actor, supplierId } = await supplierWithAccountsRight();
    await fixture.revoke(actor.grantId);
    const denied = await system.query(upsert, { supplierId, accounts: accounts('NEW', 1) }, { token: actor.token });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const agreement = await fixture.access.agreement(actor.subjectId, [AccessFunction.PersonalAccountsMaintain]);
    await fixture.access.grant({
      ...(actor.owner as { personId: string }),
      agreementId: agreement.id,
      functions: [AccessFunction.PersonalAccountsMaintain],
    });
    const allowed = await system.query(upsert, { supplierId, accounts: accounts('NEW', 1) }, { token: actor.token });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?.upsertPersonalAccounts.created).toBe(1);
  });
});
