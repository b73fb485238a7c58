import type { Caller } from '../../lib/auth/caller.js';
import { loadEffectiveGrants } from '../../lib/auth/effective-grants.js';
import { actorOf } from '../../lib/auth/scope.js';
import { eq } from 'drizzle-orm';
import { digitalObjects, persons } from '../../schema/access.js';
import type { Database, Transaction } from '../../lib/db.js';
import { badUserInput, forbidden } from '../../lib/errors.js';
import { receiptFor, type Receipt } from '../../lib/receipts.js';
import { TokenRepository, type IssuedToken, type TokenMetadata } from '../../lib/auth/tokens.js';
import { ApplicationRepository, type ApplicationRow, type Approval, type SubmitApplicationInput } from './application-repository.js';
import { CalendarRepository, type CalendarDayKind, type HolidayRow } from './calendar-repository.js';
import {
  DirectoryRepository, type CreatePersonInput, type CreateSubjectInput, type DigitalObjectRow, type PersonRow, type SubjectRow,
} from './directory-repository.js';
import {
  administrativeEndGrounds, GrantRepository, type AgreementRow, type CreateGrantInput, type EndGround, type EndResult, type GrantRow, type SuspensionEffect,
} from './grant-repository.js';
import { notifyApplicationDecision, notifyGrantEvents, type GrantEvent } from './notifications.js';

/** Who acts and when: the caller verified by the gateway, the request's arrival, and "now" for the lifecycle. */
export interface Acting {
  caller: Caller;
  receivedAt: Date;
  /** Defaults to the current time; tests move it. */
  now?: Date;
  /**
   * Runs first inside the transaction: re-checks that the caller's right still holds
   * (`recheckAdministrator` for administrators' mutations), so a right revoked while the
   * request was in flight stops it before anything is written.
   */
  verify?: (tx: Transaction) => Promise<void>;
}

export type WithReceipt<T> = T & { receipt: Receipt };

export interface EndGrantInput {
  grantId: string;
  ground: EndGround;
  legalBasis?: string | null;
  comment?: string | null;
}

function endEvents(result: EndResult, detail: (ground: EndGround) => string): GrantEvent[] {
  return result.ended.map((g) => ({
    grantId: g.id,
    personId: g.personId,
    subjectId: g.subjectId,
    kind: 'grant.ended',
    detail: detail(g.ground),
    eventKey: `history:${g.historyId}`,
  }));
}

function suspensionEvents(effect: SuspensionEffect, suspended: boolean): GrantEvent[] {
  const { grant, historyId } = effect.transition;
  const own: GrantEvent = {
    grantId: grant.id,
    personId: grant.personId,
    subjectId: grant.subjectId,
    kind: suspended ? 'grant.suspended' : 'grant.reinstated',
    detail: suspended ? 'FALSE_DATA' : 'FALSE_DATA review completed',
    eventKey: `history:${historyId}`,
  };
  const delegations = effect.affected.map((d): GrantEvent => ({
    grantId: d.id,
    personId: d.personId,
    subjectId: d.subjectId,
    kind: d.blocked ? 'grant.suspended' : 'grant.reinstated',
    detail: d.blocked ? `The delegating grant ${grant.id} is suspended (FALSE_DATA).` : `The delegating grant ${grant.id} was reinstated.`,
    eventKey: `ancestor-history:${historyId}`,
  }));
  return [own, ...delegations];
}

function tokenLabel(label: string | null | undefined, fallback: string): string {
  const trimmed = label?.trim() || fallback;
  if (trimmed.length > 200) throw badUserInput({ field: 'label', message: 'A token label must be at most 200 characters.' });
  return trimmed;
}

/**
 * The access subgraph's use cases. Each runs in ONE transaction that makes the change,
 * writes its history, queues its notifications in the outbox and issues the receipt
 * (p.30), so either all of it exists or none of it does.
 */
export class AccessService {
  constructor(private readonly db: Database) {}

  private async run<T extends object>(
    operation: string,
    acting: Acting,
    work: (tx: Transaction, now: Date) => Promise<{ result: T; objectIds: string[] }>,
  ): Promise<WithReceipt<T>> {
    const now = acting.now ?? new Date();
    return this.db.transaction(async (tx) => {
      await acting.verify?.(tx);
      const { result, objectIds } = await work(tx, now);
      const receipt = await receiptFor(tx, acting, `access.${operation}`, objectIds);
      return { ...result, receipt };
    });
  }

