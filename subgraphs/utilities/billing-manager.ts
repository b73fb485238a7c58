import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem } from '../../lib/errors.js';
import { isKatoCode, katoPrefix, withinTerritory } from '../../lib/kato.js';
import {
  type ChargeBasis,
  type ConsumerCategory,
  charges,
  consumptionNorms,
  type NormBasis,
  personalAccounts,
  type UtilityService,
} from '../../schema/utilities.js';
import { BillingPeriodManager } from './billing-period-manager.js';
import { textArray } from './reading-repository.js';
import { SupplierManager } from './supplier-manager.js';
import { pickTariff } from './tariff-manager.js';
import { TariffRepository, type TariffRow } from './tariff-repository.js';
import { chargeByTiers, fromTenThousandths, isDecimal, monthEnd, toTenThousandths } from './tariff-rules.js';

export type ChargeRow = typeof charges.$inferSelect;
export type NormRow = typeof consumptionNorms.$inferSelect;

/** `ConsumptionNormInput` as the client sends it. */
export interface ConsumptionNormInput {
  supplierId: string;
  service: UtilityService;
  territoryKato?: string | null;
  basis: NormBasis;
  volume: string;
  validFrom: string;
}

/** One account to charge (`ChargeAccountInput`). */
export interface ChargeAccountInput {
  accountNumber: string;
  /**
   * The volume consumed in the month as the supplier's system computed it. Absent: the
   * consumption of the readings taken in the month on the account's individual meters
   * (`utilities.meter_readings`), and without such readings the consumption norm.
   */
  meteredVolume?: string | null;
  residents?: number | null;
  areaSquareMetres?: string | null;
  consumerCategory?: ConsumerCategory | null;
  /** Needed when the account was already charged for the period: the recalculation line's reason. */
  recalculationReason?: string | null;
}

/**
 * Billing (p.4.14): consumption norms, and charges per account and open period at the
 * tariff in force, from a metered volume or by the norm, with recalculations as separate
 * lines that say why.
 */
export class BillingManager {
  constructor(private readonly executor: Executor) {}

  async setNorm(input: ConsumptionNormInput): Promise<NormRow> {
    const supplier = await new SupplierManager(this.executor).existing(input.supplierId, 'input.supplierId');
    const problems: FieldProblem[] = [];
    if (!supplier.services.includes(input.service))
      problems.push({ field: 'input.service', message: 'input.service is not a service this supplier offers.' });
    if (input.territoryKato != null && !isKatoCode(input.territoryKato))
      problems.push({ field: 'input.territoryKato', message: 'input.territoryKato must be a 9-digit KATO code.' });
    if (!isDecimal(input.volume))
      problems.push({ field: 'input.volume', message: 'input.volume must be a non-negative decimal with up to 4 decimal places.' });
    if (problems.length > 0) throw badUserInput(problems);
    const [row] = await this.executor
      .insert(consumptionNorms)
      .values({
        supplierId: supplier.id,
        service: input.service,
        territoryKato: input.territoryKato ?? null,
        basis: input.basis,
        volume: input.volume,
        validFrom: input.validFrom,
      })
      .returning();
    if (!row) throw new Error('The norm was not recorded.');
    return row;
  }

