import { asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digitalObjects, grantHistory, grants } from '../schema/access.js';
import { outbox, receipts } from '../schema/platform.js';
import { loadEffectiveGrants } from '../subgraphs/access/effective-grants-repository.js';
import { effectiveState, GrantLifecycleManager } from '../subgraphs/access/grant-lifecycle-manager.js';
import { AccessFixture } from './support/access-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

let database: TestDatabase;
let fx: AccessFixture;
beforeAll(async () => {
  database = await createTestDatabase();
  fx = await AccessFixture.create(database.db);
});
afterAll(async () => {
  await database?.close();
});

const F = { accounts: 'PERSONAL_ACCOUNTS_MAINTAIN', readings: 'READINGS_SUBMIT', tariffs: 'TARIFFS_MAINTAIN' };

async function effectiveIds(personId: string, at?: Date): Promise<string[]> {
  return (await loadEffectiveGrants(database.db, { personId }, at)).map((g) => g.grantId);
}

async function historyOf(grantId: string) {
  return database.db.select().from(grantHistory).where(eq(grantHistory.grantId, grantId)).orderBy(asc(grantHistory.id));
}

async function stored(grantId: string) {
  const [row] = await database.db.select().from(grants).where(eq(grants.id, grantId));
  if (!row) throw new Error('grant missing');
  return row;
}

/** A supplier with an agreement and one active root grant held by a fresh person. */
async function rootGrant(options: { validUntil?: Date } = {}) {
  const subject = await fx.subject('UTILITY_SUPPLIER', { email: 'supplier@example.kz' });
  const agreement = await fx.agreement(subject.id, [F.accounts, F.readings, F.tariffs], { validUntil: options.validUntil ?? null });
  const person = await fx.person();
  const grant = await fx.grant({ personId: person.id, agreementId: agreement.id, functions: [F.accounts, F.readings] });
  return { subject, agreement, person, grant };
}

/** A delegation chain of `depth` grants below `parentGrantId`, each held by a new person. */
async function chain(parentGrantId: string, depth: number) {
  const out: Array<{ personId: string; grantId: string }> = [];
  let parent = parentGrantId;
  for (let i = 0; i < depth; i += 1) {
    const person = await fx.person();
    const grant = await fx.grant({ personId: person.id, parentGrantId: parent, functions: [F.readings] });
    out.push({ personId: person.id, grantId: grant.id });
    parent = grant.id;
  }
  return out;
}