  createSubject(input: CreateSubjectInput, acting: Acting): Promise<WithReceipt<{ subject: SubjectRow }>> {
    return this.run('createSubject', acting, async (tx, now) => {
      const subject = await new DirectoryRepository(tx).createSubject(input, now);
      return { result: { subject }, objectIds: [subject.id] };
    });
  }

  createPerson(input: CreatePersonInput, acting: Acting): Promise<WithReceipt<{ person: PersonRow }>> {
    return this.run('createPerson', acting, async (tx, now) => {
      const person = await new DirectoryRepository(tx).createPerson(input, now);
      return { result: { person }, objectIds: [person.id] };
    });
  }

  createAgreement(
    input: { subjectId: string; reference?: string | null; functions: string[]; validFrom?: Date | null; validUntil?: Date | null },
    acting: Acting,
  ): Promise<WithReceipt<{ agreement: AgreementRow }>> {
    return this.run('createAgreement', acting, async (tx, now) => {
      if (!(await new DirectoryRepository(tx).subject(input.subjectId))) throw badUserInput({ field: 'input.subjectId', message: 'No subject has this subjectId.' });
      const agreement = await new GrantRepository(tx).createAgreement({ ...input, kind: 'ACCESS' }, actorOf(acting.caller), now);
      return { result: { agreement }, objectIds: [agreement.id] };
    });
  }

  /**
   * Administrators grant anything the agreement covers; a person may also delegate from
   * a grant of their own that is in effect (re-checked inside the transaction).
   */
  grantAccess(input: CreateGrantInput, acting: Acting): Promise<WithReceipt<{ grant: GrantRow }>> {
    return this.run('grantAccess', acting, async (tx, now) => {
      await this.authorizeDelegation(tx, acting.caller, input.parentGrantId, now);
      const grant = await new GrantRepository(tx).create(input, actorOf(acting.caller), now);
      return { result: { grant }, objectIds: [grant.id] };
    });
  }

  private async authorizeDelegation(tx: Transaction, caller: Caller, parentGrantId: string | null | undefined, now: Date): Promise<void> {
    if (caller.kind === 'person' && caller.isAdministrator) return;
    if (caller.kind !== 'person' || !parentGrantId) throw forbidden('Only the Administrator grants access; a person may delegate only from a grant of their own.');
    const own = await loadEffectiveGrants(tx, { personId: caller.personId }, now);
    if (!own.some((g) => g.grantId === parentGrantId)) throw forbidden('You may delegate only from a grant of your own that is in effect.');
  }

  /** PENDING → ACTIVE: an administrator, or the holder of the grant it was delegated from. */
  activateGrant(grantId: string, comment: string | null | undefined, acting: Acting): Promise<WithReceipt<{ grant: GrantRow }>> {
    return this.run('activateGrant', acting, async (tx, now) => {
      const repo = new GrantRepository(tx);
      const caller = acting.caller;
      if (!(caller.kind === 'person' && caller.isAdministrator)) {
        const target = await repo.find(grantId);
        if (!target?.parentGrantId) throw forbidden('Only the Administrator activates a grant that is not a delegation of yours.');
        await this.authorizeDelegation(tx, caller, target.parentGrantId, now);
      }
      const { grant } = await repo.activate(grantId, comment, actorOf(caller), now);
      return { result: { grant }, objectIds: [grant.id] };
    });
  }

  suspendGrant(grantId: string, comment: string | null | undefined, acting: Acting): Promise<WithReceipt<{ grant: GrantRow; affectedGrantIds: string[] }>> {
    return this.changeSuspension('suspendGrant', grantId, comment, acting);
  }

  reinstateGrant(grantId: string, comment: string | null | undefined, acting: Acting): Promise<WithReceipt<{ grant: GrantRow; affectedGrantIds: string[] }>> {
    return this.changeSuspension('reinstateGrant', grantId, comment, acting);
  }

  /** Suspension and reinstatement: the grant, the delegations whose effect flipped, and a notification for each. */
  private changeSuspension(
    operation: 'suspendGrant' | 'reinstateGrant',
    grantId: string,
    comment: string | null | undefined,
    acting: Acting,
  ): Promise<WithReceipt<{ grant: GrantRow; affectedGrantIds: string[] }>> {
    const suspending = operation === 'suspendGrant';
    return this.run(operation, acting, async (tx, now) => {
      const repo = new GrantRepository(tx);
      const actor = actorOf(acting.caller);
      const effect = suspending ? await repo.suspend(grantId, comment, actor, now) : await repo.reinstate(grantId, comment, actor, now);
      await notifyGrantEvents(tx, suspensionEvents(effect, suspending));
      const affectedGrantIds = effect.affected.map((a) => a.id);
      return { result: { grant: effect.transition.grant, affectedGrantIds }, objectIds: [grantId, ...affectedGrantIds] };
    });
  }

