import type { Caller } from '../../lib/auth/caller.js';
import { authenticatedEntity, entitiesRule } from '../../lib/auth/entities.js';
import {
  deny,
  type IRules,
  isAdministrator,
  isAuthenticated,
  relyOnAdministrator,
  relyOnGrants,
  relyOnToken,
  rule,
  visibleWithParent,
} from '../../lib/auth/shield.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import { parseId, parseOptionalId } from '../../lib/ids.js';
import type { PersonalDataOf } from '../../lib/subgraph-schema.js';
import type { ApplicationRow } from './application-repository.js';
import { isAdministratorCaller as administrator, type Context } from './context.js';
import { isNaturalPerson } from './directory-manager.js';
import type { PersonRow, SubjectRow } from './directory-repository.js';
import type { NotificationRow } from './notification-repository.js';

/**
 * The personal data of the access subgraph (p.9, p.24): persons' identities and contacts,
 * subjects' identification numbers and addresses, natural persons' names (`isNaturalPerson`),
 * the contact of an application and the recipient of a notification.
 */
export const personalData = {
  Person: ['iin', 'fullName', 'email', 'phone'],
  Subject: ['name', 'identificationNumber', 'email'],
  IntegrationApplication: ['contactEmail'],
  Notification: ['recipientEmail'],
} satisfies PersonalDataOf<{
  Person: PersonRow;
  Subject: SubjectRow;
  IntegrationApplication: ApplicationRow;
  Notification: NotificationRow;
}>;

/** Administrators, or the person themself: a person's identity, contacts and grants. */
const isAdministratorOrSelf = rule()<PersonRow, Context>((person, _args, { caller }) => {
  if (caller.kind === 'anonymous') return unauthenticated();
  if (administrator(caller) || (caller.kind === 'person' && caller.personId === person.id)) return true;
  return forbidden("A person's personal data is shown only to administrators and to the person.");
});

/** Administrators, or a caller holding a grant in effect for the subject. */
function actsFor(caller: Caller, subjectId: string): true | Error {
  if (caller.kind === 'anonymous') return unauthenticated();
  if (administrator(caller) || caller.grants.some((grant) => grant.subjectId === subjectId)) return true;
  return forbidden('This is shown only to administrators and to those acting for the subject.');
}

const actsForSubject = rule()<SubjectRow, Context>((subject, _args, { caller }) => actsFor(caller, subject.id));
const actsForApplicant = rule()<ApplicationRow, Context>((application, _args, { caller }) => actsFor(caller, application.subjectId));

/** An organisation's name is a public fact; a natural person's is theirs (administrators and those acting for the subject). */
const subjectName = rule()<SubjectRow, Context>((subject, _args, { caller }) =>
  isNaturalPerson(subject) ? actsFor(caller, subject.id) : true,
);

/** A person's own tokens, or any owner's for administrators. */
const mayListTokens = rule()<unknown, Context>((_parent, args, { caller }) => {
  if (caller.kind === 'anonymous') return unauthenticated();
  const personId = parseOptionalId(args.personId, 'personId', 'a person');
  const digitalObjectId = parseOptionalId(args.digitalObjectId, 'digitalObjectId', 'a digital object');
  if (administrator(caller)) return relyOnAdministrator();
  if (digitalObjectId !== null) return forbidden("Only administrators list a digital object's tokens.");
  if (personId !== null && !(caller.kind === 'person' && caller.personId === personId))
    return forbidden('You may list only your own tokens.');
  return relyOnToken();
});

/**
 * Any grant for administrators; for anyone else a delegation from a grant of their own that
 * is in effect: that grant is what the write relies on (re-checked and locked until commit).
 */
const mayGrantAccess = rule()<unknown, Context>((_parent, args, { caller }) => {
  if (caller.kind === 'anonymous') return unauthenticated();
  if (administrator(caller)) return relyOnAdministrator();
  const parent = parseOptionalId((args.input as { parentGrantId?: unknown } | undefined)?.parentGrantId, 'input.parentGrantId', 'a grant');
  if (caller.kind !== 'person' || parent === null)
    return forbidden('Only the Administrator grants access; a person may delegate only from a grant of their own.');
  return relyOnGrants(
    caller.grants.filter((grant) => grant.grantId === parent),
    () => forbidden('You may delegate only from a grant of your own that is in effect.'),
  );
});

/** Administrators, or the holder of the grant the target was delegated from, relying on that grant. */
const mayActivateGrant = rule()<unknown, Context>(async (_parent, args, { caller, loaders }) => {
  if (caller.kind === 'anonymous') return unauthenticated();
  if (administrator(caller)) return relyOnAdministrator();
  const target = await loaders.grantById.load(parseId(args.grantId, 'grantId', 'a grant'));
  // A grant that does not exist is the write's NOT_FOUND, not a refusal.
  if (!target) return relyOnToken();
  return relyOnGrants(
    caller.grants.filter((grant) => grant.grantId === target.parentGrantId),
    () => forbidden('Only the Administrator activates a grant that is not a delegation of yours.'),
  );
});

/**
 * Only a person renounces, and only a grant they hold: relying on it when it is in effect;
 * a pending or suspended grant of theirs rests on their token, the manager checking the
 * holder under the grant's lock.
 */
const mayRenounceGrant = rule()<unknown, Context>((_parent, args, { caller }) => {
  if (caller.kind === 'anonymous') return unauthenticated();
  if (caller.kind !== 'person') return forbidden('Only the person holding a grant can renounce it.');
  const grantId = parseId(args.grantId, 'grantId', 'a grant');
  const held = caller.grants.filter((grant) => grant.grantId === grantId);
  return held.length > 0 ? relyOnGrants(held) : relyOnToken();
});

