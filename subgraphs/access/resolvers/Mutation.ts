import type { Transaction } from '../../../lib/db.js';
import { recheckAdministrator } from '../../../lib/auth/recheck.js';
import { AccessService, type Acting, type EndGrantInput } from '../access-service.js';
import type { CalendarDayKind } from '../calendar-repository.js';
import type { CreatePersonInput, CreateSubjectInput } from '../directory-repository.js';
import type { CreateGrantInput } from '../grant-repository.js';
import { requireUuid } from '../ids.js';
import type { AccessContext } from './context.js';

/** Administrators' changes re-check, inside their transaction, that the caller still is one. */
function asAdministrator(context: AccessContext): Acting {
  return { caller: context.caller, receivedAt: context.receivedAt, verify: (tx: Transaction) => recheckAdministrator(tx, context.caller) };
}

/** Changes open to other callers too; the service checks their own right inside the transaction. */
function asCaller(context: AccessContext): Acting {
  const { caller } = context;
  return caller.kind === 'person' && caller.isAdministrator ? asAdministrator(context) : { caller, receivedAt: context.receivedAt };
}

function optionalUuid(value: string | null | undefined, field: string, what: string): string | null {
  return value === null || value === undefined ? null : requireUuid(value, field, what);
}

/** Mutations return rows fresh from their transaction; anything a loader cached earlier in the request is stale. */
async function fresh<T>(context: AccessContext, work: (service: AccessService) => Promise<T>): Promise<T> {
  const result = await work(new AccessService(context.db));
  context.loaders.clearAll();
  return result;
}

export const Mutation = {
  createSubject: (_: unknown, { input }: { input: CreateSubjectInput }, context: AccessContext) =>
    fresh(context, (s) => s.createSubject(input, asAdministrator(context))),

  createPerson: (_: unknown, { input }: { input: CreatePersonInput }, context: AccessContext) =>
    fresh(context, (s) => s.createPerson(input, asAdministrator(context))),

  createAgreement: (
    _: unknown,
    { input }: { input: { subjectId: string; reference?: string | null; functions: string[]; validFrom?: Date | null; validUntil?: Date | null } },
    context: AccessContext,
  ) => fresh(context, (s) => s.createAgreement({ ...input, subjectId: requireUuid(input.subjectId, 'input.subjectId', 'A subject') }, asAdministrator(context))),

  grantAccess: (_: unknown, { input }: { input: CreateGrantInput }, context: AccessContext) =>
    fresh(context, (s) =>
      s.grantAccess(
        {
          ...input,
          personId: optionalUuid(input.personId, 'input.personId', 'A person'),
          digitalObjectId: optionalUuid(input.digitalObjectId, 'input.digitalObjectId', 'A digital object'),
          agreementId: optionalUuid(input.agreementId, 'input.agreementId', 'An agreement'),
          parentGrantId: optionalUuid(input.parentGrantId, 'input.parentGrantId', 'A grant'),
        },
        asCaller(context),
      ),
    ),

  activateGrant: (_: unknown, args: { grantId: string; comment?: string | null }, context: AccessContext) =>
    fresh(context, (s) => s.activateGrant(requireUuid(args.grantId, 'grantId', 'A grant'), args.comment, asCaller(context))),

  suspendGrant: (_: unknown, args: { grantId: string; comment?: string | null }, context: AccessContext) =>
    fresh(context, (s) => s.suspendGrant(requireUuid(args.grantId, 'grantId', 'A grant'), args.comment, asAdministrator(context))),

  reinstateGrant: (_: unknown, args: { grantId: string; comment?: string | null }, context: AccessContext) =>
    fresh(context, (s) => s.reinstateGrant(requireUuid(args.grantId, 'grantId', 'A grant'), args.comment, asAdministrator(context))),

  endGrant: (_: unknown, { input }: { input: EndGrantInput }, context: AccessContext) =>
    fresh(context, (s) => s.endGrant({ ...input, grantId: requireUuid(input.grantId, 'input.grantId', 'A grant') }, asAdministrator(context))),

  renounceGrant: (_: unknown, args: { grantId: string; comment?: string | null }, context: AccessContext) =>
    fresh(context, (s) => s.renounceGrant(requireUuid(args.grantId, 'grantId', 'A grant'), args.comment, asCaller(context))),

  submitApplication: (
    _: unknown,
    { input }: { input: { subjectId: string; digitalObjectName: string; functions: string[]; contactEmail: string } },
    context: AccessContext,
  ) => fresh(context, (s) => s.submitApplication({ ...input, subjectId: requireUuid(input.subjectId, 'input.subjectId', 'A subject') }, asCaller(context))),

  approveApplication: (_: unknown, args: { applicationId: string; terms?: { reference?: string | null; validUntil?: Date | null } | null }, context: AccessContext) =>
    fresh(context, (s) => s.approveApplication(requireUuid(args.applicationId, 'applicationId', 'An application'), args.terms ?? {}, asAdministrator(context))),

  refuseApplication: (_: unknown, args: { applicationId: string; reason: string }, context: AccessContext) =>
    fresh(context, (s) => s.refuseApplication(requireUuid(args.applicationId, 'applicationId', 'An application'), args.reason, asAdministrator(context))),

  markDigitalObjectTested: (_: unknown, args: { digitalObjectId: string }, context: AccessContext) =>
    fresh(context, (s) => s.markDigitalObjectTested(requireUuid(args.digitalObjectId, 'digitalObjectId', 'A digital object'), asAdministrator(context))),

  addHoliday: (_: unknown, { input }: { input: { date: string; kind?: CalendarDayKind | null; nameKk: string; nameRu: string } }, context: AccessContext) =>
    fresh(context, (s) => s.addHoliday(input, asAdministrator(context))),

  removeHoliday: (_: unknown, args: { date: string }, context: AccessContext) => fresh(context, (s) => s.removeHoliday(args.date, asAdministrator(context))),

  issueSessionToken: (_: unknown, args: { personId: string; label?: string | null }, context: AccessContext) =>
    fresh(context, async (s) => {
      const { token, metadata, receipt } = await s.issueSessionToken(requireUuid(args.personId, 'personId', 'A person'), args.label, asAdministrator(context));
      return { token, apiToken: metadata, receipt };
    }),

  issueApiToken: (_: unknown, args: { digitalObjectId: string; label: string; expiresAt?: Date | null }, context: AccessContext) =>
    fresh(context, async (s) => {
      const { token, metadata, receipt } = await s.issueApiToken(requireUuid(args.digitalObjectId, 'digitalObjectId', 'A digital object'), args.label, args.expiresAt, asAdministrator(context));
      return { token, apiToken: metadata, receipt };
    }),

  revokeApiToken: (_: unknown, args: { tokenId: string }, context: AccessContext) =>
    fresh(context, (s) => s.revokeApiToken(requireUuid(args.tokenId, 'tokenId', 'A token'), asCaller(context))),
};
