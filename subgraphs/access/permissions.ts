import type { IRules } from 'graphql-shield';
import { authenticatedEntity, entitiesRule } from '../../lib/auth/entities.js';
import { and, deny, isAdministrator, isAuthenticated, rule } from '../../lib/auth/shield.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import type { AccessContext } from './resolvers/context.js';

type ShieldRule = Parameters<typeof and>[number];

/** Fields carrying personal data: each has a declared resolver and a rule below. */
export const personalDataFields = [
  'Person.iin',
  'Person.fullName',
  'Person.email',
  'Person.phone',
  'Subject.identificationNumber',
  'Subject.email',
  'IntegrationApplication.contactEmail',
  'Notification.recipientEmail',
];

/** An administrator, or the person themself (personal data of p.9, p.24). */
const isAdministratorOrSelf = rule({ cache: 'no_cache' })((person: { id: string }, _args, context: AccessContext) => {
  const { caller } = context;
  if (caller.kind === 'anonymous') return unauthenticated();
  if (caller.kind === 'person' && (caller.isAdministrator || caller.personId === person.id)) return true;
  return forbidden("A person's personal data is shown only to administrators and to the person.");
});

/** An administrator, or a caller holding a grant in effect for the subject. */
function isAdministratorOrActsFor(subjectIdOf: (parent: any) => string) {
  return rule({ cache: 'no_cache' })((parent: unknown, _args, context: AccessContext) => {
    const { caller } = context;
    if (caller.kind === 'anonymous') return unauthenticated();
    if (caller.kind === 'person' && caller.isAdministrator) return true;
    const subjectId = subjectIdOf(parent);
    return caller.grants.some((grant) => grant.subjectId === subjectId) ? true : forbidden('This is shown only to administrators and to those acting for the subject.');
  });
}

const actsForSubject = isAdministratorOrActsFor((subject: { id: string }) => subject.id);
const actsForApplicant = isAdministratorOrActsFor((application: { subjectId: string }) => application.subjectId);

/**
 * Every declared resolver of `resolvers` gets a rule: `overrides` where given, otherwise
 * `fallback`. Object types below the root are reachable only through root fields whose
 * rules decide who sees which objects (administrators everything; others `me`, their own
 * grants and the payloads of their own mutations), so relations default to
 * `isAuthenticated`; personal data and other subjects' details carry stricter rules.
 */
function coverDeclared(resolvers: Record<string, Record<string, unknown>>, fallback: ShieldRule, overrides: Record<string, Record<string, ShieldRule>>): IRules {
  const rules: Record<string, Record<string, ShieldRule>> = {};
  for (const [typeName, fields] of Object.entries(resolvers)) {
    if (typeName === 'Query' || typeName === 'Mutation' || typeof fields !== 'object' || fields === null) continue;
    const declared = Object.keys(fields).filter((field) => !field.startsWith('__'));
    if (declared.length === 0) continue;
    rules[typeName] = Object.fromEntries(declared.map((field) => [field, overrides[typeName]?.[field] ?? fallback]));
  }
  return rules;
}

export function buildPermissions(resolvers: Record<string, Record<string, unknown>>): IRules {
  return {
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
      holidays: isAuthenticated,
      // A person lists their own tokens: checked in the resolver.
      apiTokens: isAuthenticated,
      // Subject is the one entity type; its kind, name and territory are not personal data,
      // the rest of its fields carry their own rules.
      _entities: entitiesRule<AccessContext>({ Subject: authenticatedEntity }),
      _service: deny,
    },
    Mutation: {
      createSubject: isAdministrator,
      createPerson: isAdministrator,
      createAgreement: isAdministrator,
      // Also a delegation by the holder of the parent grant: checked in its transaction.
      grantAccess: isAuthenticated,
      activateGrant: isAuthenticated,
      suspendGrant: isAdministrator,
      reinstateGrant: isAdministrator,
      endGrant: isAdministrator,
      // Only the holder's own grant: checked in its transaction.
      renounceGrant: isAuthenticated,
      // Only for a subject the person holds a grant for: checked in its transaction.
      submitApplication: isAuthenticated,
      approveApplication: isAdministrator,
      refuseApplication: isAdministrator,
      markDigitalObjectTested: isAdministrator,
      addHoliday: isAdministrator,
      removeHoliday: isAdministrator,
      issueSessionToken: isAdministrator,
      issueApiToken: isAdministrator,
      // A person revokes their own token (signing out): checked in its transaction.
      revokeApiToken: isAuthenticated,
    },
    ...coverDeclared(resolvers, isAuthenticated, {
      Person: { iin: isAdministratorOrSelf, fullName: isAdministratorOrSelf, email: isAdministratorOrSelf, phone: isAdministratorOrSelf, grants: isAdministratorOrSelf },
      Subject: { identificationNumber: actsForSubject, email: actsForSubject, agreements: actsForSubject, digitalObjects: actsForSubject, grants: isAdministrator },
      IntegrationApplication: { contactEmail: actsForApplicant },
      Notification: { recipientEmail: isAdministrator },
    }),
  };
}
