import type { ApplicationRow } from '../application-repository.js';
import type { DigitalObjectRow, PersonRow, SubjectRow } from '../directory-repository.js';
import { effectiveState, isInEffect, type AgreementRow, type EndResult, type GrantRow } from '../grant-repository.js';
import { isUuid } from '../../../lib/uuid.js';
import { loadAll } from '../loaders.js';
import { almatyDate } from '../../../lib/working-calendar.js';
import type { AccessContext } from './context.js';

// Relations go through the request's DataLoaders; the personal-data fields have resolvers
// of their own so that graphql-shield (declared resolvers only) guards them.

export const Subject = {
  __resolveReference: (reference: { id: string }, context: AccessContext) =>
    isUuid(reference.id) ? context.loaders.subjectById.load(reference.id.toLowerCase()) : null,
  identificationNumber: (subject: SubjectRow) => subject.identificationNumber,
  email: (subject: SubjectRow) => subject.email,
  agreements: (subject: SubjectRow, _: unknown, context: AccessContext) => context.loaders.agreementsBySubjectId.load(subject.id),
  grants: (subject: SubjectRow, _: unknown, context: AccessContext) => context.loaders.grantsBySubjectId.load(subject.id),
  digitalObjects: (subject: SubjectRow, _: unknown, context: AccessContext) => context.loaders.digitalObjectsBySubjectId.load(subject.id),
};

export const Person = {
  iin: (person: PersonRow) => person.iin,
  fullName: (person: PersonRow) => person.fullName,
  email: (person: PersonRow) => person.email,
  phone: (person: PersonRow) => person.phone,
  grants: (person: PersonRow, _: unknown, context: AccessContext) => context.loaders.grantsByPersonId.load(person.id),
};

export const Agreement = {
  subject: (agreement: AgreementRow, _: unknown, context: AccessContext) => context.loaders.subjectById.load(agreement.subjectId),
  application: (agreement: AgreementRow, _: unknown, context: AccessContext) =>
    agreement.applicationId ? context.loaders.applicationById.load(agreement.applicationId) : null,
};

export const Grant = {
  person: (grant: GrantRow, _: unknown, context: AccessContext) => (grant.personId ? context.loaders.personById.load(grant.personId) : null),
  digitalObject: (grant: GrantRow, _: unknown, context: AccessContext) =>
    grant.digitalObjectId ? context.loaders.digitalObjectById.load(grant.digitalObjectId) : null,
  subject: (grant: GrantRow, _: unknown, context: AccessContext) => context.loaders.subjectById.load(grant.subjectId),
  agreement: (grant: GrantRow, _: unknown, context: AccessContext) => context.loaders.agreementById.load(grant.agreementId),
  parent: (grant: GrantRow, _: unknown, context: AccessContext) => (grant.parentGrantId ? context.loaders.grantById.load(grant.parentGrantId) : null),
  delegations: (grant: GrantRow, _: unknown, context: AccessContext) => context.loaders.delegationsByGrantId.load(grant.id),
  suspendedByAncestor: (grant: GrantRow) => grant.ancestorSuspended,
  // The clock at resolution, not the request's arrival: a grant created by this very request starts after that.
  effectiveState: (grant: GrantRow) => effectiveState(grant, new Date()).state,
  effectiveEndGround: (grant: GrantRow) => effectiveState(grant, new Date()).endGround,
  inEffect: (grant: GrantRow) => isInEffect(grant, new Date()),
  history: (grant: GrantRow, _: unknown, context: AccessContext) => context.loaders.historyByGrantId.load(grant.id),
};

export const DigitalObject = {
  subject: (object: DigitalObjectRow, _: unknown, context: AccessContext) => context.loaders.subjectById.load(object.subjectId),
  application: (object: DigitalObjectRow, _: unknown, context: AccessContext) =>
    object.applicationId ? context.loaders.applicationById.load(object.applicationId) : null,
  grants: (object: DigitalObjectRow, _: unknown, context: AccessContext) => context.loaders.grantsByDigitalObjectId.load(object.id),
};

export const IntegrationApplication = {
  subject: (application: ApplicationRow, _: unknown, context: AccessContext) => context.loaders.subjectById.load(application.subjectId),
  contactEmail: (application: ApplicationRow) => application.contactEmail,
  overdue: (application: ApplicationRow, _: unknown, context: AccessContext) =>
    application.status === 'SUBMITTED' && application.deadline < almatyDate(context.receivedAt),
  agreement: (application: ApplicationRow, _: unknown, context: AccessContext) =>
    application.agreementId ? context.loaders.agreementById.load(application.agreementId) : null,
  digitalObject: (application: ApplicationRow, _: unknown, context: AccessContext) =>
    application.digitalObjectId ? context.loaders.digitalObjectById.load(application.digitalObjectId) : null,
};

export const AccessExplanation = {
  agreement: (explanation: { agreementId: string | null }, _: unknown, context: AccessContext) =>
    explanation.agreementId ? context.loaders.agreementById.load(explanation.agreementId) : null,
};

export const RevocationPreview = {
  grant: (preview: { grantId: string }, _: unknown, context: AccessContext) => context.loaders.grantById.load(preview.grantId),
  digitalObjects: (preview: { digitalObjectIds: string[] }, _: unknown, context: AccessContext) =>
    loadAll(context.loaders.digitalObjectById, preview.digitalObjectIds),
};

export const GrantTransitionPayload = {
  affectedGrants: (payload: { affectedGrantIds: string[] }, _: unknown, context: AccessContext) => loadAll(context.loaders.grantById, payload.affectedGrantIds),
};

export const EndGrantPayload = {
  endedGrants: (payload: EndResult, _: unknown, context: AccessContext) =>
    loadAll(
      context.loaders.grantById,
      payload.ended.map((g) => g.id),
    ),
  disabledDigitalObjects: (payload: EndResult, _: unknown, context: AccessContext) => loadAll(context.loaders.digitalObjectById, payload.disabledDigitalObjectIds),
};

export const Notification = {
  recipientEmail: (notification: { recipientEmail: string }) => notification.recipientEmail,
};

export const ApiToken = {
  person: (token: { personId: string | null }, _: unknown, context: AccessContext) => (token.personId ? context.loaders.personById.load(token.personId) : null),
  digitalObject: (token: { digitalObjectId: string | null }, _: unknown, context: AccessContext) =>
    token.digitalObjectId ? context.loaders.digitalObjectById.load(token.digitalObjectId) : null,
};
