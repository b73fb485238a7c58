import type { EntityPolicy } from '../../lib/auth/entities.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { type IRules, isOpenPart, rule, visibleWithParent } from '../../lib/auth/shield.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import type { Context } from './context.js';
import { readsAnyMeter } from './meter-manager.js';
import { actsForSupplier } from './supplier-rules.js';

/**
 * Who may do what with meters and readings (merged into permissions.ts): read within the
 * caller's meter scope (meter-manager.ts: the supplier keeping them, national ANALYTICS_READ);
 * placing meters needs METERS_MAINTAIN and submitting readings READINGS_SUBMIT for the
 * supplier named, relying on exactly those grants, which the bulk path re-checks.
 */

const mayReadMeters = rule({ cache: 'contextual' })((_parent, _args, context: Context) => {
  if (context.caller.kind === 'anonymous') return unauthenticated();
  return readsAnyMeter(context.loaders.meters.scope)
    ? true
    : forbidden('Reading meters needs METERS_MAINTAIN or READINGS_SUBMIT for a supplier, or ANALYTICS_READ of a national body.');
});

/** `_entities`: Meter references resolve to null outside the scope; Premise is open (it only adds meters, each guarded). */
export const meterEntityPolicy: Record<string, EntityPolicy<Context>> = {
  Meter: (_caller, _representation, context) => readsAnyMeter(context.loaders.meters.scope),
  Premise: () => true,
};

export const meterPermissions = {
  Query: {
    meters: mayReadMeters,
    meter: mayReadMeters,
    metersDueForVerification: mayReadMeters,
    readingWindows: actsForSupplier(AccessFunction.ReadingsSubmit),
    readingReminders: actsForSupplier(AccessFunction.ReadingsSubmit),
  },
  Mutation: {
    upsertMeters: actsForSupplier(AccessFunction.MetersMaintain),
    submitReadings: actsForSupplier(AccessFunction.ReadingsSubmit),
    setReadingWindow: actsForSupplier(AccessFunction.ReadingsSubmit),
  },
  Building: { meters: mayReadMeters },
  types: {
    // Meters and readings are reached only through the guarded root fields, Building.meters,
    // Premise.meters and the `_entities` policy, all of which apply the caller's scope.
    Meter: { '*': visibleWithParent },
    MeterReading: { '*': visibleWithParent },
    MeterConnection: { '*': visibleWithParent },
    MeterEdge: { '*': visibleWithParent },
    Premise: { id: isOpenPart, meters: mayReadMeters },
    BulkUpsertPayload: { '*': visibleWithParent },
    // A supplier's own windows and reminders: reached only through its guarded root fields and mutation.
    ReadingWindow: { '*': visibleWithParent },
    ReadingWindowPayload: { '*': visibleWithParent },
    ReadingReminder: { '*': visibleWithParent },
  },
} satisfies Record<string, IRules>;
