import { sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { territories } from '../../schema/buildings.js';
import { territoriesData } from '../../subgraphs/buildings/territories-data.js';

/**
 * Writes the KATO tree, replacing names and structure of territories that exist: run on
 * every start, so a corrected name or a new district reaches existing databases.
 * Territories no longer in the list are kept (buildings may still point at them).
 */
export async function upsertTerritories(db: Executor): Promise<number> {
  await db
    .insert(territories)
    .values([...territoriesData])
    .onConflictDoUpdate({
      target: territories.katoCode,
      set: {
        parentKatoCode: sql`excluded.parent_kato_code`,
        kind: sql`excluded.kind`,
        level: sql`excluded.level`,
        nameKk: sql`excluded.name_kk`,
        nameRu: sql`excluded.name_ru`,
        katoPrefix: sql`excluded.kato_prefix`,
      },
    });
  return territoriesData.length;
}