describe('grant lifecycle: the seven grounds of p.20', () => {
  it('1. AGREEMENT_EXPIRED: decided at request time from the stored period, no job', async () => {
    const until = new Date(Date.now() + 3_600_000);
    const { person, grant } = await rootGrant({ validUntil: until });
    const now = new Date();
    expect((await stored(grant.id)).validUntil?.toISOString()).toBe(until.toISOString());
    expect(await effectiveIds(person.id, now)).toEqual([grant.id]);
    const later = new Date(until.getTime() + 1);
    expect(await effectiveIds(person.id, later)).toEqual([]);
    expect(await effectiveIds(person.id, until)).toEqual([]);
    expect(effectiveState(await stored(grant.id), later)).toEqual({ state: 'ENDED', endGround: 'AGREEMENT_EXPIRED' });
    // Ended is final, expiry included.
    await expect(fx.service.endGrant({ grantId: grant.id, ground: 'REVOKED' }, fx.acting(later))).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    // Nothing is written for expiry: the history holds creation and activation only.
    expect((await historyOf(grant.id)).map((h) => h.toState)).toEqual(['PENDING', 'ACTIVE']);
  });

  it('2. REVOKED: ended, history row written, the next check refuses', async () => {
    const { person, grant } = await rootGrant();
    expect(await effectiveIds(person.id)).toEqual([grant.id]);
    const result = await fx.service.endGrant(
      { grantId: grant.id, ground: 'REVOKED', comment: 'Agreement terminated by the authorized body.' },
      fx.acting(),
    );
    expect(result.ended.map((g) => [g.id, g.ground])).toEqual([[grant.id, 'REVOKED']]);
    expect(result.receipt.operation).toBe('access.endGrant');
    expect(await effectiveIds(person.id)).toEqual([]);
    const [, , ended] = await historyOf(grant.id);
    expect(ended).toMatchObject({
      fromState: 'ACTIVE',
      toState: 'ENDED',
      ground: 'REVOKED',
      comment: 'Agreement terminated by the authorized body.',
      actor: `person:${fx.adminPersonId}`,
    });
    expect(await stored(grant.id)).toMatchObject({ state: 'ENDED', endGround: 'REVOKED' });
  });

  it('3. RENOUNCED: only the grantee renounces their own grant', async () => {
    const { person, grant } = await rootGrant();
    const stranger = await fx.person();
    await expect(fx.service.renounceGrant(grant.id, null, await fx.as(stranger.id))).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    expect(await effectiveIds(person.id)).toEqual([grant.id]);
    await fx.service.renounceGrant(grant.id, 'I left the company.', await fx.as(person.id));
    expect(await effectiveIds(person.id)).toEqual([]);
    expect((await historyOf(grant.id)).at(-1)).toMatchObject({ toState: 'ENDED', ground: 'RENOUNCED', actor: `person:${person.id}` });
  });

  it('4. CASCADE: ending a grant ends its delegations at any depth, each with a history row', async () => {
    const { person, grant } = await rootGrant();
    const deep = await chain(grant.id, 12);
    const sibling = await chain(deep[1]!.grantId, 2);
    for (const link of [...deep, ...sibling]) expect(await effectiveIds(link.personId)).toEqual([link.grantId]);
    const result = await fx.service.endGrant({ grantId: deep[0]!.grantId, ground: 'GROUNDS_ENDED' }, fx.acting());
    const expected = [...deep, ...sibling].map((l) => l.grantId);
    expect(result.ended.map((g) => g.id).sort()).toEqual([...expected].sort());
    expect(result.ended[0]).toMatchObject({ id: deep[0]!.grantId, ground: 'GROUNDS_ENDED' });
    expect(result.ended.slice(1).every((g) => g.ground === 'CASCADE')).toBe(true);
    for (const link of [...deep, ...sibling]) {
      expect(await effectiveIds(link.personId)).toEqual([]);
      expect((await historyOf(link.grantId)).at(-1)).toMatchObject({ toState: 'ENDED' });
    }
    expect((await historyOf(deep[4]!.grantId)).at(-1)).toMatchObject({
      ground: 'CASCADE',
      comment: expect.stringContaining(deep[0]!.grantId),
    });
    // The parent of the ended grant is untouched.
    expect(await effectiveIds(person.id)).toEqual([grant.id]);
  });

  it('5. GROUNDS_ENDED: ended with its own ground', async () => {
    const { person, grant } = await rootGrant();
    await fx.service.endGrant({ grantId: grant.id, ground: 'GROUNDS_ENDED', comment: 'Licence withdrawn.' }, fx.acting());
    expect(await effectiveIds(person.id)).toEqual([]);
    expect((await historyOf(grant.id)).at(-1)).toMatchObject({ toState: 'ENDED', ground: 'GROUNDS_ENDED', comment: 'Licence withdrawn.' });
  });

  it('6. FALSE_DATA: a suspension that can be lifted after review, or turned into an end', async () => {
    const { person, grant } = await rootGrant();
    await expect(fx.service.endGrant({ grantId: grant.id, ground: 'FALSE_DATA' }, fx.acting())).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    await fx.service.suspendGrant(grant.id, 'BIN does not match the registry.', fx.acting());
    expect(await effectiveIds(person.id)).toEqual([]);
    expect((await historyOf(grant.id)).at(-1)).toMatchObject({ fromState: 'ACTIVE', toState: 'SUSPENDED', ground: 'FALSE_DATA' });
    await fx.service.reinstateGrant(grant.id, 'Registry was out of date.', fx.acting());
    expect(await effectiveIds(person.id)).toEqual([grant.id]);
    expect((await historyOf(grant.id)).at(-1)).toMatchObject({ fromState: 'SUSPENDED', toState: 'ACTIVE', ground: null });
    await fx.service.suspendGrant(grant.id, null, fx.acting());
    await fx.service.endGrant({ grantId: grant.id, ground: 'FALSE_DATA', comment: 'Confirmed false.' }, fx.acting());
    expect(await effectiveIds(person.id)).toEqual([]);
    expect(await stored(grant.id)).toMatchObject({ state: 'ENDED', endGround: 'FALSE_DATA' });
    expect((await historyOf(grant.id)).at(-1)).toMatchObject({ fromState: 'SUSPENDED', toState: 'ENDED', ground: 'FALSE_DATA' });
  });

  it('7. OTHER_LEGAL_GROUND: needs the legal basis as text', async () => {
    const { person, grant } = await rootGrant();
    await expect(
      fx.service.endGrant({ grantId: grant.id, ground: 'OTHER_LEGAL_GROUND', legalBasis: '  ' }, fx.acting()),
    ).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'input.legalBasis' },
    });
    expect(await effectiveIds(person.id)).toEqual([grant.id]);
    await fx.service.endGrant(
      { grantId: grant.id, ground: 'OTHER_LEGAL_GROUND', legalBasis: 'Court decision No. 2-123/2026' },
      fx.acting(),
    );
    expect(await effectiveIds(person.id)).toEqual([]);
    expect(await stored(grant.id)).toMatchObject({ endGround: 'OTHER_LEGAL_GROUND', legalBasis: 'Court decision No. 2-123/2026' });
  });

  it("refuses grounds that are not an administrator's to give", async () => {
    const { grant } = await rootGrant();
    for (const ground of ['AGREEMENT_EXPIRED', 'RENOUNCED', 'CASCADE'] as const) {
      await expect(fx.service.endGrant({ grantId: grant.id, ground }, fx.acting())).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'input.ground' },
      });
    }
  });
});