  /** Charges `items` of one supplier for the open period `month`, all or nothing; returns the lines written, in input order. */
  async chargeAccounts(supplierId: string, month: string, items: readonly ChargeAccountInput[]): Promise<ChargeRow[]> {
    await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    if (items.length === 0 || items.length > 1000)
      throw badUserInput({ field: 'accounts', message: 'accounts must list 1 to 1,000 accounts.' });
    const tariffRepository = new TariffRepository(this.executor);
    // Serializes with the period's closing and tariff publications of this supplier.
    await tariffRepository.lockSupplier(supplierId);
    const period = await new BillingPeriodManager(this.executor).of(supplierId, month);
    if (period?.status !== 'OPEN')
      throw conflict(`The billing period of ${month.slice(0, 7)} is not open: a closed period's charges are frozen.`, 'month');
    const last = monthEnd(month);
    const tariffCache = new Map<string, TariffRow[]>();
    const normCache = new Map<UtilityService, NormRow[]>();
    const problems: FieldProblem[] = [];
    // Every account of the call, and what each was already charged in the period, in one statement each.
    const accounts = new Map(
      (
        await this.executor
          .select({
            id: personalAccounts.id,
            accountNumber: personalAccounts.accountNumber,
            service: personalAccounts.service,
            buildingId: personalAccounts.buildingId,
            premiseNumber: personalAccounts.premiseNumber,
            openedAt: personalAccounts.openedAt,
            closedAt: personalAccounts.closedAt,
            katoCode: sql<
              string | null
            >`(select b.kato_code from buildings.published_buildings b where b.id = ${personalAccounts.buildingId})`,
          })
          .from(personalAccounts)
          .where(
            and(
              eq(personalAccounts.supplierId, supplierId),
              inArray(personalAccounts.accountNumber, [...new Set(items.map((item) => item.accountNumber))]),
            ),
          )
      ).map((account) => [account.accountNumber, account]),
    );
    const billed = new Map<string, { count: number; total: bigint }>();
    if (accounts.size > 0)
      for (const row of await this.executor
        .select({
          accountId: charges.accountId,
          count: sql<number>`count(*)::int`,
          total: sql<string>`coalesce(sum(${charges.amountTiyn}), 0)::text`,
        })
        .from(charges)
        .where(
          and(
            eq(charges.billingPeriodId, period.id),
            inArray(
              charges.accountId,
              [...accounts.values()].map((account) => account.id),
            ),
          ),
        )
        .groupBy(charges.accountId))
        billed.set(row.accountId, { count: row.count, total: BigInt(row.total) });
    // The readings' consumption of every account billed without a metered volume, in one statement.
    const readingVolumes = await this.readingsVolumes(
      supplierId,
      [
        ...new Set(
          items.flatMap((item) => {
            const account = item.meteredVolume == null ? accounts.get(item.accountNumber) : undefined;
            return account?.premiseNumber != null ? [account.id] : [];
          }),
        ),
      ],
      month,
      last,
    );
    const values: (typeof charges.$inferInsert)[] = [];
    for (const [i, item] of items.entries()) {
      const at = `accounts[${i}]`;
      const account = accounts.get(item.accountNumber);
      if (!account) {
        problems.push({
          field: `${at}.accountNumber`,
          message: `${at}.accountNumber: the supplier keeps no account ${item.accountNumber}.`,
        });
        continue;
      }
      if (account.openedAt > last || (account.closedAt != null && account.closedAt < month)) {
        problems.push({ field: `${at}.accountNumber`, message: `${at}.accountNumber: the account is not open in ${month.slice(0, 7)}.` });
        continue;
      }
      const category = item.consumerCategory ?? 'HOUSEHOLD';
      const cacheKey = `${account.service}:${category}`;
      let candidates = tariffCache.get(cacheKey);
      if (!candidates) {
        candidates = await tariffRepository.inForceBetween({ supplierId, service: account.service, category, from: month, to: last });
        tariffCache.set(cacheKey, candidates);
      }
      // The tariff in force on the period's first day: a tariff change takes effect from the next period.
      const tariff = pickTariff(candidates, account.katoCode, month);
      if (!tariff) {
        problems.push({
          field: `${at}.accountNumber`,
          message: `${at}: no ${category} tariff for ${account.service} is in force on ${month} for the account's territory.`,
        });
        continue;
      }
      const fromReadings = item.meteredVolume == null ? (readingVolumes.get(account.id) ?? null) : null;
      const volume = fromReadings
        ? { volume: fromReadings, basis: 'READING' as const }
        : await this.volumeOf(item, at, tariff, account.service, account.katoCode, month, problems, normCache);
      if (volume == null) continue;
      // numeric(14, 4) holds volumes below 10^10; amounts are kept far inside bigint.
      if (toTenThousandths(volume.volume) >= 100_000_000_000_000n) {
        problems.push({ field: `${at}.meteredVolume`, message: `${at}: the volume to bill must be below 10,000,000,000 units.` });
        continue;
      }
      const amountTiyn = chargeByTiers(tariff.tiers, volume.volume).amountTiyn;
      if (amountTiyn >= 1_000_000_000_000_000n) {
        problems.push({
          field: `${at}.meteredVolume`,
          message: `${at}: the charge would exceed 10,000,000,000,000 tenge; check the volume.`,
        });
        continue;
      }
      const before = billed.get(account.id);
      const already = (before?.count ?? 0) > 0;
      const reason = item.recalculationReason?.trim() ?? '';
      if (already && reason.length === 0) {
        problems.push({
          field: `${at}.recalculationReason`,
          message: `${at}: the account is already charged for ${month.slice(0, 7)}; a recalculation needs recalculationReason (1 to 500 characters).`,
        });
        continue;
      }
      if (reason.length > 500) {
        problems.push({ field: `${at}.recalculationReason`, message: `${at}.recalculationReason must be at most 500 characters.` });
        continue;
      }
      if (problems.length > 0) continue;
      const lineAmount = already ? amountTiyn - (before?.total ?? 0n) : amountTiyn;
      values.push({
        supplierId,
        accountId: account.id,
        billingPeriodId: period.id,
        service: account.service,
        kind: already ? 'RECALCULATION' : 'CHARGE',
        basis: volume.basis,
        volume: volume.volume,
        tariffId: tariff.id,
        amountTiyn: lineAmount,
        reason: already ? reason : null,
      });
      // A later item of the same call for this account sees this line as already charged.
      billed.set(account.id, { count: (before?.count ?? 0) + 1, total: (before?.total ?? 0n) + lineAmount });
    }
    if (problems.length > 0) throw badUserInput(problems);
    // The lines in one statement; postgres returns the rows of a VALUES insert in its order.
    return values.length === 0 ? [] : this.executor.insert(charges).values(values).returning();
  }

