import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { AccessFunction } from '../../lib/auth/functions.js';
import type { Executor } from '../../lib/db.js';
import { buildings, premises } from '../../schema/buildings.js';
import { buildingInput } from './buildings-fixtures.js';
import type { AuthFixture } from './caller-fixtures.js';
import type { TestSystem } from './system.js';

/**
 * What the utilities tests share: buildings of the register with premises for personal
 * accounts to name (accounts are refused for a building or premise the register lacks),
 * and counts of what the utilities subgraph has written.
 */

const registerBuilding = `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`;
const addPremises = `mutation($id: ID!, $premises: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $premises) { premises { id } } }`;

/** Registers a building through the gateway, as the ministry, with apartments numbered `numbers`; returns its id. */
export async function registerBuildingWithApartments(
  system: TestSystem,
  fixture: AuthFixture,
  numbers: readonly string[],
): Promise<string> {
  const ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain, AccessFunction.PremisesMaintain]);
  const registered = await system.query(registerBuilding, { input: buildingInput() }, { token: ministry.token });
  expect(registered.errors, JSON.stringify(registered.errors)).toBeUndefined();
  const id: string = registered.data?.registerBuilding.building.id;
  if (numbers.length > 0) {
    const added = await system.query(
      addPremises,
      { id, premises: numbers.map((number) => ({ kind: 'APARTMENT', number })) },
      { token: ministry.token },
    );
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
  }
  return id;
}

/**
 * Buildings with apartments numbered "1" to `apartments`, written straight into the
 * register's tables: for tests that run the utilities subgraph alone, without the buildings
 * subgraph to register them through. Returns the buildings' ids.
 */
export async function insertBuildingsWithApartments(db: Executor, count: number, apartments: number): Promise<string[]> {
  const rows = await db
    .insert(buildings)
    .values(Array.from({ length: count }, () => buildingInput() as unknown as typeof buildings.$inferInsert))
    .returning({ id: buildings.id });
  const ids = rows.map((row) => row.id);
  if (apartments === 0) return ids;
  await db
    .insert(premises)
    .values(
      ids.flatMap((buildingId) =>
        Array.from({ length: apartments }, (_, i) => ({ buildingId, kind: 'APARTMENT' as const, number: String(i + 1) })),
      ),
    );
  return ids;
}

export interface UtilitiesCounts {
  accounts: number;
  /** Receipts of `upsertPersonalAccounts`. */
  receipts: number;
  /** Sum of every account's version: any update bumps it. */
  versions: number;
  idempotencyKeys: number;
}

export async function utilitiesCounts(db: Executor): Promise<UtilitiesCounts> {
  const [row] = await db.execute<Record<keyof UtilitiesCounts, number>>(sql`
    select (select count(*) from utilities.personal_accounts)::int as accounts,
           (select count(*) from platform.receipts where operation = 'utilities.upsertPersonalAccounts')::int as receipts,
           (select coalesce(sum(version), 0) from utilities.personal_accounts)::int as versions,
           (select count(*) from platform.idempotency_keys where operation = 'utilities.upsertPersonalAccounts')::int as "idempotencyKeys"`);
  if (!row) throw new Error('no counts');
  return row;
}