describe('grant lifecycle: rules', () => {
  it('ended is final: no transition leaves ENDED', async () => {
    const { grant } = await rootGrant();
    await fx.service.endGrant({ grantId: grant.id, ground: 'REVOKED' }, fx.acting());
    const attempts = [
      () => fx.service.activateGrant(grant.id, null, fx.acting()),
      () => fx.service.suspendGrant(grant.id, null, fx.acting()),
      () => fx.service.reinstateGrant(grant.id, null, fx.acting()),
      () => fx.service.endGrant({ grantId: grant.id, ground: 'GROUNDS_ENDED' }, fx.acting()),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(await stored(grant.id)).toMatchObject({ state: 'ENDED', endGround: 'REVOKED' });
    expect(await historyOf(grant.id)).toHaveLength(3);
  });

  it('a suspension reaches every delegation, and lifting it restores only those with no other suspended ancestor', async () => {
    const { person, grant } = await rootGrant();
    const [a, b, c] = await chain(grant.id, 3);
    await fx.service.suspendGrant(a!.grantId, null, fx.acting());
    expect(await effectiveIds(person.id)).toEqual([grant.id]);
    for (const link of [a!, b!, c!]) expect(await effectiveIds(link.personId)).toEqual([]);
    expect(await stored(c!.grantId)).toMatchObject({ state: 'ACTIVE', ancestorSuspended: true });
    await fx.service.suspendGrant(grant.id, null, fx.acting());
    await fx.service.reinstateGrant(a!.grantId, null, fx.acting());
    // The root is still suspended: nothing below it regains effect.
    for (const link of [a!, b!, c!]) expect(await effectiveIds(link.personId)).toEqual([]);
    await fx.service.reinstateGrant(grant.id, null, fx.acting());
    expect(await effectiveIds(person.id)).toEqual([grant.id]);
    for (const link of [a!, b!, c!]) expect(await effectiveIds(link.personId)).toEqual([link.grantId]);
  });

  it("a delegation carries a subset of its parent's functions and never outlives it", async () => {
    const { grant } = await rootGrant({ validUntil: new Date(Date.now() + 86_400_000) });
    const delegate = await fx.person();
    await expect(
      fx.service.grantAccess({ personId: delegate.id, parentGrantId: grant.id, functions: [F.tariffs] }, fx.acting()),
    ).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'input.functions' },
    });
    const { grant: child } = await fx.service.grantAccess(
      { personId: delegate.id, parentGrantId: grant.id, functions: [F.readings], validUntil: new Date(Date.now() + 10 * 86_400_000) },
      fx.acting(),
    );
    expect(child.validUntil?.toISOString()).toBe(grant.validUntil?.toISOString());
    expect(child).toMatchObject({ state: 'PENDING', subjectId: grant.subjectId, agreementId: grant.agreementId, parentGrantId: grant.id });
    expect(await effectiveIds(delegate.id)).toEqual([]);
  });

  it('nobody delegates from a suspended grant; a person delegates only from their own grant in effect', async () => {
    const { person, grant } = await rootGrant();
    const other = await fx.person();
    const asPerson = await fx.as(person.id);
    const asOther = await fx.as(other.id);
    await expect(
      fx.service.grantAccess({ personId: other.id, parentGrantId: grant.id, functions: [F.readings] }, asOther),
    ).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const { grant: child } = await fx.service.grantAccess(
      { personId: other.id, parentGrantId: grant.id, functions: [F.readings] },
      asPerson,
    );
    await fx.service.activateGrant(child.id, null, asPerson);
    expect(await effectiveIds(other.id)).toEqual([child.id]);
    // A person cannot grant a root grant.
    await expect(
      fx.service.grantAccess({ personId: other.id, agreementId: grant.agreementId, functions: [F.readings] }, asPerson),
    ).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await fx.service.suspendGrant(grant.id, null, fx.acting());
    await expect(
      fx.service.grantAccess({ personId: other.id, parentGrantId: grant.id, functions: [F.readings] }, fx.acting()),
    ).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'input.parentGrantId' },
    });
  });

  it('a delegation racing the revocation of an ancestor never survives it, and never deadlocks', async () => {
    for (let round = 0; round < 8; round += 1) {
      const { grant } = await rootGrant();
      const links = await chain(grant.id, 3);
      const delegate = await fx.person();
      const [ended, delegated] = await Promise.allSettled([
        fx.service.endGrant({ grantId: grant.id, ground: 'REVOKED' }, fx.acting()),
        fx.service.grantAccess({ personId: delegate.id, parentGrantId: links[2]!.grantId, functions: [F.readings] }, fx.acting()),
      ]);
      expect(ended.status).toBe('fulfilled');
      if (delegated.status === 'rejected')
        expect(delegated.reason).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.parentGrantId' } });
      const living = await database.db.execute<{ id: string }>(sql`
        with recursive tree(id) as (select ${grant.id}::uuid union all select g.id from access.grants g join tree t on g.parent_grant_id = t.id)
        select g.id from access.grants g join tree t on t.id = g.id where g.state <> 'ENDED'`);
      expect(living).toHaveLength(0);
    }
  });

  it('keeps the history append-only', async () => {
    const { grant } = await rootGrant();
    await expect(
      database.db.execute(sql`update access.grant_history set comment = 'x' where grant_id = ${grant.id}::uuid`),
    ).rejects.toThrow();
    await expect(database.db.execute(sql`delete from access.grant_history where grant_id = ${grant.id}::uuid`)).rejects.toThrow();
    expect(await historyOf(grant.id)).toHaveLength(2);
  });
});

