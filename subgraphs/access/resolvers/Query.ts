import { badUserInput } from '../../../lib/errors.js';
import { parseId, parseOptionalId } from '../../../lib/ids.js';
import { byTime, type PageArgs, parsePage, toConnection } from '../../../lib/pagination.js';
import { ApplicationManager } from '../application-manager.js';
import type { ApplicationStatus } from '../application-repository.js';
import { CalendarManager } from '../calendar-manager.js';
import type { Context } from '../context.js';
import type { SubjectKindValue } from '../directory-repository.js';
import { GrantLifecycleManager } from '../grant-lifecycle-manager.js';
import type { GrantFilter } from '../grant-repository.js';
import { loadAll } from '../loaders.js';
import { TokenManager } from '../token-manager.js';

/** A look-up by id: BAD_USER_INPUT for a malformed id, null when nothing has it. */
const byId =
  (loader: (context: Context) => { load(id: string): Promise<unknown> }) => (_: unknown, args: { id: unknown }, context: Context) =>
    loader(context).load(parseId(args.id, 'id'));

function grantFilter(filter: GrantFilter | null | undefined): GrantFilter {
  return {
    ...filter,
    subjectId: parseOptionalId(filter?.subjectId, 'filter.subjectId', 'a subject'),
    personId: parseOptionalId(filter?.personId, 'filter.personId', 'a person'),
    digitalObjectId: parseOptionalId(filter?.digitalObjectId, 'filter.digitalObjectId', 'a digital object'),
  };
}

export const Query = {
  async me(_: unknown, __: unknown, { caller, loaders }: Context) {
    if (caller.kind === 'anonymous') return { person: null, digitalObject: null, isAdministrator: false, grants: [] };
    return {
      person: caller.kind === 'person' ? await loaders.personById.load(caller.personId) : null,
      digitalObject: caller.kind === 'machine' ? await loaders.digitalObjectById.load(caller.digitalObjectId) : null,
      isAdministrator: caller.kind === 'person' && caller.isAdministrator,
      // The grants the gateway resolved for this very request: what every rule here judges by.
      grants: await loadAll(
        loaders.grantById,
        caller.grants.map((g) => g.grantId),
      ),
    };
  },

  subject: byId((context) => context.loaders.subjectById),
  person: byId((context) => context.loaders.personById),
  grant: byId((context) => context.loaders.grantById),
  application: byId((context) => context.loaders.applicationById),
  digitalObject: byId((context) => context.loaders.digitalObjectById),

  async subjects(_: unknown, args: PageArgs & { kind?: SubjectKindValue | null }, context: Context) {
    const page = parsePage(args, 'access.subjects', 'subjects');
    const rows = await context.loaders.subjectPage.load({ page, filter: { kind: args.kind ?? null } });
    return toConnection(
      'access.subjects',
      rows,
      page,
      byTime((row) => row.createdAt),
    );
  },

  async grants(_: unknown, args: PageArgs & { filter?: GrantFilter | null }, context: Context) {
    const filter = grantFilter(args.filter);
    const page = parsePage(args, 'access.grants', 'grants');
    const rows = await context.loaders.grantPage.load({ page, filter: { ...filter, at: context.receivedAt.toISOString() } });
    return toConnection(
      'access.grants',
      rows,
      page,
      byTime((row) => row.createdAt),
    );
  },

  async explainAccess(_: unknown, args: { personId: unknown; function: string; subjectId: unknown }, context: Context) {
    const personId = parseId(args.personId, 'personId', 'a person');
    const subjectId = parseId(args.subjectId, 'subjectId', 'a subject');
    const { explanation, grants, agreements } = await new GrantLifecycleManager(context.db).explain(
      personId,
      args.function,
      subjectId,
      context.receivedAt,
    );
    // What was read serves the explanation's own fields (`grant`, `chain`, `agreement`) without another query.
    for (const row of grants) context.loaders.grantById.prime(row.id, row);
    for (const row of agreements) context.loaders.agreementById.prime(row.id, row);
    return {
      decision: explanation.allowed ? 'ALLOWED' : 'REFUSED',
      reason: explanation.reason,
      grant: explanation.grant,
      chain: explanation.chain,
      agreementId: explanation.agreementId,
      assessments: explanation.assessments,
    };
  },

  async revocationPreview(_: unknown, args: { grantId: unknown }, context: Context) {
    const preview = await new GrantLifecycleManager(context.db).previewEnd(parseId(args.grantId, 'grantId', 'a grant'), context.receivedAt);
    for (const row of preview?.grants ?? []) context.loaders.grantById.prime(row.id, row);
    return preview;
  },

  async applications(_: unknown, args: PageArgs & { status?: ApplicationStatus | null }, context: Context) {
    const page = parsePage(args, 'access.applications', 'applications');
    const rows = await context.loaders.applicationPage.load({ page, filter: { status: args.status ?? null } });
    return toConnection(
      'access.applications',
      rows,
      page,
      byTime((row) => row.submittedAt),
    );
  },

  overdueApplications(_: unknown, __: unknown, context: Context) {
    return new ApplicationManager(context.db).overdue(context.receivedAt);
  },

  async notifications(_: unknown, args: PageArgs & { undeliveredOnly?: boolean | null }, context: Context) {
    const page = parsePage(args, 'access.notifications', 'notifications');
    const rows = await context.loaders.notificationPage.load({ page, filter: { undeliveredOnly: Boolean(args.undeliveredOnly) } });
    return toConnection(
      'access.notifications',
      rows,
      page,
      byTime((row) => row.createdAt),
    );
  },

  /** Who may list whose tokens is the rule's; here the owner is parsed (exactly one). */
  apiTokens(_: unknown, args: { personId?: unknown; digitalObjectId?: unknown }, context: Context) {
    const personId = parseOptionalId(args.personId, 'personId', 'a person');
    const digitalObjectId = parseOptionalId(args.digitalObjectId, 'digitalObjectId', 'a digital object');
    if ((personId === null) === (digitalObjectId === null))
      throw badUserInput({ field: 'personId', message: 'Give exactly one owner: personId or digitalObjectId.' });
    return new TokenManager(context.db).list(personId !== null ? { personId } : { digitalObjectId: digitalObjectId as string });
  },

  holidays(_: unknown, args: { year: number }, context: Context) {
    return new CalendarManager(context.db).year(args.year);
  },
};
