import type { BulkCall, BulkMode, Checked } from '../../lib/bulk.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, type FieldProblem } from '../../lib/errors.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { ReadingKind, ReadingSource } from '../../schema/utilities.js';
import { RECENT_READINGS, type ReadingInput, type ReadingMeter, ReadingRepository, type RecentReading } from './reading-repository.js';
import { SupplierManager } from './supplier-manager.js';

/** `ReadingInput` as the client sends it. */
export interface ReadingItem {
  key?: string | null;
  /** The supplier's serial number of the meter (as placed with `upsertMeters`). */
  serialNumber: string;
  zone?: number | null;
  takenOn: string;
  /** The counter's value, a decimal with up to 3 decimal places, e.g. "12345.678". */
  value: string;
  kind?: ReadingKind | null;
  source: ReadingSource;
}

/** A stored reading may be corrected within this many days after it was recorded, never later. */
export const CORRECTION_WINDOW_DAYS = 3;
/** A consumption above this many times the average of the meter's last consumptions is flagged `anomaly`. */
export const ANOMALY_FACTOR = 3;
/** How many of the last consumptions the average takes. */
export const ANOMALY_WINDOW = 3;
/**
 * A reading below the previous one is a rollover of the counter only when the consumption
 * it implies (10^digits − previous + value) is at most this share of the counter's capacity;
 * otherwise it is refused as below the previous reading.
 */
export const MAX_ROLLOVER_SHARE = 0.1;

/** The spans (days before a call's first reading) in which the meters' last readings are looked for, narrowest first; then every month. */
const RECENT_SPANS_DAYS = [10, 130];
const MAX_KEY_LENGTH = 200;
const DAY_MS = 86_400_000;
const decimalPattern = /^\d{1,13}(\.\d{1,3})?$/;

/** A decimal string with up to 3 places, in thousandths (exact as a Number up to 2^53). */
function thousandths(value: string): number {
  const [whole, fraction = ''] = value.split('.');
  return Number(whole) * 1000 + Number(fraction.padEnd(3, '0'));
}

function decimal(thousandthsValue: number): string {
  const whole = Math.floor(thousandthsValue / 1000);
  const fraction = thousandthsValue % 1000;
  return fraction === 0 ? String(whole) : `${whole}.${String(fraction).padStart(3, '0').replace(/0+$/, '')}`;
}

/** What the meter and its recent readings say of a new reading: its consumption, or why it is refused. */
export interface ReadingJudgement {
  consumption: number | null;
  rolledOver: boolean;
  anomaly: boolean;
  problem: FieldProblem | null;
}

/**
 * The consumption rules of p.4.13 on one reading, in thousandths: not below the previous
 * reading unless the counter of `capacityDigits` digits rolled over (10^digits − previous +
 * value, plausible when at most MAX_ROLLOVER_SHARE of the capacity); flagged `anomaly` when
 * above ANOMALY_FACTOR times the average of `recentConsumptions` (the last ANOMALY_WINDOW).
 */
export function judgeReading(
  capacityDigits: number,
  previous: number | null,
  value: number,
  recentConsumptions: readonly number[],
): ReadingJudgement {
  const capacity = 10 ** capacityDigits * 1000;
  if (value >= capacity)
    return {
      consumption: null,
      rolledOver: false,
      anomaly: false,
      problem: { field: 'value', message: `exceeds the meter's ${capacityDigits}-digit counter.` },
    };
  if (previous === null) return { consumption: null, rolledOver: false, anomaly: false, problem: null };
  let consumption = value - previous;
  let rolledOver = false;
  if (consumption < 0) {
    const wrapped = capacity - previous + value;
    if (wrapped > capacity * MAX_ROLLOVER_SHARE) {
      return {
        consumption: null,
        rolledOver: false,
        anomaly: false,
        problem: {
          field: 'value',
          message: `is below the previous reading (${decimal(previous)}) and is not a plausible rollover of the counter.`,
        },
      };
    }
    consumption = wrapped;
    rolledOver = true;
  }
  const recent = recentConsumptions.slice(0, ANOMALY_WINDOW);
  const average = recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
  const anomaly = average > 0 && consumption > ANOMALY_FACTOR * average;
  return { consumption, rolledOver, anomaly, problem: null };
}

/** Meter readings (category 13). */
export class ReadingManager {
  constructor(private readonly executor: Executor) {}

