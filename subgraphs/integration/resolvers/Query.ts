import type { ChangeType } from '../../../lib/changes.js';
import { env } from '../../../lib/env.js';
import { badUserInput, forbidden } from '../../../lib/errors.js';
import { parseId, parseOptionalId } from '../../../lib/ids.js';
import { katoCodeProblem } from '../../../lib/kato.js';
import { byTime, parsePage, parseSequencePage, toConnection, toSequenceConnection } from '../../../lib/pagination.js';
import { analyticsReads } from '../../../lib/read-replicas.js';
import type { Context } from '../context.js';
import type { DataQualityGrouping } from '../data-quality-repository.js';
import type { DutyRow } from '../duties-repository.js';
import { type DataQualityFilterArgs, type DutyFilterArgs, parseDataQualityFilter, parseDutyFilter } from '../duty-filter.js';
import { mayRead } from '../export-manager.js';
import { ExportRepository } from '../export-repository.js';
import { IncidentRepository } from '../incident-repository.js';
import { OpenDataRepository } from '../open-data-repository.js';
import { CHANGES_LIST } from '../webhook-dispatch.js';
import type { SubscriptionRow } from '../webhook-repository.js';

const SUBSCRIPTIONS_LIST = 'webhookSubscriptions';
const DUTIES_LIST = 'duties';

/** A building's quality with the Building reference the gateway completes from the register. */
const withBuilding = <T extends { buildingId: string }>(row: T) => ({ ...row, building: { id: row.buildingId } });

/** A duty's place in the list: its due date, then its id. */
const byDueDate = (row: DutyRow) => ({ id: row.id, at: `${row.dueDate}T00:00:00Z` });

export const Query = {
  /** The feed within the caller's scope (the loader applies it), oldest first. */
  async changes(_parent: unknown, args: { after?: string | null; types?: ChangeType[] | null; first?: number | null }, context: Context) {
    const page = parseSequencePage(args, CHANGES_LIST, 'changes');
    const rows = await context.loaders.changePage.load({
      after: page.after,
      limit: page.first + 1,
      filter: { types: args.types ? [...new Set(args.types)] : null },
    });
    return toSequenceConnection(CHANGES_LIST, rows, page, (row) => row.position);
  },

  /** The regulatory clock within the caller's scope (the loader applies it), earliest due first. */
  async duties(_parent: unknown, args: { filter?: DutyFilterArgs | null; first?: number | null; after?: string | null }, context: Context) {
    const filter = parseDutyFilter(args.filter);
    const page = parsePage(args, DUTIES_LIST, 'duties');
    const rows = await context.loaders.dutyPage.load({ filter, after: page.after, limit: page.first + 1 });
    return toConnection(DUTIES_LIST, rows, page, byDueDate);
  },

  async dutyCounts(_parent: unknown, args: { filter?: DutyFilterArgs | null; byRegion?: boolean | null }, context: Context) {
    const rows = await context.loaders.dutyCounts.load({ filter: parseDutyFilter(args.filter), byRegion: args.byRegion ?? false });
    return rows.map((row) => ({ ...row, region: row.region === null ? null : { katoCode: `${row.region}0000000` } }));
  },

  async dataQuality(
    _parent: unknown,
    args: { filter?: DataQualityFilterArgs | null; groupBy?: DataQualityGrouping | null },
    context: Context,
  ) {
    const grouping = args.groupBy ?? 'REGION';
    const rows = await context.loaders.qualityGroups.load({ filter: parseDataQualityFilter(args.filter), grouping });
    return rows.map((row) => ({
      ...row,
      region: grouping === 'REGION' && row.key !== null ? { katoCode: row.key.padEnd(9, '0') } : null,
      katoPrefix: grouping === 'MANAGER' ? null : row.key,
      managerSubjectId: grouping === 'MANAGER' ? row.key : null,
    }));
  },

  async worstRecords(_parent: unknown, args: { filter?: DataQualityFilterArgs | null; first?: number | null }, context: Context) {
    const filter = parseDataQualityFilter(args.filter);
    const first = args.first ?? 50;
    const max = env().MAX_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > max)
      throw badUserInput({ field: 'first', message: `first must be between 0 and ${max}; ${first} is not.` });
    const rows = await context.loaders.quality.load({ filter, limit: first, buildingId: null });
    return rows.map(withBuilding);
  },

  async buildingQuality(_parent: unknown, args: { buildingId: string }, context: Context) {
    const buildingId = parseId(args.buildingId, 'buildingId', 'a building');
    const [row] = await context.loaders.quality.load({ filter: { katoCode: null, managerSubjectId: null }, limit: 1, buildingId });
    return row ? withBuilding(row) : null;
  },

  async export(_parent: unknown, args: { id: string }, context: Context) {
    const row = await new ExportRepository(context.db).byId(parseId(args.id, 'id', 'an export'));
    return row && mayRead(context.caller, row) ? row : null;
  },

  /** The open part's aggregates for a territory and month: no token, no personal data. */
  openData(_parent: unknown, args: { katoCode: string; period: string }, context: Context) {
    const kato = katoCodeProblem('katoCode', args.katoCode);
    const problems = kato ? [kato] : [];
    const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(args.period);
    if (!month || Number(month[1]) < 2000 || Number(month[1]) > 2100)
      problems.push({ field: 'period', message: 'period must be a month between 2000-01 and 2100-12, written YYYY-MM.' });
    if (problems.length > 0) throw badUserInput(problems);
    return new OpenDataRepository(analyticsReads(context.db)).statistics(args.katoCode, args.period);
  },

  /** A digital object's own subscriptions; an administrator's choice of any. */
  async webhookSubscriptions(
    _parent: unknown,
    args: { digitalObjectId?: string | null; first?: number | null; after?: string | null },
    context: Context,
  ) {
    const { caller } = context;
    const asked = parseOptionalId(args.digitalObjectId, 'digitalObjectId', 'a digital object');
    let owner: string | null;
    if (caller.kind === 'machine') {
      if (asked !== null && asked !== caller.digitalObjectId) throw forbidden('A digital object lists only its own webhook subscriptions.');
      owner = caller.digitalObjectId;
    } else {
      owner = asked;
    }
    const page = parsePage(args, SUBSCRIPTIONS_LIST, 'subscriptions');
    const rows = await context.loaders.subscriptionPage.load({ digitalObjectId: owner, after: page.after, limit: page.first + 1 });
    for (const row of rows) context.loaders.subscriptionById.prime(row.id, row);
    return toConnection(
      SUBSCRIPTIONS_LIST,
      rows,
      page,
      byTime<SubscriptionRow>((row) => row.createdAt),
    );
  },

  /** The monitor's incidents, newest first (administrators: the rule decided). */
  incidents(_parent: unknown, args: { open?: boolean | null; first?: number | null }, context: Context) {
    const first = args.first ?? 100;
    const max = env().MAX_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > max)
      throw badUserInput({ field: 'first', message: `first must be between 0 and ${max}; ${first} is not.` });
    return new IncidentRepository(context.db).list(args.open ?? null, first);
  },

  webhookSubscription(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.subscriptionById.load(parseId(args.id, 'id', 'a webhook subscription'));
  },
};