/** Administrators, or a person acting for the subject, relying on their grants for it. */
const maySubmitApplication = rule()<unknown, Context>((_parent, args, { caller }) => {
  if (caller.kind === 'anonymous') return unauthenticated();
  if (administrator(caller)) return relyOnAdministrator();
  if (caller.kind !== 'person') return forbidden('An application is submitted by a person acting for the subject.');
  const subjectId = parseId((args.input as { subjectId?: unknown } | undefined)?.subjectId, 'input.subjectId', 'a subject');
  return relyOnGrants(
    caller.grants.filter((grant) => grant.subjectId === subjectId),
    () => forbidden('You may apply only for a subject you hold a grant for.'),
  );
});

/** Anyone, signed in or not, relying on nothing: for mutations that prove what they need themselves (EDS sign-in). */
const anyone = rule()(() => true);

/** Administrators any token; anyone else on their token, the manager checking the token is theirs (signing out). */
const mayRevokeToken = rule()<unknown, Context>((_parent, _args, { caller }) => {
  if (caller.kind === 'anonymous') return unauthenticated();
  return administrator(caller) ? relyOnAdministrator() : relyOnToken();
});

/**
 * Every field of every type. Every root field needs a signed-in caller (the access subgraph
 * has no open part), so fields of the objects below decide nothing more where they only
 * show what their parent's rule already let the caller reach (`visibleWithParent`);
 * personal data, other subjects' details and administrators' relations have rules of their own.
 */
export const permissions: IRules = {
  Query: {
    me: isAuthenticated,
    subject: isAdministrator,
    subjects: isAdministrator,
    person: isAdministrator,
    grant: isAdministrator,
    grants: isAdministrator,
    explainAccess: isAdministrator,
    revocationPreview: isAdministrator,
    application: isAdministrator,
    applications: isAdministrator,
    overdueApplications: isAdministrator,
    digitalObject: isAdministrator,
    notifications: isAdministrator,
    apiTokens: mayListTokens,
    holidays: isAuthenticated,
    // Subject is the one entity type; each of its fields carries its rule.
    _entities: entitiesRule<Context>({ Subject: authenticatedEntity }),
    _service: deny,
  },
  Mutation: {
    createSubject: isAdministrator,
    createPerson: isAdministrator,
    createAgreement: isAdministrator,
    grantAccess: mayGrantAccess,
    activateGrant: mayActivateGrant,
    suspendGrant: isAdministrator,
    reinstateGrant: isAdministrator,
    endGrant: isAdministrator,
    renounceGrant: mayRenounceGrant,
    submitApplication: maySubmitApplication,
    approveApplication: isAdministrator,
    refuseApplication: isAdministrator,
    markDigitalObjectTested: isAdministrator,
    addHoliday: isAdministrator,
    removeHoliday: isAdministrator,
    issueSessionToken: isAdministrator,
    issueApiToken: isAdministrator,
    revokeApiToken: mayRevokeToken,
    // EDS sign-in: anyone; what it needs (a valid signature over an unused nonce) is proven
    // inside its write (runPublicWrite, lib/write.ts), not by the caller's credentials.
    requestSignInChallenge: anyone,
    signInWithSignature: anyone,
  },
  Subject: {
    '*': visibleWithParent,
    name: subjectName,
    identificationNumber: actsForSubject,
    email: actsForSubject,
    agreements: actsForSubject,
    digitalObjects: actsForSubject,
    grants: isAdministrator,
  },
  Person: {
    '*': visibleWithParent,
    iin: isAdministratorOrSelf,
    fullName: isAdministratorOrSelf,
    email: isAdministratorOrSelf,
    phone: isAdministratorOrSelf,
    grants: isAdministratorOrSelf,
  },
  IntegrationApplication: { '*': visibleWithParent, contactEmail: actsForApplicant },
  // Reachable only below `notifications` (administrators); the address still has its own rule.
  Notification: { '*': visibleWithParent, recipientEmail: isAdministrator },
  Agreement: { '*': visibleWithParent },
  Grant: { '*': visibleWithParent },
  GrantHistoryEntry: { '*': visibleWithParent },
  DigitalObject: { '*': visibleWithParent },
  Holiday: { '*': visibleWithParent },
  Receipt: { '*': visibleWithParent },
  PageInfo: { '*': visibleWithParent },
  Me: { '*': visibleWithParent },
  ApiToken: { '*': visibleWithParent },
  AccessExplanation: { '*': visibleWithParent },
  GrantAssessment: { '*': visibleWithParent },
  RevocationPreview: { '*': visibleWithParent },
  IssuedTokenPayload: { '*': visibleWithParent },
  SignInChallenge: { '*': visibleWithParent },
  SignInPayload: { '*': visibleWithParent },
  ApiTokenPayload: { '*': visibleWithParent },
  SubjectPayload: { '*': visibleWithParent },
  PersonPayload: { '*': visibleWithParent },
  AgreementPayload: { '*': visibleWithParent },
  GrantPayload: { '*': visibleWithParent },
  GrantTransitionPayload: { '*': visibleWithParent },
  EndGrantPayload: { '*': visibleWithParent },
  IntegrationApplicationPayload: { '*': visibleWithParent },
  ApproveApplicationPayload: { '*': visibleWithParent },
  DigitalObjectPayload: { '*': visibleWithParent },
  HolidayPayload: { '*': visibleWithParent },
  SubjectConnection: { '*': visibleWithParent },
  SubjectEdge: { '*': visibleWithParent },
  GrantConnection: { '*': visibleWithParent },
  GrantEdge: { '*': visibleWithParent },
  IntegrationApplicationConnection: { '*': visibleWithParent },
  IntegrationApplicationEdge: { '*': visibleWithParent },
  NotificationConnection: { '*': visibleWithParent },
  NotificationEdge: { '*': visibleWithParent },
};
