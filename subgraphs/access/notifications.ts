import { inArray } from 'drizzle-orm';
import { persons, subjects } from '../../schema/access.js';
import type { Executor } from '../../lib/db.js';
import { enqueueNotification, type Notification } from '../../lib/outbox.js';
import type { ApplicationRow } from './application-repository.js';

/** A change of a grant that its holder and its subject must hear about. */
export interface GrantEvent {
  grantId: string;
  personId: string | null;
  subjectId: string;
  kind: 'grant.ended' | 'grant.suspended' | 'grant.reinstated';
  /** Ground of an end or suspension, or why the grant lost or regained effect. */
  detail: string;
  /** Identifies the event (a history row, or the suspension that reached a delegation), so a replay never sends twice. */
  eventKey: string;
}

const headlines: Record<GrantEvent['kind'], string> = {
  'grant.ended': 'Право доступа прекращено / Access right ended',
  'grant.suspended': 'Право доступа приостановлено / Access right suspended',
  'grant.reinstated': 'Право доступа восстановлено / Access right reinstated',
};

/**
 * Queues notifications of grant changes to the person holding the grant and to the
 * subject it acts for (p.20), in the caller's transaction: two look-ups for the
 * addresses and one insert, whatever the number of events.
 */
export async function notifyGrantEvents(executor: Executor, events: GrantEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const personIds = [...new Set(events.map((e) => e.personId).filter((id): id is string => id !== null))];
  const subjectIds = [...new Set(events.map((e) => e.subjectId))];
  const [personRows, subjectRows] = await Promise.all([
    personIds.length ? executor.select({ id: persons.id, email: persons.email }).from(persons).where(inArray(persons.id, personIds)) : [],
    executor.select({ id: subjects.id, email: subjects.email, name: subjects.name }).from(subjects).where(inArray(subjects.id, subjectIds)),
  ]);
  const personEmail = new Map(personRows.map((p) => [p.id, p.email]));
  const subjectById = new Map(subjectRows.map((s) => [s.id, s]));
  const notifications: Notification[] = [];
  for (const event of events) {
    const subject = subjectById.get(event.subjectId);
    const body = [
      `${headlines[event.kind]}.`,
      `Грант / Grant: ${event.grantId}`,
      `Субъект / Subject: ${subject?.name ?? event.subjectId}`,
      `Основание / Ground: ${event.detail}`,
    ].join('\n');
    const recipients: Array<[string, string | null | undefined]> = [
      ['person', event.personId ? personEmail.get(event.personId) : null],
      ['subject', subject?.email],
    ];
    for (const [role, email] of recipients) {
      if (!email) continue;
      notifications.push({ kind: event.kind, recipientEmail: email, subject: headlines[event.kind], body, dedupeKey: `grant:${event.grantId}:${event.eventKey}:${role}` });
    }
  }
  return enqueueNotification(executor, notifications);
}

/** The decision on an integration application, to the e-mail given in it (p.16). */
export async function notifyApplicationDecision(executor: Executor, application: ApplicationRow): Promise<number> {
  const approved = application.status === 'APPROVED';
  const subject = approved
    ? 'Заявка на интеграцию одобрена / Integration application approved'
    : 'Заявка на интеграцию отклонена / Integration application refused';
  const body = [
    `${subject}.`,
    `Заявка / Application: ${application.id}`,
    `Цифровой объект / Digital object: ${application.digitalObjectName}`,
    approved
      ? 'Заключено соглашение об интеграции; цифровой объект переведён в тестирование. / An integration agreement was concluded; the digital object is in testing.'
      : `Причина / Reason: ${application.refusalReason ?? ''}`,
  ].join('\n');
  return enqueueNotification(executor, {
    kind: approved ? 'application.approved' : 'application.refused',
    recipientEmail: application.contactEmail,
    subject,
    body,
    dedupeKey: `application:${application.id}:decision`,
  });
}