  /**
   * Checks every reading of one call, in input order, in three statements whatever their
   * number: the supplier, its meters by serial number (locked), and the last readings of
   * every meter and zone of the call. Readings of one meter and zone in the call are taken in
   * date order, each after the one before it. A reading for the day of the meter's last
   * reading corrects it (within CORRECTION_WINDOW_DAYS of its recording, with history); one
   * older than the last reading is refused.
   */
  async check(supplierId: string, items: readonly ReadingItem[], now: Date): Promise<Array<Checked<ReadingInput>>> {
    if (items.length === 0) throw badUserInput({ field: 'readings', message: 'readings must contain at least one reading.' });
    await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    const today = almatyDate(now);
    const problems: FieldProblem[][] = items.map(() => []);
    const add = (index: number, field: string, message: string) => problems[index]!.push({ field, message });
    items.forEach((item, index) => {
      if (item.key !== null && item.key !== undefined && item.key.length > MAX_KEY_LENGTH)
        add(index, 'key', `must be at most ${MAX_KEY_LENGTH} characters.`);
      if (item.serialNumber.trim().length === 0 || item.serialNumber.length > 50) add(index, 'serialNumber', 'must be 1 to 50 characters.');
      if (item.takenOn > today) add(index, 'takenOn', 'must not be in the future.');
      if (!decimalPattern.test(item.value))
        add(index, 'value', 'must be a non-negative decimal with up to 13 integer digits and 3 decimal places, e.g. "12345.678".');
      const zone = item.zone ?? 1;
      if (!Number.isInteger(zone) || zone < 1 || zone > 3) add(index, 'zone', 'must be 1, 2 or 3.');
    });
    const repository = new ReadingRepository(this.executor);
    const meters = await repository.metersForReadings(
      supplierId,
      items.map((item) => item.serialNumber.trim()),
    );
    const meterOf: Array<ReadingMeter | null> = items.map((item, index) => {
      const meter = meters.get(item.serialNumber.trim()) ?? null;
      if (item.serialNumber.trim().length === 0) return null;
      if (!meter) {
        add(index, 'serialNumber', 'is not the serial number of a meter of this supplier.');
        return null;
      }
      const zone = item.zone ?? 1;
      if (meter.status === 'REMOVED') add(index, 'serialNumber', 'names a removed meter: it takes no readings.');
      if (Number.isInteger(zone) && zone > meter.tariffZones)
        add(index, 'zone', `must be within the meter's ${meter.tariffZones} tariff zone(s).`);
      if (item.takenOn < meter.installedAt) add(index, 'takenOn', `must not be before the meter was installed (${meter.installedAt}).`);
      return meter;
    });

    // Readings of one meter and zone, in date order; a day repeated within the call is refused.
    const groups = new Map<string, number[]>();
    items.forEach((item, index) => {
      const meter = meterOf[index];
      if (!meter) return;
      const key = `${meter.id}:${item.zone ?? 1}`;
      const list = groups.get(key) ?? [];
      const repeat = list.find((other) => items[other]!.takenOn === item.takenOn);
      if (repeat !== undefined) add(index, 'takenOn', `repeats the meter, zone and day of readings[${repeat}].`);
      else list.push(index);
      groups.set(key, list);
    });
    // The last RECENT_READINGS readings of every meter and zone of the call, up to today (no
    // reading is in the future), looked for in widening spans before the call's first day so
    // that a statement reads a few partitions and few rows: RECENT_SPANS_DAYS (days before),
    // then every month. A pair goes on to the next span only when the span held fewer than
    // RECENT_READINGS of its readings and its meter was installed before the span began
    // (otherwise there can be none older). Daily readings stop at the first span, monthly
    // ones at the second; every month is read only for a meter read again after a long pause.
    const pairs = [...groups.keys()].map((key) => {
      const [meterId, zone] = key.split(':') as [string, string];
      return { meterId, zone: Number(zone) };
    });
    const firstDay = Date.parse(
      [...groups.values()].flat().reduce((a, b) => (items[b]!.takenOn < a ? items[b]!.takenOn : a), '9999-12-31'),
    );
    const installedAt = new Map([...meters.values()].map((meter) => [meter.id, meter.installedAt]));
    const recent = new Map<string, RecentReading[]>();
    let pending = pairs;
    for (const days of [...RECENT_SPANS_DAYS, null]) {
      if (pending.length === 0) break;
      const from = days === null ? null : new Date(firstDay - days * DAY_MS).toISOString().slice(0, 10);
      for (const [key, rows] of await repository.recent(pending, from === null ? undefined : { from, to: today })) recent.set(key, rows);
      if (from === null) break;
      pending = pending.filter(
        (pair) =>
          (recent.get(`${pair.meterId}:${pair.zone}`)?.length ?? 0) < RECENT_READINGS && (installedAt.get(pair.meterId) ?? '') < from,
      );
    }

    const values: Array<ReadingInput | null> = items.map(() => null);
    for (const [key, indexes] of groups) {
      // The chain of readings newest first: stored ones, then the call's as they are accepted.
      const chain: Array<{ takenOn: string; value: number; consumption: number | null }> = (recent.get(key) ?? []).map(
        (r: RecentReading) => ({
          takenOn: r.takenOn,
          value: thousandths(r.value),
          consumption: r.consumption === null ? null : thousandths(r.consumption),
        }),
      );
      const stored = recent.get(key) ?? [];
      indexes.sort((a, b) => (items[a]!.takenOn < items[b]!.takenOn ? -1 : items[a]!.takenOn > items[b]!.takenOn ? 1 : 0));
      for (const index of indexes) {
        const item = items[index]!;
        const meter = meterOf[index]!;
        if (problems[index]!.length > 0) continue;
        const last = chain[0];
        let corrects: ReadingInput['corrects'] = null;
        let before = chain;
        if (last && item.takenOn < last.takenOn) {
          add(
            index,
            'takenOn',
            `is before the meter's last reading (${last.takenOn}) of this zone; only the last reading may be corrected.`,
          );
          continue;
        }
        if (last && item.takenOn === last.takenOn) {
          const storedLast = stored[0];
          if (!storedLast || storedLast.takenOn !== last.takenOn) continue; // cannot happen: repeats are refused above
          const age = now.getTime() - storedLast.recordedAt.getTime();
          if (age > CORRECTION_WINDOW_DAYS * DAY_MS) {
            add(
              index,
              'takenOn',
              `a reading of this day was recorded on ${storedLast.recordedAt.toISOString().slice(0, 10)}; corrections are accepted only within ${CORRECTION_WINDOW_DAYS} days of recording.`,
            );
            continue;
          }
          corrects = { id: storedLast.id, value: storedLast.value };
          before = chain.slice(1);
        }
        const value = thousandths(item.value);
        const judged = judgeReading(
          meter.capacityDigits,
          before[0]?.value ?? null,
          value,
          before.flatMap((r) => (r.consumption === null ? [] : [r.consumption])),
        );
        if (judged.problem) {
          problems[index]!.push(judged.problem);
          continue;
        }
        const entry = { takenOn: item.takenOn, value, consumption: judged.consumption };
        if (corrects) chain[0] = entry;
        else chain.unshift(entry);
        values[index] = {
          meterId: meter.id,
          katoCode: meter.katoCode,
          zone: item.zone ?? 1,
          takenOn: item.takenOn,
          value: decimal(value),
          consumption: judged.consumption === null ? null : decimal(judged.consumption),
          kind: item.kind ?? 'CURRENT',
          source: item.source,
          anomaly: judged.anomaly,
          corrects,
        };
      }
    }
    return values.map((value, index) => (value && problems[index]!.length === 0 ? { value } : { problems: problems[index]! }));
  }
}

export interface SubmitReadingsArgs {
  supplierId: string;
  readings: readonly ReadingItem[];
  mode: BulkMode;
  idempotencyKey: string | null | undefined;
  now: Date;
  /** Who corrects, for the history of corrections. */
  actor: string;
}

/** `submitReadings` as a call of the bulk path. */
export function submitReadingsCall(args: SubmitReadingsArgs): BulkCall<ReadingItem, ReadingInput> {
  return {
    operation: 'utilities.submitReadings',
    argument: 'readings',
    items: args.readings,
    keyOf: (item) => item.key,
    mode: args.mode,
    idempotencyKey: args.idempotencyKey,
    scope: { supplierId: args.supplierId },
    check: (tx, items) => new ReadingManager(tx).check(args.supplierId, items, args.now),
    write: async (tx, values) => {
      const written = await new ReadingRepository(tx).write(args.supplierId, values, args.actor);
      const { subjectId } = await new SupplierManager(tx).existing(args.supplierId, 'supplierId');
      return { written, changes: [], batch: { type: 'METER_READINGS_BATCH', subjectId } };
    },
  };
}
