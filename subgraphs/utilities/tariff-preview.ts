import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { notFound } from '../../lib/errors.js';
import { withinTerritory } from '../../lib/kato.js';
import { tariffs } from '../../schema/utilities.js';
import { pickTariff } from './tariff-manager.js';
import { TariffRepository } from './tariff-repository.js';
import { chargeByTiers, dayBefore, tenge } from './tariff-rules.js';

/** One affected account in a tariff change's preview; amounts in tenge. */
export interface TariffChangePreviewLine {
  accountId: string;
  accountNumber: string;
  /** The volume of the account's latest bill (its last line: a recalculation's corrected volume). */
  volume: string;
  /** That volume at the tariff in force the day before the change; null when none was. */
  currentAmount: string | null;
  newAmount: string;
  /** newAmount − currentAmount; null when there was no tariff before. */
  change: string | null;
}

/**
 * The preview of a published tariff before it takes effect (p.4.14): every open account of
 * its supplier and service in its territory that has been billed, with its latest billed
 * volume priced at the tariff in force before the change and at the new one. Accounts are
 * HOUSEHOLD until accounts carry a consumer category, so a LEGAL_ENTITY tariff affects none.
 */
export async function previewTariffChange(executor: Executor, supplierId: string, tariffId: string): Promise<TariffChangePreviewLine[]> {
  const [tariff] = await executor
    .select()
    .from(tariffs)
    .where(and(eq(tariffs.id, tariffId), eq(tariffs.supplierId, supplierId)));
  if (!tariff?.publishedAt) throw notFound('The tariff', 'tariffId');
  if (tariff.consumerCategory !== 'HOUSEHOLD') return [];
  const before = dayBefore(tariff.validFrom);
  const candidates = await new TariffRepository(executor).inForceBetween({
    supplierId,
    service: tariff.service,
    category: tariff.consumerCategory,
    from: before,
    to: before,
  });
  const rows = await executor.execute<{ account_id: string; account_number: string; kato_code: string | null; volume: string }>(sql`
    select distinct on (a.id) a.id as account_id, a.account_number, b.kato_code, c.volume::text as volume
      from utilities.personal_accounts a
      join utilities.charges c on c.account_id = a.id
      join utilities.billing_periods bp on bp.id = c.billing_period_id
      left join buildings.published_buildings b on b.id = a.building_id
     where a.supplier_id = ${supplierId} and a.service = ${tariff.service}
       and (a.closed_at is null or a.closed_at >= ${tariff.validFrom})
     order by a.id, bp.month desc, c.created_at desc, c.id desc`);
  const lines: TariffChangePreviewLine[] = [];
  for (const row of rows) {
    if (tariff.territoryKato != null && (row.kato_code == null || !withinTerritory(tariff.territoryKato, row.kato_code))) continue;
    // The new tariff applies only where it is the most specific one in force on its first day.
    const current = pickTariff(candidates, row.kato_code, before);
    const next = chargeByTiers(tariff.tiers, row.volume).amountTiyn;
    const now = current ? chargeByTiers(current.tiers, row.volume).amountTiyn : null;
    lines.push({
      accountId: row.account_id,
      accountNumber: row.account_number,
      volume: row.volume,
      currentAmount: now == null ? null : tenge(now),
      newAmount: tenge(next),
      change: now == null ? null : tenge(next - now),
    });
  }
  return lines.sort((a, b) => (a.accountNumber < b.accountNumber ? -1 : a.accountNumber > b.accountNumber ? 1 : 0));
}
