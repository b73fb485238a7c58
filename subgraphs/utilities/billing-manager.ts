import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { BulkCall, BulkMode, Checked } from '../../lib/bulk.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem } from '../../lib/errors.js';
import { isKatoCode, katoPrefix, withinTerritory } from '../../lib/kato.js';
import { textArray } from '../../lib/pg-array.js';
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
import { SupplierManager } from './supplier-manager.js';
import { pickTariff } from './tariff-manager.js';
import { TariffRepository, type TariffRow } from './tariff-repository.js';
import { chargeByTiers, fromTenThousandths, isDecimal, monthEnd, toTenThousandths } from './tariff-rules.js';

export type ChargeRow = typeof charges.$inferSelect;
/** A charge line as the write stores it. */
export type ChargeValue = Omit<ChargeRow, 'id' | 'supplierId' | 'createdAt'>;
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
  /** The client's own key of the item, echoed back in its result. */
  key?: string | null;
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

  /**
   * Checks the accounts of one supplier to charge for the open period `month` (the bulk
   * path's `check`): a few statements for the whole call (the accounts, what each was
   * already charged, the readings' volumes; the tariffs and norms once per service and
   * category), one outcome per item in input order, problems named relative to the item.
   */
  async check(supplierId: string, month: string, items: readonly ChargeAccountInput[]): Promise<Array<Checked<ChargeValue>>> {
    await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    const tariffRepository = new TariffRepository(this.executor);
    // Serializes with the period's closing and tariff publications of this supplier.
    await tariffRepository.lockSupplier(supplierId);
    const period = await new BillingPeriodManager(this.executor).of(supplierId, month);
    if (period?.status !== 'OPEN')
      throw conflict(`The billing period of ${month.slice(0, 7)} is not open: a closed period's charges are frozen.`, 'month');
    if (items.length === 0) return [];
    const last = monthEnd(month);
    const tariffCache = new Map<string, TariffRow[]>();
    const normCache = new Map<UtilityService, NormRow[]>();
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
      for (const row of await this.executor.execute<{ account_id: string; count: number; total: string }>(sql`
        select c.account_id, count(*)::int as count, coalesce(sum(c.amount_tiyn), 0)::text as total
          from utilities.charges c
         where c.month = ${month}::date and c.billing_period_id = ${period.id}
           and c.account_id in (select unnest(${textArray([...accounts.values()].map((account) => account.id))}::uuid[]))
         group by c.account_id`))
        billed.set(row.account_id, { count: Number(row.count), total: BigInt(row.total) });
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
    const outcomes: Array<Checked<ChargeValue>> = [];
    for (const item of items) {
      const problems: FieldProblem[] = [];
      const refuse = (field: string, message: string) => {
        problems.push({ field, message });
        return { problems };
      };
      const account = accounts.get(item.accountNumber);
      if (!account) {
        outcomes.push(refuse('accountNumber', `the supplier keeps no account ${item.accountNumber}.`));
        continue;
      }
      if (account.openedAt > last || (account.closedAt != null && account.closedAt < month)) {
        outcomes.push(refuse('accountNumber', `the account is not open in ${month.slice(0, 7)}.`));
        continue;
      }
      if (account.katoCode == null) {
        outcomes.push(refuse('accountNumber', "the account's building is no longer in the register."));
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
        outcomes.push(
          refuse('accountNumber', `no ${category} tariff for ${account.service} is in force on ${month} for the account's territory.`),
        );
        continue;
      }
      const fromReadings = item.meteredVolume == null ? (readingVolumes.get(account.id) ?? null) : null;
      const volume = fromReadings
        ? { volume: fromReadings, basis: 'READING' as const }
        : await this.volumeOf(item, tariff, account.service, account.katoCode, month, problems, normCache);
      if (volume == null) {
        outcomes.push({ problems });
        continue;
      }
      // numeric(14, 4) holds volumes below 10^10; amounts are kept far inside bigint.
      if (toTenThousandths(volume.volume) >= 100_000_000_000_000n) {
        outcomes.push(refuse('meteredVolume', 'the volume to bill must be below 10,000,000,000 units.'));
        continue;
      }
      const amountTiyn = chargeByTiers(tariff.tiers, volume.volume).amountTiyn;
      if (amountTiyn >= 1_000_000_000_000_000n) {
        outcomes.push(refuse('meteredVolume', 'the charge would exceed 10,000,000,000,000 tenge; check the volume.'));
        continue;
      }
      const before = billed.get(account.id);
      const already = (before?.count ?? 0) > 0;
      const reason = item.recalculationReason?.trim() ?? '';
      if (already && reason.length === 0) {
        outcomes.push(
          refuse(
            'recalculationReason',
            `the account is already charged for ${month.slice(0, 7)}; a recalculation needs recalculationReason (1 to 500 characters).`,
          ),
        );
        continue;
      }
      if (reason.length > 500) {
        outcomes.push(refuse('recalculationReason', 'must be at most 500 characters.'));
        continue;
      }
      const lineAmount = already ? amountTiyn - (before?.total ?? 0n) : amountTiyn;
      outcomes.push({
        value: {
          accountId: account.id,
          billingPeriodId: period.id,
          month,
          katoCode: account.katoCode,
          service: account.service,
          kind: already ? 'RECALCULATION' : 'CHARGE',
          basis: volume.basis,
          volume: volume.volume,
          tariffId: tariff.id,
          amountTiyn: lineAmount,
          reason: already ? reason : null,
        },
      });
      // A later item of the same call for this account sees this line as already charged.
      billed.set(account.id, { count: (before?.count ?? 0) + 1, total: (before?.total ?? 0n) + lineAmount });
    }
    return outcomes;
  }

  /**
   * The volume to bill: the metered volume when given (basis READING); otherwise for a tariff
   * per resident, m² or premise their count, and for a volume tariff the norm × residents or
   * m² (basis NORM), rounded half up to 4 places.
   */
  private async volumeOf(
    item: ChargeAccountInput,
    tariff: TariffRow,
    service: UtilityService,
    katoCode: string | null,
    month: string,
    problems: FieldProblem[],
    /** The supplier's norms of the month per service, read once per call. */
    normCache: Map<UtilityService, NormRow[]>,
  ): Promise<{ volume: string; basis: ChargeBasis } | null> {
    const need = (field: string, message: string) => {
      problems.push({ field, message });
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

  /**
   * Writes charge lines of one supplier in ONE statement whose columns travel as typed arrays
   * (a multi-row VALUES insert of 10,000 lines would pass the protocol's 65,535 parameters);
   * returns the stored lines in the order given.
   */
  async write(supplierId: string, values: readonly ChargeValue[]): Promise<ChargeRow[]> {
    if (values.length === 0) return [];
    const column = <K extends keyof ChargeValue>(key: K) => textArray(values.map((value) => value[key] as string | null));
    const rows = await this.executor.execute<Record<string, unknown>>(sql`
      insert into utilities.charges
             (supplier_id, account_id, billing_period_id, month, kato_code, service, kind, basis, volume, tariff_id, amount_tiyn, reason)
      select ${supplierId}::uuid, u.account_id, u.billing_period_id, u.month, u.kato_code, u.service, u.kind, u.basis, u.volume,
             u.tariff_id, u.amount_tiyn, u.reason
        from unnest(${column('accountId')}::uuid[], ${column('billingPeriodId')}::uuid[], ${column('month')}::date[],
                    ${column('katoCode')}::text[], ${column('service')}::utilities.utility_service[],
                    ${column('kind')}::utilities.charge_kind[], ${column('basis')}::utilities.charge_basis[],
                    ${column('volume')}::numeric[], ${column('tariffId')}::uuid[],
                    ${textArray(values.map((value) => value.amountTiyn.toString()))}::bigint[], ${column('reason')}::text[])
             with ordinality as u(account_id, billing_period_id, month, kato_code, service, kind, basis, volume, tariff_id, amount_tiyn, reason, n)
       order by u.n
      returning id, supplier_id, account_id, billing_period_id, month::text as month, kato_code, service, kind, basis,
                volume::text as volume, tariff_id, amount_tiyn::text as amount_tiyn, reason, created_at`);
    return rows.map(chargeRowOf);
  }

  /** The lines with these ids of one supplier and period month, in the order of `ids` (a replayed call's). */
  async linesByIds(supplierId: string, month: string, ids: readonly string[]): Promise<ChargeRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.executor.execute<Record<string, unknown>>(sql`
      select id, supplier_id, account_id, billing_period_id, month::text as month, kato_code, service, kind, basis,
             volume::text as volume, tariff_id, amount_tiyn::text as amount_tiyn, reason, created_at
        from utilities.charges
       where supplier_id = ${supplierId}::uuid and month = ${month}::date
         and id in (select unnest(${textArray(ids)}::uuid[]))`);
    const byId = new Map(rows.map((row) => [row.id as string, chargeRowOf(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * A supplier's charge lines of a period, by account then time: a query (awaited for the
   * rows) whose month reads that month's partition only (test/utilities-partitions.test.ts).
   */
  linesOfPeriod(supplierId: string, billingPeriodId: string, month: string) {
    return this.executor
      .select()
      .from(charges)
      .where(and(eq(charges.supplierId, supplierId), eq(charges.month, month), eq(charges.billingPeriodId, billingPeriodId)))
      .orderBy(asc(charges.accountId), asc(charges.createdAt), asc(charges.id));
  }
}

function chargeRowOf(row: Record<string, unknown>): ChargeRow {
  return {
    id: row.id as string,
    supplierId: row.supplier_id as string,
    accountId: row.account_id as string,
    billingPeriodId: row.billing_period_id as string,
    month: row.month as string,
    katoCode: row.kato_code as string,
    service: row.service as UtilityService,
    kind: row.kind as ChargeRow['kind'],
    basis: row.basis as ChargeBasis,
    volume: row.volume as string,
    tariffId: row.tariff_id as string,
    amountTiyn: BigInt(row.amount_tiyn as string),
    reason: (row.reason as string | null) ?? null,
    createdAt: new Date(row.created_at as string),
  };
}

/**
 * `chargeAccounts` on the bulk path: up to 10,000 accounts of one supplier charged for its
 * open period of `month`. `written` collects the lines this call wrote, for the payload.
 */
export function chargeAccountsCall(options: {
  supplierId: string;
  month: string;
  accounts: readonly ChargeAccountInput[];
  mode: BulkMode;
  idempotencyKey: string | null | undefined;
  written: ChargeRow[];
}): BulkCall<ChargeAccountInput, ChargeValue> {
  const { supplierId, month } = options;
  return {
    operation: 'utilities.chargeAccounts',
    argument: 'accounts',
    items: options.accounts,
    keyOf: (item) => item.key,
    mode: options.mode,
    idempotencyKey: options.idempotencyKey,
    scope: { supplierId, month },
    check: (tx, items) => new BillingManager(tx).check(supplierId, month, items),
    async write(tx, values) {
      const lines = await new BillingManager(tx).write(supplierId, values);
      options.written.push(...lines);
      // Charges are not (yet) a type of the change feed: they declare no changes.
      return { written: lines.map((line) => ({ id: line.id, created: line.kind === 'CHARGE' })), changes: [] };
    },
  };
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
