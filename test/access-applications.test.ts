import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreements, applications, digitalObjects } from '../schema/access.js';
import { outbox } from '../schema/platform.js';
import { ApplicationManager } from '../subgraphs/access/application-manager.js';
import { loadEffectiveGrants } from '../subgraphs/access/effective-grants-repository.js';
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

const functions = ['PERSONAL_ACCOUNTS_MAINTAIN', 'READINGS_SUBMIT'];

async function submit(at: Date, subjectId?: string) {
  const subject = subjectId ?? (await fx.subject('UTILITY_SUPPLIER')).id;
  const { application } = await fx.service.submitApplication(
    { subjectId: subject, digitalObjectName: 'Billing 2.0', functions, contactEmail: 'it@supplier.kz' },
    fx.acting(at),
  );
  return application;
}

describe('integration applications: the 5-working-day deadline on the seeded calendar', () => {
  it('counts from the first working day after submission across a weekend', async () => {
    // Thursday 2026-11-12 at 15:00 Almaty: Fri 13 (1), Mon 16 (2), Tue 17 (3), Wed 18 (4), Thu 19 (5).
    expect((await submit(new Date('2026-11-12T10:00:00Z'))).deadline).toBe('2026-11-19');
    // Friday 23:30 Almaty is still Friday there: Mon 16 .. Fri 20.
    expect((await submit(new Date('2026-11-13T18:30:00Z'))).deadline).toBe('2026-11-20');
    // 00:30 Saturday in Almaty (19:30 UTC on Friday): the same Monday-to-Friday window.
    expect((await submit(new Date('2026-11-13T19:30:00Z'))).deadline).toBe('2026-11-20');
  });

  it('skips Independence Day (16 December) and the weekend', async () => {
    // Friday 2025-12-12: Mon 15 (1), Tue 16 holiday, Wed 17 (2), Thu 18 (3), Fri 19 (4), Mon 22 (5).
    expect((await submit(new Date('2025-12-12T06:00:00Z'))).deadline).toBe('2025-12-22');
  });

  it('skips Nauryz with the days off transferred from its weekend', async () => {
    // Thursday 2026-03-19: Fri 20 (1), Sat 21–Wed 25 off (Nauryz 21–23, transferred 24–25), Thu 26 (2), Fri 27 (3), Mon 30 (4), Tue 31 (5).
    expect((await submit(new Date('2026-03-19T06:00:00Z'))).deadline).toBe('2026-03-31');
  });

  it('moves pending deadlines when an administrator changes the calendar, and not decided ones', async () => {
    const pending = await submit(new Date('2027-06-07T06:00:00Z')); // Monday: deadline Monday 14th.
    const decided = await submit(new Date('2027-06-07T06:00:00Z'));
    await fx.service.refuseApplication(decided.id, 'Missing the description of functions.', fx.acting());
    expect(pending.deadline).toBe('2027-06-14');
    const { movedDeadlines } = await fx.service.addHoliday(
      { date: '2027-06-10', kind: 'TRANSFERRED_DAY_OFF', nameKk: 'Демалыс', nameRu: 'Выходной' },
      fx.acting(),
    );
    expect(movedDeadlines).toBe(1);
    const read = async (id: string) => (await database.db.select().from(applications).where(eq(applications.id, id)))[0]?.deadline;
    expect(await read(pending.id)).toBe('2027-06-15');
    expect(await read(decided.id)).toBe('2027-06-14');
    await fx.service.removeHoliday('2027-06-10', fx.acting());
    expect(await read(pending.id)).toBe('2027-06-14');
  });

  it('validates calendar entries', async () => {
    await expect(
      fx.service.addHoliday({ date: '2027-06-11', kind: 'WORKING_WEEKEND', nameKk: 'x', nameRu: 'x' }, fx.acting()),
    ).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'input.kind' },
    });
    // A day already in the calendar is a duplicate: CONFLICT (it was BAD_USER_INPUT before the error convention).
    await expect(fx.service.addHoliday({ date: '2026-12-16', nameKk: 'x', nameRu: 'x' }, fx.acting())).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', field: 'input.date' },
    });
    // The target of the write does not exist: NOT_FOUND (it was BAD_USER_INPUT before the error convention).
    await expect(fx.service.removeHoliday('2026-12-17', fx.acting())).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND', field: 'date' },
    });
  });
});

