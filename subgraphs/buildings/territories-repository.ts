import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { COUNTRY_KATO } from '../../lib/kato.js';
import { textArray } from '../../lib/pg-array.js';
import { territories } from '../../schema/buildings.js';

export type TerritoryRow = typeof territories.$inferSelect;

/**
 * The whole country as a Region (`COUNTRY_KATO`), so one query serves the country, a
 * region and a district. Not a row of the KATO tree: its kind exists only in the SDL.
 */
export const country: TerritoryRow = {
  katoCode: COUNTRY_KATO,
  parentKatoCode: null,
  kind: 'COUNTRY' as TerritoryRow['kind'],
  level: 0,
  nameKk: 'Қазақстан Республикасы',
  nameRu: 'Республика Казахстан',
  katoPrefix: '',
};

/** SQL of the KATO tree (reference data loaded by a migration). Works inside a transaction. */
export class TerritoriesRepository {
  constructor(private readonly db: Executor) {}

  async byCodes(codes: readonly string[]): Promise<TerritoryRow[]> {
    if (codes.length === 0) return [];
    return this.db
      .select()
      .from(territories)
      .where(inArray(territories.katoCode, [...codes]));
  }

  /**
   * For each 9-digit code, the most specific territory containing it: the one with the
   * longest stored prefix (`katoPrefix` of lib/kato.ts, kept in `kato_prefix`) the code starts with.
   */
  async containing(katoCodes: readonly string[]): Promise<Map<string, TerritoryRow>> {
    const found = new Map<string, TerritoryRow>();
    if (katoCodes.length === 0) return found;
    const rows = await this.db
      .selectDistinctOn([sql`k.code`], { code: sql<string>`k.code`, territory: territories })
      .from(sql`unnest(${textArray(katoCodes)}::text[]) as k(code)`)
      .innerJoin(territories, sql`starts_with(k.code, ${territories.katoPrefix})`)
      .orderBy(sql`k.code`, sql`length(${territories.katoPrefix}) desc`);
    for (const row of rows) found.set(row.code, row.territory);
    return found;
  }

  async byParents(parentCodes: readonly string[]): Promise<TerritoryRow[]> {
    if (parentCodes.length === 0) return [];
    return this.db
      .select()
      .from(territories)
      .where(inArray(territories.parentKatoCode, [...parentCodes]))
      .orderBy(asc(territories.katoCode));
  }

  async ofLevel(level: number | null): Promise<TerritoryRow[]> {
    return this.db
      .select()
      .from(territories)
      .where(level === null ? undefined : eq(territories.level, level))
      .orderBy(asc(territories.katoCode));
  }
}
