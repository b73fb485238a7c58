import { randomUUID } from 'node:crypto';
import type { BulkCall, BulkMode, Checked } from '../../lib/bulk.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, type FieldProblem } from '../../lib/errors.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { ReadingKind, ReadingSource } from '../../schema/utilities.js';
import { type HeadUpdate, type ReadingHead, type ReadingInput, type ReadingMeter, ReadingRepository } from './reading-repository.js';
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

const MAX_KEY_LENGTH = 200;
const DAY_MS = 86_400_000;
const decimalPattern = /^\d{1,13}(\.\d{1,3})?$/;

/** A decimal string with up to 3 places, in thousandths (exact as a Number up to 2^53). */
export function thousandths(value: string): number {
  const dot = value.indexOf('.');
  if (dot < 0) return Number(value) * 1000;
  const fraction = value.slice(dot + 1);
  return Number(value.slice(0, dot)) * 1000 + Number(fraction) * (fraction.length === 1 ? 100 : fraction.length === 2 ? 10 : 1);
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

/** A head while a call is judged, in thousandths; `lastRecordedAt` null for a reading of this call. */
interface WorkingHead {
  lastId: string;
  lastTakenOn: string;
  lastValue: number;
  lastConsumption: number | null;
  lastRecordedAt: Date | null;
  previousValue: number | null;
  earlierConsumptions: number[];
}

function working(head: ReadingHead): WorkingHead {
  return {
    lastId: head.lastId,
    lastTakenOn: head.lastTakenOn,
    lastValue: thousandths(head.lastValue),
    lastConsumption: head.lastConsumption === null ? null : thousandths(head.lastConsumption),
    lastRecordedAt: head.lastRecordedAt,
    previousValue: head.previousValue === null ? null : thousandths(head.previousValue),
    earlierConsumptions: head.earlierConsumptions.map(thousandths),
  };
}

/** The consumptions (not null) of the last reading and those before it, newest first, as the anomaly rule reads them. */
function consumptionsThrough(head: WorkingHead): number[] {
  return (head.lastConsumption === null ? head.earlierConsumptions : [head.lastConsumption, ...head.earlierConsumptions]).slice(
    0,
    ANOMALY_WINDOW,
  );
}

/** What one call checked: a result per reading in input order, the heads its accepted readings leave, and the supplier's subject (the feed change's owner). */
export interface CheckedReadings {
  checked: Array<Checked<ReadingInput>>;
  heads: HeadUpdate[];
  supplierSubjectId: string;
}

/** Meter readings (category 13). */
export class ReadingManager {
  constructor(private readonly executor: Executor) {}

  /**
   * Checks every reading of one call, in input order, in three statements whatever their
   * number: the supplier, its readings lock, and its meters by serial number with the heads
   * of their zones (the last reading, the value before it, the last consumptions). Readings
   * of one meter and zone in the call are taken in date order, each after the one before it.
   * A reading for the day of the meter's last reading corrects it (within
   * CORRECTION_WINDOW_DAYS of its recording, with history); one older than the last reading
   * is refused.
   */
  async check(supplierId: string, items: readonly ReadingItem[], now: Date): Promise<CheckedReadings> {
    if (items.length === 0) throw badUserInput({ field: 'readings', message: 'readings must contain at least one reading.' });
    const { subjectId: supplierSubjectId } = await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
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
    await repository.lockSupplierReadings(supplierId);
    const { meters, heads: storedHeads } = await repository.metersForReadings(
      supplierId,
      items.map((item) => item.serialNumber.trim()),
    );
    const meterOf: Array<ReadingMeter | null> = items.map((item, index) => {
      const meter = meters.get(item.serialNumber.trim()) ?? null;
      // A serial number refused for its length above is not looked for again.
      if (item.serialNumber.trim().length === 0 || item.serialNumber.length > 50) return null;
      if (!meter) {
        add(index, 'serialNumber', 'is not the serial number of a meter of this supplier.');
        return null;
      }
      const zone = item.zone ?? 1;
      if (meter.status === 'REMOVED') add(index, 'serialNumber', 'names a removed meter: it takes no readings.');
      if (Number.isInteger(zone) && zone >= 1 && zone <= 3 && zone > meter.tariffZones)
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
      const list = groups.get(key);
      if (!list) {
        groups.set(key, [index]);
        return;
      }
      const repeat = list.find((other) => items[other]!.takenOn === item.takenOn);
      if (repeat !== undefined) add(index, 'takenOn', `repeats the meter, zone and day of readings[${repeat}].`);
      else list.push(index);
    });

    const values: Array<ReadingInput | null> = items.map(() => null);
    const heads: HeadUpdate[] = [];
    for (const [key, indexes] of groups) {
      const stored = storedHeads.get(key);
      let head: WorkingHead | null = stored ? working(stored) : null;
      let changed = false;
      if (indexes.length > 1)
        indexes.sort((a, b) => (items[a]!.takenOn < items[b]!.takenOn ? -1 : items[a]!.takenOn > items[b]!.takenOn ? 1 : 0));
      for (const index of indexes) {
        const item = items[index]!;
        const meter = meterOf[index]!;
        if (problems[index]!.length > 0) continue;
        let corrects: ReadingInput['corrects'] = null;
        if (head && item.takenOn < head.lastTakenOn) {
          add(
            index,
            'takenOn',
            `is before the meter's last reading (${head.lastTakenOn}) of this zone; only the last reading may be corrected.`,
          );
          continue;
        }
        const correcting = head !== null && item.takenOn === head.lastTakenOn;
        if (head && correcting) {
          // A day repeated within the call is refused above: the last reading here is a stored one.
          if (head.lastRecordedAt === null) continue;
          if (now.getTime() - head.lastRecordedAt.getTime() > CORRECTION_WINDOW_DAYS * DAY_MS) {
            add(
              index,
              'takenOn',
              `a reading of this day was recorded on ${head.lastRecordedAt.toISOString().slice(0, 10)}; corrections are accepted only within ${CORRECTION_WINDOW_DAYS} days of recording.`,
            );
            continue;
          }
          corrects = { id: head.lastId, value: decimal(head.lastValue) };
        }
        const value = thousandths(item.value);
        const judged =
          head === null
            ? judgeReading(meter.capacityDigits, null, value, [])
            : correcting
              ? judgeReading(meter.capacityDigits, head.previousValue, value, head.earlierConsumptions)
              : judgeReading(meter.capacityDigits, head.lastValue, value, consumptionsThrough(head));
        if (judged.problem) {
          problems[index]!.push(judged.problem);
          continue;
        }
        const id = corrects ? corrects.id : randomUUID();
        head =
          head && correcting
            ? { ...head, lastValue: value, lastConsumption: judged.consumption }
            : {
                lastId: id,
                lastTakenOn: item.takenOn,
                lastValue: value,
                lastConsumption: judged.consumption,
                lastRecordedAt: null,
                previousValue: head?.lastValue ?? null,
                earlierConsumptions: head ? consumptionsThrough(head) : [],
              };
        changed = true;
        values[index] = {
          id,
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
      if (changed && head) {
        const [meterId, zone] = key.split(':') as [string, string];
        heads.push({
          meterId,
          zone: Number(zone),
          lastId: head.lastId,
          lastTakenOn: head.lastTakenOn,
          lastValue: decimal(head.lastValue),
          lastConsumption: head.lastConsumption === null ? null : decimal(head.lastConsumption),
          lastRecordedAt: head.lastRecordedAt,
          previousValue: head.previousValue === null ? null : decimal(head.previousValue),
          earlierConsumptions: head.earlierConsumptions.map(decimal),
        });
      }
    }
    return {
      checked: values.map((value, index) => (value && problems[index]!.length === 0 ? { value } : { problems: problems[index]! })),
      heads,
      supplierSubjectId,
    };
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
  // What the check found, for the write: the heads it leaves (every value the check accepts
  // is written: the bulk path writes all or, when any is refused under ALL_OR_NOTHING, none)
  // and the supplier's subject, read once per call.
  let heads: HeadUpdate[] = [];
  let subjectId = '';
  return {
    operation: 'utilities.submitReadings',
    argument: 'readings',
    items: args.readings,
    keyOf: (item) => item.key,
    mode: args.mode,
    idempotencyKey: args.idempotencyKey,
    scope: { supplierId: args.supplierId },
    check: async (tx, items) => {
      const found = await new ReadingManager(tx).check(args.supplierId, items, args.now);
      heads = found.heads;
      subjectId = found.supplierSubjectId;
      return found.checked;
    },
    write: async (tx, values) => {
      const written = await new ReadingRepository(tx).write(args.supplierId, values, args.actor, heads);
      return { written, changes: [], batch: { type: 'METER_READINGS_BATCH', subjectId } };
    },
  };
}