  /**
   * The volume to bill: the metered volume when given (basis READING); otherwise for a tariff
   * per resident, m² or premise their count, and for a volume tariff the norm × residents or
   * m² (basis NORM), rounded half up to 4 places.
   */
  private async volumeOf(
    item: ChargeAccountInput,
    at: string,
    tariff: TariffRow,
    service: UtilityService,
    katoCode: string | null,
    month: string,
    problems: FieldProblem[],
    /** The supplier's norms of the month per service, read once per call. */
    normCache: Map<UtilityService, NormRow[]>,
  ): Promise<{ volume: string; basis: ChargeBasis } | null> {
    const need = (field: string, message: string) => {
      problems.push({ field: `${at}.${field}`, message: `${at}.${field} ${message}` });
      return null;
    };
    const residents = item.residents ?? null;
    if (residents != null && (!Number.isInteger(residents) || residents < 0 || residents > 1000))
      return need('residents', 'must be 0 to 1,000.');
    const area = item.areaSquareMetres ?? null;
    if (area != null && !isDecimal(area)) return need('areaSquareMetres', 'must be a non-negative decimal with up to 4 decimal places.');
    if (item.meteredVolume != null) {
      if (!isDecimal(item.meteredVolume)) return need('meteredVolume', 'must be a non-negative decimal with up to 4 decimal places.');
      return { volume: fromTenThousandths(toTenThousandths(item.meteredVolume)), basis: 'READING' };
    }
    if (tariff.unit === 'RESIDENT')
      return residents == null
        ? need('residents', 'is needed: the tariff is per resident.')
        : { volume: `${residents}.0000`, basis: 'NORM' };
    if (tariff.unit === 'SQUARE_METRE')
      return area == null
        ? need('areaSquareMetres', 'is needed: the tariff is per m².')
        : { volume: fromTenThousandths(toTenThousandths(area)), basis: 'NORM' };
    if (tariff.unit === 'PREMISE') return { volume: '1.0000', basis: 'NORM' };
    let norms = normCache.get(service);
    if (!norms) {
      norms = await this.executor
        .select()
        .from(consumptionNorms)
        .where(
          and(
            eq(consumptionNorms.supplierId, tariff.supplierId),
            eq(consumptionNorms.service, service),
            lte(consumptionNorms.validFrom, month),
          ),
        )
        .orderBy(desc(consumptionNorms.validFrom), asc(consumptionNorms.id));
      normCache.set(service, norms);
    }
    const norm = pickNorm(norms, katoCode);
    if (!norm) return need('meteredVolume', `is needed: no consumption norm for ${service} covers the account on ${month}.`);
    const count =
      norm.basis === 'RESIDENT' ? (residents == null ? null : BigInt(residents) * 10_000n) : area == null ? null : toTenThousandths(area);
    if (count == null)
      return need(
        norm.basis === 'RESIDENT' ? 'residents' : 'areaSquareMetres',
        `is needed: the norm is per ${norm.basis === 'RESIDENT' ? 'resident' : 'm²'}.`,
      );
    // norm (1e-4) × count (1e-4) = 1e-8 units; back to 1e-4, half up.
    return { volume: fromTenThousandths((toTenThousandths(norm.volume) * count + 5_000n) / 10_000n), basis: 'NORM' };
  }