  /** Ends by an administrator's decision: REVOKED, GROUNDS_ENDED, FALSE_DATA (after suspension) or OTHER_LEGAL_GROUND (with its legal basis). */
  endGrant(input: EndGrantInput, acting: Acting): Promise<WithReceipt<EndResult>> {
    if (!(administrativeEndGrounds as readonly string[]).includes(input.ground)) {
      const why =
        input.ground === 'AGREEMENT_EXPIRED'
          ? 'Expiry needs no action: a grant ends by itself when its term runs out.'
          : input.ground === 'RENOUNCED'
            ? 'Only the grantee renounces, with renounceGrant.'
            : 'CASCADE follows from ending the delegating grant.';
      return Promise.reject(badUserInput({ field: 'input.ground', message: `${why} Choose REVOKED, GROUNDS_ENDED, FALSE_DATA or OTHER_LEGAL_GROUND.` }));
    }
    const legalBasis = input.legalBasis?.trim() || null;
    if (input.ground === 'OTHER_LEGAL_GROUND' && !legalBasis) {
      return Promise.reject(badUserInput({ field: 'input.legalBasis', message: 'Ending on OTHER_LEGAL_GROUND needs the legal basis (the law and article).' }));
    }
    return this.run('endGrant', acting, async (tx, now) => {
      const result = await new GrantRepository(tx).end(input.grantId, { ground: input.ground, legalBasis, comment: input.comment ?? null }, actorOf(acting.caller), now);
      await notifyGrantEvents(tx, endEvents(result, (ground) => (ground === 'CASCADE' ? `CASCADE: the delegating grant ${input.grantId} ended` : ground)));
      return { result, objectIds: [...result.ended.map((g) => g.id), ...result.disabledDigitalObjectIds] };
    });
  }

  /** The grantee's own refusal (p.20.3); only a person renounces, and only a grant of their own. */
  renounceGrant(grantId: string, comment: string | null | undefined, acting: Acting): Promise<WithReceipt<EndResult>> {
    return this.run('renounceGrant', acting, async (tx, now) => {
      const caller = acting.caller;
      const target = await new GrantRepository(tx).find(grantId);
      if (!target) throw badUserInput({ field: 'grantId', message: 'No grant has this grantId.' });
      if (caller.kind !== 'person' || target.personId !== caller.personId) throw forbidden('Only the person holding a grant can renounce it.');
      const result = await new GrantRepository(tx).end(grantId, { ground: 'RENOUNCED', comment: comment ?? null }, actorOf(caller), now);
      await notifyGrantEvents(tx, endEvents(result, (ground) => (ground === 'CASCADE' ? `CASCADE: the delegating grant ${grantId} was renounced` : ground)));
      return { result, objectIds: [...result.ended.map((g) => g.id), ...result.disabledDigitalObjectIds] };
    });
  }

  /** A person acting for the subject (a grant in effect for it) or an administrator applies (p.14). */
  submitApplication(input: SubmitApplicationInput, acting: Acting): Promise<WithReceipt<{ application: ApplicationRow }>> {
    return this.run('submitApplication', acting, async (tx, now) => {
      const caller = acting.caller;
      if (!(caller.kind === 'person' && caller.isAdministrator)) {
        if (caller.kind !== 'person') throw forbidden('An application is submitted by a person acting for the subject.');
        const own = await loadEffectiveGrants(tx, { personId: caller.personId }, now);
        if (!own.some((g) => g.subjectId === input.subjectId)) throw forbidden('You may apply only for a subject you hold a grant for.');
      }
      const application = await new ApplicationRepository(tx).submit(input, actorOf(caller), now);
      return { result: { application }, objectIds: [application.id] };
    });
  }

  approveApplication(applicationId: string, terms: { validUntil?: Date | null; reference?: string | null }, acting: Acting): Promise<WithReceipt<Approval>> {
    return this.run('approveApplication', acting, async (tx, now) => {
      const approval = await new ApplicationRepository(tx).approve(applicationId, terms, actorOf(acting.caller), now);
      await notifyApplicationDecision(tx, approval.application);
      return { result: approval, objectIds: [applicationId, approval.agreement.id, approval.digitalObject.id, approval.grant.id] };
    });
  }

