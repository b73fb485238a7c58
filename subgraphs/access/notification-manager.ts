import type { Executor } from '../../lib/db.js';
import { enqueueNotification, type Notification } from '../../lib/outbox.js';
import type { ApplicationRow } from './application-repository.js';
import { DirectoryRepository } from './directory-repository.js';

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
 * Notifications (p.16, p.20): what is said to whom when a grant changes or an application
 * is decided. Messages go to the outbox through the caller's transaction, so they exist
 * exactly when the change does; `lib/outbox.ts` delivers them (administrators read them with `notifications`).
 */
export class NotificationManager {
  constructor(private readonly db: Executor) {}

  /**
   * To the person holding each grant and to the subject it acts for: two look-ups for the
   * addresses and one insert, whatever the number of events.
   */
  async grantEvents(events: readonly GrantEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const personIds = [...new Set(events.map((e) => e.personId).filter((id): id is string => id !== null))];
    const contacts = await new DirectoryRepository(this.db).contacts(personIds, [...new Set(events.map((e) => e.subjectId))]);
    const notifications: Notification[] = [];
    for (const event of events) {
      const subject = contacts.subjects.get(event.subjectId);
      const body = [
        `${headlines[event.kind]}.`,
        `Грант / Grant: ${event.grantId}`,
        `Субъект / Subject: ${subject?.name ?? event.subjectId}`,
        `Основание / Ground: ${event.detail}`,
      ].join('\n');
      const recipients: Array<[string, string | null | undefined]> = [
        ['person', event.personId ? contacts.personEmails.get(event.personId) : null],
        ['subject', subject?.email],
      ];
      for (const [role, email] of recipients) {
        if (!email) continue;
        notifications.push({
          kind: event.kind,
          recipientEmail: email,
          subject: headlines[event.kind],
          body,
          dedupeKey: `grant:${event.grantId}:${event.eventKey}:${role}`,
        });
      }
    }
    return enqueueNotification(this.db, notifications);
  }

  /** The decision on an integration application, to the e-mail given in it (p.16). */
  async applicationDecision(application: ApplicationRow): Promise<number> {
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
    return enqueueNotification(this.db, {
      kind: approved ? 'application.approved' : 'application.refused',
      recipientEmail: application.contactEmail,
      subject,
      body,
      dedupeKey: `application:${application.id}:decision`,
    });
  }
}
