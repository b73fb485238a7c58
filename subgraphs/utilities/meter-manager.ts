import type { Caller } from '../../lib/auth/caller.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { hasNationalFunction, subjectsFor } from '../../lib/auth/scope.js';
import type { BulkCall, BulkMode, Checked } from '../../lib/bulk.js';
import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, type FieldProblem } from '../../lib/errors.js';
import { isUuid } from '../../lib/uuid.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { MeterKind, MeterStatus, UtilityService } from '../../schema/utilities.js';
import { type MeterInput, MeterRepository, type MeterRow, type MeterScope } from './meter-repository.js';
import { premiseKey, ReferencesRepository } from './references-repository.js';
import { SupplierManager } from './supplier-manager.js';

/** `MeterInput` as the client sends it. */
export interface MeterItem {
  key?: string | null;
  kind: MeterKind;
  buildingId: string;
  premiseNumber?: string | null;
  service: UtilityService;
  serialNumber: string;
  capacityDigits: number;
  tariffZones: number;
  status?: MeterStatus | null;
  installedAt: string;
  sealedAt?: string | null;
  verifiedAt?: string | null;
  nextVerificationAt?: string | null;
}

const MAX_KEY_LENGTH = 200;

/**
 * Which meters (and readings) a caller reaches, decided once per request: a supplier the
 * meters it keeps (METERS_MAINTAIN or READINGS_SUBMIT for it); a national body with
 * ANALYTICS_READ all of them.
 */
export function meterScopeOf(caller: Caller): MeterScope {
  if (hasNationalFunction(caller, AccessFunction.AnalyticsRead)) return { readSubjects: null };
  return {
    readSubjects: new Set([...subjectsFor(caller, AccessFunction.MetersMaintain), ...subjectsFor(caller, AccessFunction.ReadingsSubmit)]),
  };
}

export function readsAnyMeter(scope: MeterScope): boolean {
  return scope.readSubjects === null || scope.readSubjects.size > 0;
}

/** Whether a meter (not removed) is past its next-verification date on `today` (Kazakhstan calendar). */
export function verificationOverdue(meter: Pick<MeterRow, 'status' | 'nextVerificationAt'>, today: string): boolean {
  return meter.status !== 'REMOVED' && meter.nextVerificationAt !== null && meter.nextVerificationAt < today;
}

/** Checks one meter in memory; building, premise and KATO code are settled by `MeterManager.check`. */
export function checkMeter(item: MeterItem, offered: readonly UtilityService[], now: Date): Checked<Omit<MeterInput, 'katoCode'>> {
  const today = almatyDate(now);
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const serialNumber = item.serialNumber.trim();
  const premiseNumber = item.premiseNumber === null || item.premiseNumber === undefined ? null : item.premiseNumber.trim();
  if (item.key !== null && item.key !== undefined && item.key.length > MAX_KEY_LENGTH)
    add('key', `must be at most ${MAX_KEY_LENGTH} characters.`);
  if (!isUuid(item.buildingId)) add('buildingId', 'must be an id (a UUID) of a building of the register.');
  if (item.kind === 'INDIVIDUAL' && (premiseNumber === null || premiseNumber.length === 0 || premiseNumber.length > 20))
    add('premiseNumber', 'an individual meter needs the number of its premise, 1 to 20 characters.');
  if (item.kind === 'COMMON_HOUSE' && premiseNumber !== null)
    add('premiseNumber', 'a common-house meter belongs to the building: leave premiseNumber out.');
  if (serialNumber.length === 0 || serialNumber.length > 50) add('serialNumber', 'must be 1 to 50 characters.');
  if (!Number.isInteger(item.capacityDigits) || item.capacityDigits < 1 || item.capacityDigits > 12)
    add('capacityDigits', 'must be a whole number of digits from 1 to 12.');
  if (!Number.isInteger(item.tariffZones) || item.tariffZones < 1 || item.tariffZones > 3) add('tariffZones', 'must be 1, 2 or 3.');
  if (!offered.includes(item.service)) add('service', `${item.service} is not a service this supplier offers (${offered.join(', ')}).`);
  if (item.installedAt > today) add('installedAt', 'must not be in the future.');
  const sealedAt = item.sealedAt ?? null;
  const verifiedAt = item.verifiedAt ?? null;
  const nextVerificationAt = item.nextVerificationAt ?? null;
  if (sealedAt !== null && sealedAt < item.installedAt) add('sealedAt', 'must not be before installedAt.');
  else if (sealedAt !== null && sealedAt > today) add('sealedAt', 'must not be in the future.');
  if (verifiedAt !== null && verifiedAt > today) add('verifiedAt', 'must not be in the future.');
  if (nextVerificationAt !== null && nextVerificationAt <= (verifiedAt ?? item.installedAt))
    add('nextVerificationAt', 'must be after the last verification (or the installation when there was none).');
  if (problems.length > 0) return { problems };
  return {
    value: {
      kind: item.kind,
      buildingId: item.buildingId.toLowerCase(),
      premiseNumber: item.kind === 'INDIVIDUAL' ? premiseNumber : null,
      service: item.service,
      serialNumber,
      capacityDigits: item.capacityDigits,
      tariffZones: item.tariffZones,
      status: item.status ?? 'INSTALLED',
      installedAt: item.installedAt,
      sealedAt,
      verifiedAt,
      nextVerificationAt,
    },
  };
}

