import { sql } from 'drizzle-orm';
import type { Caller, EffectiveGrant } from '../../lib/auth/caller.js';
import type { AccessFunction } from '../../lib/auth/functions.js';
import type { Executor } from '../../lib/db.js';
import { checkDigit } from '../../lib/identification-number.js';
import { territories } from '../../schema/buildings.js';
import { territoriesData } from '../../subgraphs/buildings/territories-data.js';
import type { Actor } from './caller-fixtures.js';
import { callerHeaders } from './signed-request.js';
import { type GraphQLResponse, postGraphQL, type TestSystem } from './system.js';

/**
 * What the buildings tests share: the territories they use, valid building inputs,
 * callers with hand-made grants, and row counts that show a refused change wrote nothing.
 */

/** Territories of the KATO tree (territories-data.ts), which a migration loads into every database. */
export const ALMATY = '750000000';
export const ALMALY = '751110000';
export const BOSTANDYK = '751410000';
export const ASTANA = '710000000';
export const ESIL = '711210000';

/**
 * The territories the tests use. A migration has loaded the whole KATO tree into every
 * database, so on a migrated one this changes nothing; it stays for tests that read as if
 * they set up what they need.
 */
export async function insertTerritories(db: Executor): Promise<void> {
  const used = new Set([ALMATY, ALMALY, BOSTANDYK, ASTANA, ESIL]);
  await db
    .insert(territories)
    .values(territoriesData.filter((territory) => used.has(territory.katoCode)))
    .onConflictDoNothing();
}

/** The annex fields of one valid record, apart from its identity (cadastral number, KATO, address code). */
export const validAnnexFieldValues = {
  purpose: 'MULTI_APARTMENT_BUILDING_OPERATION',
  fundCategory: 'RESIDENTIAL',
  condominiumRegistered: true,
  hasTechnicalPassport: true,
  balanceOwnership: 'PRIVATE_CONDOMINIUM_COMMON_PROPERTY',
  liftCount: 2,
  electricityConnected: true,
  yearBuilt: 1975,
  lastCapitalRepairDate: '2010-05-01',
  totalPremisesCount: 60,
  floorCount: 9,
  apartmentCount: 54,
  nonResidentialPremisesCount: 2,
  heatingSupplyType: 'CENTRAL',
  heatingSupplyKind: 'CLOSED',
  gasSupplyKind: 'NETWORK_NATURAL',
  hasGasPipeline: true,
  hotWaterSupplyType: 'CENTRAL',
  waterSupplyKind: 'CENTRALIZED',
  hasWaterPipeline: true,
  sewerageKind: 'CENTRALIZED',
  hasSewer: true,
  commonMeterCount: 3,
  condition: 'OPERATING',
  barrierFree: false,
} as const;

let sequence = 0;

/** A valid registration input; every call gets its own cadastral number and address code. */
export function buildingInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  const unique = `${process.pid}${Date.now() % 1_000_000}${sequence}`.slice(-12).padStart(12, '0');
  return {
    cadastralNumber: `20-311-${unique}`,
    katoCode: ALMALY,
    addressRegistrationCode: `0000${unique}`,
    ...validAnnexFieldValues,
    ...overrides,
  };
}

/** Completes 11 digits into a valid IIN or BIN, bumping the 11th digit when no check digit exists. */
function withCheckDigit(first11: string): string {
  let digits = first11;
  while (checkDigit(digits) === null) digits = digits.slice(0, 10) + String((Number(digits[10]) + 1) % 10);
  return digits + String(checkDigit(digits));
}

/** A valid IIN of someone born on 31 Dec 1985 (a man), serial `n`. */
export const iin = (n: number): string => withCheckDigit(`8512313${String(n).padStart(4, '0')}`);
/** A valid BIN of a resident legal entity registered in January 2005, serial `n`. */
export const bin = (n: number): string => withCheckDigit(`050140${String(n).padStart(5, '0')}`);

/** A person acting for the ministry (authorized body): every function of `functions`, everywhere. */
export function nationalCaller(...functions: AccessFunction[]): Caller {
  sequence += 1;
  const grant: EffectiveGrant = {
    grantId: `grant-${sequence}`,
    subjectId: `subject-${sequence}`,
    subjectKind: 'AUTHORIZED_BODY',
    territoryKato: null,
    functions,
  };
  return {
    kind: 'person',
    personId: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    tokenId: `token-${sequence}`,
    isAdministrator: false,
    grants: [grant],
  };
}

export type Send = <TData = Record<string, any>>(query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<TData>>;

/** Sends operations through the gateway with the actor's token: the whole path a client takes. */
export function viaGateway(system: TestSystem, actor: Actor): Send {
  return (query, variables = {}) => system.query(query, variables, { token: actor.token });
}

/**
 * Sends an operation straight to the buildings subgraph as `caller`, signed with the
 * gateway's secret: the real subgraph over real HTTP, for what a client cannot send
 * through the gateway (`_entities`). Reads only: writes re-check the caller's token and
 * grants in the database, which a hand-made caller does not have.
 */
export function asCaller(system: TestSystem, caller: Caller): Send {
  return (query, variables = {}) =>
    postGraphQL(system.subgraphUrls.buildings, query, variables, callerHeaders(caller, system.gatewaySecret));
}

export interface RowCounts {
  buildings: number;
  history: number;
  premises: number;
  owners: number;
  receipts: number;
  /** Sum of every building's version: any update bumps it. */
  versions: number;
}

export async function rowCounts(db: Executor): Promise<RowCounts> {
  const [row] = await db.execute<Record<keyof RowCounts, number>>(sql`
    select (select count(*) from buildings.buildings)::int as buildings,
           (select count(*) from buildings.building_history)::int as history,
           (select count(*) from buildings.premises)::int as premises,
           (select count(*) from buildings.premise_owners)::int as owners,
           (select count(*) from platform.receipts where operation like 'buildings.%')::int as receipts,
           (select coalesce(sum(version), 0) from buildings.buildings)::int as versions`);
  if (!row) throw new Error('no counts');
  return row;
}

export const BUILDING_FIELDS = `
  id cadastralNumber katoCode addressRegistrationCode purpose fundCategory condominiumRegistered hasTechnicalPassport
  balanceOwnership liftCount electricityConnected yearBuilt lastCapitalRepairDate totalPremisesCount floorCount
  apartmentCount nonResidentialPremisesCount heatingSupplyType heatingSupplyKind gasSupplyKind hasGasPipeline
  hotWaterSupplyType waterSupplyKind hasWaterPipeline sewerageKind hasSewer commonMeterCount condition
  registerExitReason barrierFree status confirmedAt confirmationOverdue retiredAt version`;

export const REGISTER = `mutation Register($input: RegisterBuildingInput!) {
  registerBuilding(input: $input) { building { ${BUILDING_FIELDS} } receipt { id operation receivedAt recordedAt } }
}`;
