import { TokenRepository } from '../../../lib/auth/tokens.js';
import { badUserInput, forbidden } from '../../../lib/errors.js';
import { ApplicationRepository, type ApplicationStatus } from '../application-repository.js';
import { CalendarRepository } from '../calendar-repository.js';
import type { SubjectKindValue } from '../directory-repository.js';
import { explainAccess } from '../explain.js';
import { GrantRepository, type GrantFilter } from '../grant-repository.js';
import { isUuid } from '../../../lib/uuid.js';
import { requireUuid } from '../ids.js';
import { loadAll } from '../loaders.js';
import { AdminListRepository } from '../admin-list-repository.js';
import { decodeCursor, pageSize, toConnection } from '../pages.js';
import type { AccessContext } from './context.js';

/** Look-ups by id: null for an id that is absent or not even a UUID. */
const byId =
  (loader: (context: AccessContext) => { load(id: string): Promise<unknown> }) =>
  (_: unknown, args: { id: string }, context: AccessContext) =>
    isUuid(args.id) ? loader(context).load(args.id.toLowerCase()) : null;

function checkFilterIds(filter: Record<string, unknown> | null | undefined): void {
  for (const key of ['subjectId', 'personId', 'digitalObjectId']) {
    const value = filter?.[key];
    if (value !== null && value !== undefined) requireUuid(value, `filter.${key}`, key.replace(/Id$/, ''));
  }
}

export const Query = {
  async me(_: unknown, __: unknown, context: AccessContext) {
    const { caller, loaders } = context;
    if (caller.kind === 'anonymous') return { person: null, digitalObject: null, isAdministrator: false, grants: [] };
    // The grants the gateway resolved for this very request: what every rule here judges by.
    const effective = caller.grants;
    return {
      person: caller.kind === 'person' ? await loaders.personById.load(caller.personId) : null,
      digitalObject: caller.kind === 'machine' ? await loaders.digitalObjectById.load(caller.digitalObjectId) : null,
      isAdministrator: caller.kind === 'person' && caller.isAdministrator,
      grants: await loadAll(loaders.grantById, effective.map((g) => g.grantId)),
    };
  },

  subject: byId((c) => c.loaders.subjectById),
  person: byId((c) => c.loaders.personById),
  grant: byId((c) => c.loaders.grantById),
  application: byId((c) => c.loaders.applicationById),
  digitalObject: byId((c) => c.loaders.digitalObjectById),

  async subjects(_: unknown, args: { kind?: SubjectKindValue | null; first?: number | null; after?: string | null }, context: AccessContext) {
    const first = pageSize(args.first);
    const rows = await new AdminListRepository(context.db).subjects(args.kind, first, decodeCursor(args.after));
    return toConnection(rows, first, (row) => ({ at: row.createdAt, id: row.id }), Boolean(args.after));
  },

  async grants(_: unknown, args: { filter?: GrantFilter | null; first?: number | null; after?: string | null }, context: AccessContext) {
    checkFilterIds(args.filter as Record<string, unknown> | null | undefined);
    const first = pageSize(args.first);
    const rows = await new GrantRepository(context.db).list(args.filter ?? {}, { first, after: decodeCursor(args.after) }, context.receivedAt);
    for (const row of rows) context.loaders.grantById.prime(row.id, row);
    return toConnection(rows, first, (row) => ({ at: row.createdAt, id: row.id }), Boolean(args.after));
  },

  async explainAccess(_: unknown, args: { personId: string; function: string; subjectId: string }, context: AccessContext) {
    const personId = requireUuid(args.personId, 'personId', 'A person');
    const subjectId = requireUuid(args.subjectId, 'subjectId', 'A subject');
    const rows = await new GrantRepository(context.db).grantsWithAncestors(personId, subjectId);
    const agreementIds = [...new Set(rows.map((r) => r.agreementId))];
    // Through the loader: the explanation's `agreement` field then costs no query of its own.
    const agreementRows = await loadAll(context.loaders.agreementById, agreementIds);
    for (const row of rows) context.loaders.grantById.prime(row.id, row);
    const explanation = explainAccess(personId, args.function, subjectId, rows, new Map(agreementRows.map((a) => [a.id, a])), context.receivedAt);
    return {
      decision: explanation.allowed ? 'ALLOWED' : 'REFUSED',
      reason: explanation.reason,
      grant: explanation.grant,
      chain: explanation.chain,
      agreementId: explanation.agreementId,
      assessments: explanation.assessments,
    };
  },

  async revocationPreview(_: unknown, args: { grantId: string }, context: AccessContext) {
    if (!isUuid(args.grantId)) return null;
    const preview = await new GrantRepository(context.db).previewEnd(args.grantId.toLowerCase(), context.receivedAt);
    if (!preview) return null;
    for (const row of preview.grants) context.loaders.grantById.prime(row.id, row);
    return { grantId: args.grantId.toLowerCase(), blockedReason: preview.blockedReason, grants: preview.grants, digitalObjectIds: preview.digitalObjectIds };
  },

  async applications(_: unknown, args: { status?: ApplicationStatus | null; first?: number | null; after?: string | null }, context: AccessContext) {
    const first = pageSize(args.first);
    const rows = await new AdminListRepository(context.db).applications(args.status, first, decodeCursor(args.after));
    return toConnection(rows, first, (row) => ({ at: row.submittedAt, id: row.id }), Boolean(args.after));
  },

  overdueApplications(_: unknown, __: unknown, context: AccessContext) {
    return new ApplicationRepository(context.db).overdue(context.receivedAt);
  },

  async notifications(_: unknown, args: { undeliveredOnly?: boolean | null; first?: number | null; after?: string | null }, context: AccessContext) {
    const first = pageSize(args.first);
    const rows = await new AdminListRepository(context.db).notifications(Boolean(args.undeliveredOnly), first, decodeCursor(args.after));
    return toConnection(rows, first, (row) => ({ at: row.createdAt, id: row.id }), Boolean(args.after));
  },

  apiTokens(_: unknown, args: { personId?: string | null; digitalObjectId?: string | null }, context: AccessContext) {
    if (Boolean(args.personId) === Boolean(args.digitalObjectId)) throw badUserInput({ field: 'personId', message: 'Give exactly one owner: personId or digitalObjectId.' });
    const { caller } = context;
    const administrator = caller.kind === 'person' && caller.isAdministrator;
    if (args.personId) {
      const personId = requireUuid(args.personId, 'personId', 'A person');
      if (!administrator && !(caller.kind === 'person' && caller.personId === personId)) throw forbidden('You may list only your own tokens.');
      return new TokenRepository(context.db).list({ personId });
    }
    if (!administrator) throw forbidden("Only administrators list a digital object's tokens.");
    return new TokenRepository(context.db).list({ digitalObjectId: requireUuid(args.digitalObjectId, 'digitalObjectId', 'A digital object') });
  },

  holidays(_: unknown, args: { year: number }, context: AccessContext) {
    if (!Number.isInteger(args.year) || args.year < 2000 || args.year > 2100) throw badUserInput({ field: 'year', message: 'Give a year between 2000 and 2100.' });
    return new CalendarRepository(context.db).year(args.year);
  },
};