describe('integration applications: review', () => {
  it('lists applications past their deadline, oldest deadline first, until decided', async () => {
    const late = await submit(new Date('2026-11-12T10:00:00Z')); // deadline 2026-11-19
    const repo = new ApplicationManager(database.db);
    const onDeadline = new Date('2026-11-19T18:00:00Z'); // 23:00 in Almaty on the last day: not overdue yet
    const nextDay = new Date('2026-11-19T19:30:00Z'); // 00:30 on the 20th in Almaty
    expect((await repo.overdue(onDeadline)).map((a) => a.id)).not.toContain(late.id);
    expect((await repo.overdue(nextDay)).map((a) => a.id)).toContain(late.id);
    const overdue = await repo.overdue(nextDay);
    expect(overdue.every((a) => a.status === 'SUBMITTED' && a.deadline < '2026-11-20')).toBe(true);
    expect(overdue.map((a) => a.deadline)).toEqual([...overdue.map((a) => a.deadline)].sort());
    await fx.service.approveApplication(late.id, {}, fx.acting());
    expect((await repo.overdue(nextDay)).map((a) => a.id)).not.toContain(late.id);
  });

  it('approval concludes an integration agreement, registers the digital object in TESTING with a working grant, and notifies', async () => {
    const application = await submit(new Date());
    const approval = await fx.service.approveApplication(application.id, { reference: 'INT-2026-001' }, fx.acting());
    expect(approval.application).toMatchObject({
      status: 'APPROVED',
      agreementId: approval.agreement.id,
      digitalObjectId: approval.digitalObject.id,
    });
    expect(approval.agreement).toMatchObject({
      kind: 'INTEGRATION',
      subjectId: application.subjectId,
      functions,
      reference: 'INT-2026-001',
      applicationId: application.id,
    });
    expect(approval.digitalObject).toMatchObject({ status: 'TESTING', name: 'Billing 2.0', subjectId: application.subjectId });
    expect(approval.receipt.operation).toBe('access.approveApplication');
    const effective = await loadEffectiveGrants(database.db, { digitalObjectId: approval.digitalObject.id });
    expect(effective).toEqual([
      { grantId: approval.grant.id, subjectId: application.subjectId, subjectKind: 'UTILITY_SUPPLIER', territoryKato: null, functions },
    ]);
    const messages = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `application:${application.id}:decision`));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ kind: 'application.approved', recipientEmail: 'it@supplier.kz' });
    // Decided once.
    await expect(fx.service.refuseApplication(application.id, 'late', fx.acting())).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    await expect(fx.service.approveApplication(application.id, {}, fx.acting())).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    expect(await database.db.select().from(agreements).where(eq(agreements.applicationId, application.id))).toHaveLength(1);

    const { digitalObject } = await fx.service.markDigitalObjectTested(approval.digitalObject.id, fx.acting());
    expect(digitalObject.status).toBe('LIVE');
    expect(digitalObject.liveAt).toBeInstanceOf(Date);
    await expect(fx.service.markDigitalObjectTested(approval.digitalObject.id, fx.acting())).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
  });

  it('refusal needs a reason, sends it to the applicant and creates nothing', async () => {
    const application = await submit(new Date());
    await expect(fx.service.refuseApplication(application.id, '   ', fx.acting())).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'reason' },
    });
    const { application: refused } = await fx.service.refuseApplication(
      application.id,
      'The list of functions is incomplete.',
      fx.acting(),
    );
    expect(refused).toMatchObject({ status: 'REFUSED', refusalReason: 'The list of functions is incomplete.' });
    const [message] = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `application:${application.id}:decision`));
    expect(message).toMatchObject({ kind: 'application.refused', recipientEmail: 'it@supplier.kz' });
    expect(message?.body).toContain('The list of functions is incomplete.');
    expect(await database.db.select().from(digitalObjects).where(eq(digitalObjects.applicationId, application.id))).toHaveLength(0);
  });

  it('is submitted by a person acting for the subject, not by anyone else', async () => {
    const subject = await fx.subject('OSI');
    const agreement = await fx.agreement(subject.id, ['CONDOMINIUM_MANAGE']);
    const member = await fx.person();
    await fx.grant({ personId: member.id, agreementId: agreement.id, functions: ['CONDOMINIUM_MANAGE'] });
    const stranger = await fx.person();
    const input = {
      subjectId: subject.id,
      digitalObjectName: 'OSI app',
      functions: ['CONDOMINIUM_MANAGE'],
      contactEmail: 'osi@example.kz',
    };
    await expect(fx.service.submitApplication(input, await fx.as(stranger.id))).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    const { application, receipt } = await fx.service.submitApplication(input, await fx.as(member.id));
    expect(application).toMatchObject({ status: 'SUBMITTED', submittedBy: `person:${member.id}` });
    expect(receipt.operation).toBe('access.submitApplication');
  });

  it('names every invalid field and writes nothing', async () => {
    const subject = await fx.subject();
    const before = (await database.db.select().from(applications)).length;
    await expect(
      fx.service.submitApplication(
        { subjectId: subject.id, digitalObjectName: ' ', functions: [], contactEmail: 'not-an-address' },
        fx.acting(),
      ),
    ).rejects.toMatchObject({
      extensions: {
        code: 'BAD_USER_INPUT',
        problems: expect.arrayContaining([
          expect.objectContaining({ field: 'input.functions' }),
          expect.objectContaining({ field: 'input.digitalObjectName' }),
          expect.objectContaining({ field: 'input.contactEmail' }),
        ]),
      },
    });
    expect((await database.db.select().from(applications)).length).toBe(before);
  });
});