/** Meters (category 12). */
export class MeterManager {
  constructor(private readonly executor: Executor) {}

  /**
   * Checks every meter of one call, in input order: in memory, serial numbers not repeated
   * within the call, then the buildings (with their KATO codes) and premises against the
   * register's published views in two set-wise statements.
   */
  async check(supplierId: string, items: readonly MeterItem[], now: Date): Promise<Array<Checked<MeterInput>>> {
    if (items.length === 0) throw badUserInput({ field: 'meters', message: 'meters must contain at least one meter.' });
    const supplier = await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    const problems: FieldProblem[][] = items.map(() => []);
    const values = items.map((item, index) => {
      const checked = checkMeter(item, supplier.services, now);
      if ('problems' in checked) problems[index]!.push(...checked.problems);
      return 'value' in checked ? checked.value : null;
    });
    const first = new Map<string, number>();
    items.forEach((item, index) => {
      const serial = item.serialNumber.trim();
      if (serial.length === 0) return;
      const seen = first.get(serial);
      if (seen === undefined) first.set(serial, index);
      else problems[index]!.push({ field: 'serialNumber', message: `repeats the serial number of meters[${seen}].` });
    });
    const repository = new MeterRepository(this.executor);
    const katos = await repository.buildingKatos(items.flatMap((item) => (isUuid(item.buildingId) ? [item.buildingId.toLowerCase()] : [])));
    const wanted = values.flatMap((value) =>
      value?.premiseNumber && katos.has(value.buildingId) ? [{ buildingId: value.buildingId, number: value.premiseNumber }] : [],
    );
    const premises = await new ReferencesRepository(this.executor).existingPremises(wanted);
    return values.map((value, index) => {
      const item = items[index]!;
      if (isUuid(item.buildingId) && !katos.has(item.buildingId.toLowerCase()))
        problems[index]!.push({ field: 'buildingId', message: 'is not the id of a building of the register.' });
      else if (value?.premiseNumber && !premises.has(premiseKey({ buildingId: value.buildingId, number: value.premiseNumber })))
        problems[index]!.push({ field: 'premiseNumber', message: 'is not the number of a premise of this building in the register.' });
      if (!value || problems[index]!.length > 0) return { problems: problems[index]! };
      return { value: { ...value, katoCode: katos.get(value.buildingId)! } };
    });
  }

  /** The written meters' changes for the feed (p.32): owned by the supplier's subject, and (like the meters themselves) not territorial. */
  async changesOf(supplierId: string, written: ReadonlyArray<{ id: string; created: boolean }>): Promise<ChangeDeclaration[]> {
    const { subjectId } = await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    return written.map(({ id, created }) => ({ type: 'METER', id, operation: created ? 'CREATED' : 'UPDATED', subjectId }));
  }
}

export interface UpsertMetersArgs {
  supplierId: string;
  meters: readonly MeterItem[];
  mode: BulkMode;
  idempotencyKey: string | null | undefined;
  now: Date;
}

/** `upsertMeters` as a call of the bulk path. */
export function upsertMetersCall(args: UpsertMetersArgs): BulkCall<MeterItem, MeterInput> {
  return {
    operation: 'utilities.upsertMeters',
    argument: 'meters',
    items: args.meters,
    keyOf: (item) => item.key,
    mode: args.mode,
    idempotencyKey: args.idempotencyKey,
    scope: { supplierId: args.supplierId },
    check: (tx, items) => new MeterManager(tx).check(args.supplierId, items, args.now),
    write: async (tx, values) => {
      const written = await new MeterRepository(tx).upsert(args.supplierId, values);
      return { written, changes: await new MeterManager(tx).changesOf(args.supplierId, written) };
    },
  };
}
