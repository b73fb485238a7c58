import type { GraphQLResolveInfo } from 'graphql';
import { parseId, parseOptionalId } from '../../../lib/ids.js';
import { placeWrite, runWrite } from '../../../lib/write.js';
import { type ApplicationInput, ApplicationManager, type IntegrationTerms } from '../application-manager.js';
import { CalendarManager, calendarConflicts, type HolidayInput } from '../calendar-manager.js';
import { actingOf, type Context } from '../context.js';
import { DirectoryManager, directoryConflicts, type PersonInput, type SubjectInput } from '../directory-manager.js';
import { type AgreementInput, type EndGrantInput, type GrantInput, GrantLifecycleManager } from '../grant-lifecycle-manager.js';
import { TokenManager } from '../token-manager.js';

// Each mutation: parse the arguments (a malformed id is BAD_USER_INPUT naming its field),
// then the manager's change inside the write path, which re-checks what the field's rule
// relied on, writes the receipt and maps unique violations to CONFLICT.

type WithComment = { comment?: string | null };

export const Mutation = {
  createSubject: (_: unknown, { input }: { input: SubjectInput }, context: Context, info: GraphQLResolveInfo) =>
    placeWrite(context, info, {
      operation: 'access.createSubject',
      conflicts: directoryConflicts,
      run: (tx, scope) => new DirectoryManager(tx).createSubject(input, actingOf(context, scope)),
    }),

  createPerson: (_: unknown, { input }: { input: PersonInput }, context: Context, info: GraphQLResolveInfo) =>
    placeWrite(context, info, {
      operation: 'access.createPerson',
      conflicts: directoryConflicts,
      run: (tx, scope) => new DirectoryManager(tx).createPerson(input, actingOf(context, scope)),
    }),

  createAgreement: (_: unknown, { input }: { input: AgreementInput }, context: Context, info: GraphQLResolveInfo) => {
    const agreement = { ...input, subjectId: parseId(input.subjectId, 'input.subjectId', 'a subject') };
    return placeWrite(context, info, {
      operation: 'access.createAgreement',
      run: (tx, scope) => new GrantLifecycleManager(tx).createAgreement(agreement, actingOf(context, scope)),
    });
  },

  grantAccess: (_: unknown, { input }: { input: GrantInput }, context: Context, info: GraphQLResolveInfo) => {
    const grant: GrantInput = {
      ...input,
      personId: parseOptionalId(input.personId, 'input.personId', 'a person'),
      digitalObjectId: parseOptionalId(input.digitalObjectId, 'input.digitalObjectId', 'a digital object'),
      agreementId: parseOptionalId(input.agreementId, 'input.agreementId', 'an agreement'),
      parentGrantId: parseOptionalId(input.parentGrantId, 'input.parentGrantId', 'a grant'),
    };
    return placeWrite(context, info, {
      operation: 'access.grantAccess',
      run: (tx, scope) => new GrantLifecycleManager(tx).grantAccess(grant, actingOf(context, scope)),
    });
  },

  activateGrant: (_: unknown, args: { grantId: unknown } & WithComment, context: Context, info: GraphQLResolveInfo) => {
    const grantId = parseId(args.grantId, 'grantId', 'a grant');
    return placeWrite(context, info, {
      operation: 'access.activateGrant',
      run: (tx, scope) => new GrantLifecycleManager(tx).activateGrant(grantId, args.comment, actingOf(context, scope)),
    });
  },

  suspendGrant: (_: unknown, args: { grantId: unknown } & WithComment, context: Context, info: GraphQLResolveInfo) => {
    const grantId = parseId(args.grantId, 'grantId', 'a grant');
    return placeWrite(context, info, {
      operation: 'access.suspendGrant',
      run: (tx, scope) => new GrantLifecycleManager(tx).suspendGrant(grantId, args.comment, actingOf(context, scope)),
    });
  },

  reinstateGrant: (_: unknown, args: { grantId: unknown } & WithComment, context: Context, info: GraphQLResolveInfo) => {
    const grantId = parseId(args.grantId, 'grantId', 'a grant');
    return placeWrite(context, info, {
      operation: 'access.reinstateGrant',
      run: (tx, scope) => new GrantLifecycleManager(tx).reinstateGrant(grantId, args.comment, actingOf(context, scope)),
    });
  },

  endGrant: (_: unknown, { input }: { input: EndGrantInput }, context: Context, info: GraphQLResolveInfo) => {
    const end = { ...input, grantId: parseId(input.grantId, 'input.grantId', 'a grant') };
    return placeWrite(context, info, {
      operation: 'access.endGrant',
      run: (tx, scope) => new GrantLifecycleManager(tx).endGrant(end, actingOf(context, scope)),
    });
  },

  renounceGrant: (_: unknown, args: { grantId: unknown } & WithComment, context: Context, info: GraphQLResolveInfo) => {
    const grantId = parseId(args.grantId, 'grantId', 'a grant');
    return placeWrite(context, info, {
      operation: 'access.renounceGrant',
      run: (tx, scope) => new GrantLifecycleManager(tx).renounceGrant(grantId, args.comment, actingOf(context, scope)),
    });
  },

  submitApplication: (_: unknown, { input }: { input: ApplicationInput }, context: Context, info: GraphQLResolveInfo) => {
    const application = { ...input, subjectId: parseId(input.subjectId, 'input.subjectId', 'a subject') };
    return placeWrite(context, info, {
      operation: 'access.submitApplication',
      run: (tx, scope) => new ApplicationManager(tx).submit(application, actingOf(context, scope)),
    });
  },

  approveApplication: (
    _: unknown,
    args: { applicationId: unknown; terms?: IntegrationTerms | null },
    context: Context,
    info: GraphQLResolveInfo,
  ) => {
    const applicationId = parseId(args.applicationId, 'applicationId', 'an application');
    return placeWrite(context, info, {
      operation: 'access.approveApplication',
      run: (tx, scope) => new ApplicationManager(tx).approve(applicationId, args.terms ?? {}, actingOf(context, scope)),
    });
  },

  refuseApplication: (_: unknown, args: { applicationId: unknown; reason: string }, context: Context, info: GraphQLResolveInfo) => {
    const applicationId = parseId(args.applicationId, 'applicationId', 'an application');
    return placeWrite(context, info, {
      operation: 'access.refuseApplication',
      run: (tx, scope) => new ApplicationManager(tx).refuse(applicationId, args.reason, actingOf(context, scope)),
    });
  },

  markDigitalObjectTested: (_: unknown, args: { digitalObjectId: unknown }, context: Context, info: GraphQLResolveInfo) => {
    const digitalObjectId = parseId(args.digitalObjectId, 'digitalObjectId', 'a digital object');
    return placeWrite(context, info, {
      operation: 'access.markDigitalObjectTested',
      run: (tx, scope) => new ApplicationManager(tx).markDigitalObjectTested(digitalObjectId, actingOf(context, scope)),
    });
  },

  addHoliday: (_: unknown, { input }: { input: HolidayInput }, context: Context, info: GraphQLResolveInfo) =>
    placeWrite(context, info, {
      operation: 'access.addHoliday',
      conflicts: calendarConflicts,
      run: (tx, scope) => new CalendarManager(tx).addHoliday(input, actingOf(context, scope)),
    }),

  removeHoliday: (_: unknown, args: { date: string }, context: Context, info: GraphQLResolveInfo) =>
    placeWrite(context, info, {
      operation: 'access.removeHoliday',
      run: (tx, scope) => new CalendarManager(tx).removeHoliday(args.date, actingOf(context, scope)),
    }),

  issueSessionToken: (_: unknown, args: { personId: unknown; label?: string | null }, context: Context, info: GraphQLResolveInfo) => {
    const personId = parseId(args.personId, 'personId', 'a person');
    return runWrite(context, info, {
      operation: 'access.issueSessionToken',
      run: (tx, scope) => new TokenManager(tx).issueSessionToken(personId, args.label, actingOf(context, scope)),
    });
  },

  issueApiToken: (
    _: unknown,
    args: { digitalObjectId: unknown; label: string; expiresAt?: Date | null },
    context: Context,
    info: GraphQLResolveInfo,
  ) => {
    const digitalObjectId = parseId(args.digitalObjectId, 'digitalObjectId', 'a digital object');
    return runWrite(context, info, {
      operation: 'access.issueApiToken',
      run: (tx, scope) => new TokenManager(tx).issueApiToken(digitalObjectId, args.label, args.expiresAt, actingOf(context, scope)),
    });
  },

  revokeApiToken: (_: unknown, args: { tokenId: unknown }, context: Context, info: GraphQLResolveInfo) => {
    const tokenId = parseId(args.tokenId, 'tokenId', 'a token');
    return runWrite(context, info, {
      operation: 'access.revokeApiToken',
      run: (tx, scope) => new TokenManager(tx).revokeApiToken(tokenId, actingOf(context, scope)),
    });
  },
};
