import type { GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../../../lib/auth/scope.js';
import { placeBulk } from '../../../lib/bulk.js';
import { badUserInput } from '../../../lib/errors.js';
import { parseId, parseOptionalId } from '../../../lib/ids.js';
import { byId, type PageArgs, parsePage, toConnection } from '../../../lib/pagination.js';
import { almatyDate } from '../../../lib/working-calendar.js';
import type { UtilityService } from '../../../schema/utilities.js';
import type { Context } from '../context.js';
import { type MeterItem, upsertMetersCall, verificationOverdue } from '../meter-manager.js';
import type { MeterRow } from '../meter-repository.js';
import { type ReadingItem, submitReadingsCall } from '../reading-manager.js';
import { parseSupplierBulkArgs, type SupplierBulkArgs } from './bulk-args.js';

/** Most meters of one building in one answer. */
const MAX_METERS_PER_BUILDING = 500;
/** Longest span of readings one `Meter.readings` asks for. */
const MAX_READING_SPAN_DAYS = 366;

interface MeterFilterArgs {
  supplierId?: string | null;
  buildingId?: string | null;
  service?: UtilityService | null;
  serialNumber?: string | null;
}

/** Root fields of meters and readings (merged into Query by definition.ts). */
export const MeterQuery = {
  async meters(_parent: unknown, args: PageArgs & { filter?: MeterFilterArgs | null }, context: Context) {
    const page = parsePage(args, 'meters', 'meters');
    const filter = {
      supplierId: parseOptionalId(args.filter?.supplierId, 'filter.supplierId', 'a supplier'),
      buildingId: parseOptionalId(args.filter?.buildingId, 'filter.buildingId', 'a building'),
      service: args.filter?.service ?? null,
      serialNumber: args.filter?.serialNumber ?? null,
    };
    const rows = await context.loaders.meters.page.load({ after: page.after?.id ?? null, limit: page.first + 1, filter });
    return toConnection('meters', rows, page, byId);
  },
  meter(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.meters.byId.load(parseId(args.id, 'id', 'a meter'));
  },
  async metersDueForVerification(
    _parent: unknown,
    args: PageArgs & { dueBy?: string | null; supplierId?: string | null },
    context: Context,
  ) {
    const page = parsePage(args, 'metersDueForVerification', 'meters');
    const filter = {
      supplierId: parseOptionalId(args.supplierId, 'supplierId', 'a supplier'),
      dueBy: args.dueBy ?? almatyDate(context.receivedAt),
    };
    const rows = await context.loaders.meters.page.load({ after: page.after?.id ?? null, limit: page.first + 1, filter });
    return toConnection('metersDueForVerification', rows, page, byId);
  },
};

/** Mutations of meters and readings (merged into Mutation by definition.ts). */
export const MeterMutation = {
  upsertMeters(_parent: unknown, args: SupplierBulkArgs & { meters: MeterItem[] }, context: Context, info: GraphQLResolveInfo) {
    return placeBulk(
      context,
      info,
      upsertMetersCall({
        ...parseSupplierBulkArgs(args),
        meters: args.meters,
        now: context.receivedAt,
      }),
    );
  },
  submitReadings(_parent: unknown, args: SupplierBulkArgs & { readings: ReadingItem[] }, context: Context, info: GraphQLResolveInfo) {
    return placeBulk(
      context,
      info,
      submitReadingsCall({
        ...parseSupplierBulkArgs(args),
        readings: args.readings,
        now: context.receivedAt,
        actor: actorOf(context.caller),
      }),
    );
  },
};

export const Meter = {
  /** Scope-filtering: the gateway gets null for a meter outside the caller's scope. */
  __resolveReference(reference: { id: string }, context: Context) {
    return context.loaders.meters.byId.load(reference.id);
  },
  supplier(meter: MeterRow, _args: unknown, context: Context) {
    return context.loaders.supplierById.load(meter.supplierId);
  },
  building(meter: MeterRow) {
    return { id: meter.buildingId };
  },
  async premise(meter: MeterRow, _args: unknown, context: Context) {
    if (meter.premiseNumber === null) return null;
    const id = await context.loaders.meters.premiseIdOf.load(`${meter.buildingId}:${meter.premiseNumber}`);
    return id ? { id } : null;
  },
  verificationOverdue(meter: MeterRow, _args: unknown, context: Context) {
    return verificationOverdue(meter, almatyDate(context.receivedAt));
  },
  readings(meter: MeterRow, args: { from: string; to: string }, context: Context) {
    const span = (Date.parse(args.to) - Date.parse(args.from)) / 86_400_000;
    if (span < 0) throw badUserInput({ field: 'to', message: 'to must not be before from.' });
    if (span >= MAX_READING_SPAN_DAYS)
      throw badUserInput({ field: 'to', message: `Ask for at most ${MAX_READING_SPAN_DAYS} days of readings at once.` });
    return context.loaders.meters.readings.load(`${args.from}:${args.to}:${meter.id}`);
  },
};

/** `Building.meters` (merged into Building by definition.ts). */
export const MeterBuilding = {
  meters(parent: { id: string }, args: { first?: number | null }, context: Context) {
    const { first } = parsePage({ first: args.first }, 'buildingMeters', 'meters of a building', MAX_METERS_PER_BUILDING);
    return context.loaders.meters.byBuilding.load(`${first}:${parent.id}`);
  },
};

/** The buildings subgraph owns premises; this one only adds their individual meters. */
export const Premise = {
  __resolveReference(reference: { id: string }) {
    return { id: reference.id };
  },
  meters(parent: { id: string }, _args: unknown, context: Context) {
    return context.loaders.meters.byPremise.load(parent.id);
  },
};