describe('revocation preview', () => {
  it('writes nothing and lists exactly what endGrant then ends, digital objects included', async () => {
    const { subject, grant } = await rootGrant();
    const links = await chain(grant.id, 3);
    // A digital object acting only through a delegation of the revoked grant, and one with its own grant elsewhere too.
    const [objectOnly] = await database.db
      .insert(digitalObjects)
      .values({ subjectId: subject.id, name: 'Billing', status: 'LIVE' })
      .returning();
    const [objectShared] = await database.db
      .insert(digitalObjects)
      .values({ subjectId: subject.id, name: 'Meters', status: 'LIVE' })
      .returning();
    const viaDelegation = await fx.grant({ digitalObjectId: objectOnly!.id, parentGrantId: links[0]!.grantId, functions: [F.readings] });
    await fx.grant({ digitalObjectId: objectShared!.id, parentGrantId: links[1]!.grantId, functions: [F.readings] });
    await fx.grant({ digitalObjectId: objectShared!.id, agreementId: grant.agreementId, functions: [F.readings] });

    const count = async () => {
      const [row] = await database.db.execute<{ g: number; h: number; o: number; r: number; d: number }>(sql`
        select (select count(*) from access.grants where state = 'ENDED')::int as g, (select count(*) from access.grant_history)::int as h,
               (select count(*) from platform.outbox)::int as o, (select count(*) from platform.receipts)::int as r,
               (select count(*) from access.digital_objects where status = 'DISABLED')::int as d`);
      return row;
    };
    const before = await count();
    const preview = await new GrantLifecycleManager(database.db).previewEnd(links[0]!.grantId, new Date());
    expect(await count()).toEqual(before);
    expect(preview?.blockedReason).toBeNull();
    expect(preview?.digitalObjectIds).toEqual([objectOnly!.id]);
    const previewed = preview!.grants.map((g) => g.id);
    expect(previewed[0]).toBe(links[0]!.grantId);

    const result = await fx.service.endGrant({ grantId: links[0]!.grantId, ground: 'REVOKED' }, fx.acting());
    // The same grants in the same order (top down, then by id) as the end reports them.
    expect(result.ended.map((g) => g.id)).toEqual(previewed);
    expect(previewed).toContain(viaDelegation.id);
    expect(result.disabledDigitalObjectIds).toEqual([objectOnly!.id]);
    const objects = await database.db
      .select()
      .from(digitalObjects)
      .where(inArray(digitalObjects.id, [objectOnly!.id, objectShared!.id]));
    expect(Object.fromEntries(objects.map((o) => [o.name, o.status]))).toEqual({ Billing: 'DISABLED', Meters: 'LIVE' });
    expect(await new GrantLifecycleManager(database.db).previewEnd(links[0]!.grantId, new Date())).toMatchObject({
      grants: [],
      blockedReason: expect.stringContaining('REVOKED'),
    });
  });
});