  /**
   * The consumption recorded in `[from, to]` by the readings of the supplier's individual
   * meters on each account's premise and service (every zone), with 4 places, in one
   * statement for all `accountIds`; an account without a reading with a consumption (one
   * after an earlier reading) taken in the month is absent.
   */
  private async readingsVolumes(supplierId: string, accountIds: readonly string[], from: string, to: string): Promise<Map<string, string>> {
    if (accountIds.length === 0) return new Map();
    const rows = await this.executor.execute<{ account_id: string; volume: string }>(sql`
      select a.id as account_id, sum(r.consumption)::numeric(16, 4)::text as volume
        from utilities.personal_accounts a
        join utilities.meters m
          on m.supplier_id = a.supplier_id and m.kind = 'INDIVIDUAL' and m.building_id = a.building_id
         and m.premise_number = a.premise_number and m.service = a.service
        join utilities.meter_readings r on r.meter_id = m.id and r.taken_on between ${from} and ${to}
       where a.supplier_id = ${supplierId} and a.id = any(${textArray(accountIds)}::uuid[])
         and r.consumption is not null
       group by a.id`);
    return new Map(rows.map((row) => [row.account_id, fromTenThousandths(toTenThousandths(row.volume))]));
  }

  /** A supplier's charge lines of a period, by account then time. */
  linesOfPeriod(supplierId: string, billingPeriodId: string): Promise<ChargeRow[]> {
    return this.executor
      .select()
      .from(charges)
      .where(and(eq(charges.supplierId, supplierId), eq(charges.billingPeriodId, billingPeriodId)))
      .orderBy(asc(charges.accountId), asc(charges.createdAt), asc(charges.id));
  }
}

/** The newest norm (rows come newest first) of the most specific territory covering `katoCode`. */
function pickNorm(norms: readonly NormRow[], katoCode: string | null): NormRow | null {
  let best: NormRow | null = null;
  let depth = -1;
  for (const norm of norms) {
    let d = 0;
    if (norm.territoryKato != null) {
      if (katoCode == null || !withinTerritory(norm.territoryKato, katoCode)) continue;
      d = katoPrefix(norm.territoryKato).length;
    }
    if (d > depth) {
      best = norm;
      depth = d;
    }
  }
  return best;
}