  refuseApplication(applicationId: string, reason: string, acting: Acting): Promise<WithReceipt<{ application: ApplicationRow }>> {
    return this.run('refuseApplication', acting, async (tx, now) => {
      const application = await new ApplicationRepository(tx).refuse(applicationId, reason, actorOf(acting.caller), now);
      await notifyApplicationDecision(tx, application);
      return { result: { application }, objectIds: [applicationId] };
    });
  }

  markDigitalObjectTested(digitalObjectId: string, acting: Acting): Promise<WithReceipt<{ digitalObject: DigitalObjectRow }>> {
    return this.run('markDigitalObjectTested', acting, async (tx, now) => {
      const digitalObject = await new DirectoryRepository(tx).markTested(digitalObjectId, now);
      return { result: { digitalObject }, objectIds: [digitalObjectId] };
    });
  }

  addHoliday(input: { date: string; kind?: CalendarDayKind | null; nameKk: string; nameRu: string }, acting: Acting): Promise<WithReceipt<{ holiday: HolidayRow; movedDeadlines: number }>> {
    return this.run('addHoliday', acting, async (tx) => {
      const calendar = new CalendarRepository(tx);
      const holiday = await calendar.add(input);
      const movedDeadlines = await calendar.recomputeDeadlines(holiday.date);
      return { result: { holiday, movedDeadlines }, objectIds: [holiday.date] };
    });
  }

  removeHoliday(date: string, acting: Acting): Promise<WithReceipt<{ holiday: HolidayRow; movedDeadlines: number }>> {
    return this.run('removeHoliday', acting, async (tx) => {
      const calendar = new CalendarRepository(tx);
      const holiday = await calendar.remove(date);
      if (!holiday) throw badUserInput({ field: 'date', message: 'This date is not in the calendar.' });
      const movedDeadlines = await calendar.recomputeDeadlines(date);
      return { result: { holiday, movedDeadlines }, objectIds: [date] };
    });
  }

  /** A person's session token; stands in for the sign-in of an external identity provider. */
  issueSessionToken(personId: string, label: string | null | undefined, acting: Acting): Promise<WithReceipt<IssuedToken>> {
    return this.run('issueSessionToken', acting, async (tx, now) => {
      const [person] = await tx.select({ id: persons.id }).from(persons).where(eq(persons.id, personId));
      if (!person) throw badUserInput({ field: 'personId', message: 'No person has this personId.' });
      const issued = await new TokenRepository(tx).issueSessionToken(personId, { label: tokenLabel(label, 'session'), now });
      return { result: issued, objectIds: [issued.metadata.id] };
    });
  }

  issueApiToken(digitalObjectId: string, label: string, expiresAt: Date | null | undefined, acting: Acting): Promise<WithReceipt<IssuedToken>> {
    return this.run('issueApiToken', acting, async (tx, now) => {
      const [object] = await tx.select().from(digitalObjects).where(eq(digitalObjects.id, digitalObjectId));
      if (!object) throw badUserInput({ field: 'digitalObjectId', message: 'No digital object has this digitalObjectId.' });
      if (object.status === 'DISABLED') throw badUserInput({ field: 'digitalObjectId', message: 'The digital object is disabled: it has no access right left.' });
      if (!label.trim()) throw badUserInput({ field: 'label', message: 'Say what the token is for.' });
      if (expiresAt && expiresAt.getTime() <= now.getTime()) throw badUserInput({ field: 'expiresAt', message: 'The expiry must be in the future.' });
      const issued = await new TokenRepository(tx).issueApiToken(digitalObjectId, { label: tokenLabel(label, 'integration'), expiresAt: expiresAt ?? null });
      return { result: issued, objectIds: [issued.metadata.id] };
    });
  }

  /** Administrators revoke any token; a person revokes their own (signing out). */
  revokeApiToken(tokenId: string, acting: Acting): Promise<WithReceipt<{ apiToken: TokenMetadata }>> {
    return this.run('revokeApiToken', acting, async (tx) => {
      const tokens = new TokenRepository(tx);
      const existing = await tokens.findById(tokenId);
      if (!existing) throw badUserInput({ field: 'tokenId', message: 'No token has this tokenId.' });
      const caller = acting.caller;
      const own = caller.kind === 'person' && existing.personId === caller.personId;
      if (!own && !(caller.kind === 'person' && caller.isAdministrator)) throw forbidden('Only administrators revoke tokens other than their own.');
      const apiToken = await tokens.revoke(tokenId);
      if (!apiToken) throw new Error('The token vanished while being revoked.');
      return { result: { apiToken }, objectIds: [tokenId] };
    });
  }
}