describe('notifications and receipts', () => {
  it('queues one message per affected person and subject, in the same transaction, never twice', async () => {
    const { person, grant, subject } = await rootGrant();
    const [child] = await chain(grant.id, 1);
    const result = await fx.service.endGrant({ grantId: grant.id, ground: 'REVOKED' }, fx.acting());
    const messages = await database.db
      .select()
      .from(outbox)
      .where(sql`${outbox.dedupeKey} like ${`grant:${grant.id}:%`} or ${outbox.dedupeKey} like ${`grant:${child!.grantId}:%`}`);
    expect(messages.map((m) => m.kind)).toEqual(Array(4).fill('grant.ended'));
    const recipients = messages.map((m) => m.recipientEmail).sort();
    expect(recipients).toEqual(expect.arrayContaining([person.email, subject.email]));
    expect(recipients).toHaveLength(4);
    expect(messages.find((m) => m.body.includes(child!.grantId))?.body).toContain('CASCADE');
    const [receipt] = await database.db.select().from(receipts).where(eq(receipts.id, result.receipt.id));
    expect(receipt).toMatchObject({ operation: 'access.endGrant', placedBy: `person:${fx.adminPersonId}` });
    expect(receipt?.objectIds.sort()).toEqual([grant.id, child!.grantId].sort());
  });

  it('a failed change leaves neither notification nor receipt', async () => {
    const { grant } = await rootGrant();
    const before = await database.db.execute<{ o: number; r: number }>(
      sql`select (select count(*) from platform.outbox)::int as o, (select count(*) from platform.receipts)::int as r`,
    );
    await expect(fx.service.reinstateGrant(grant.id, null, fx.acting())).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    const after = await database.db.execute<{ o: number; r: number }>(
      sql`select (select count(*) from platform.outbox)::int as o, (select count(*) from platform.receipts)::int as r`,
    );
    expect(after[0]).toEqual(before[0]);
  });
});
