import { inArray, sql } from 'drizzle-orm';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database, Executor, Transaction } from '../../lib/db.js';
import { addCalendarDays, almatyDate } from '../../lib/working-calendar.js';
import { persons } from '../../schema/access.js';
import { houseCouncilMembers, managementAssignments } from '../../schema/condominium.js';
import { loadEffectiveGrants } from '../../subgraphs/access/effective-grants-repository.js';
import { TokenRepository } from '../../subgraphs/access/token-repository.js';
import { definition as condominiumSubgraph } from '../../subgraphs/condominium/definition.js';
import type { HouseCouncilMemberRow } from '../../subgraphs/condominium/house-council-repository.js';
import type { AssignmentRow } from '../../subgraphs/condominium/management-repository.js';
import { type DemoSubjectKey, deleteReceiptsOf, demoPersons, demoSubjects, findAdministrator, findDemoSubjects } from './access-seeder.js';
import { almatyCondominiums } from './buildings-seeder.js';
import { resetMeetingsAndCapitalRepair, seedMeetingsAndCapitalRepair } from './condominium-meetings.js';
import { resetServices, seedServices } from './condominium-services.js';
import { mutateAs } from './mutate-as.js';
import { resetDemoReports, seedDemoReports } from './report-demo.js';
import type { Seeder } from './seeder.js';

/*
 * Managers of every form on Almaty condominiums, and a house council, placed through the
 * condominium subgraph's own mutations (`mutateAs`: rule, re-check, manager, receipt):
 * - the demo OSI manages three buildings, the first being the one where the demo owner
 *   owns an apartment (the buildings seeder wrote them into the register);
 * - a management company under contract one, and the owners' representative (direct joint
 *   management) one, both assigned by the administrator;
 * - a temporary management company one, appointed by the Almaty akimat's person with a
 *   certificate of no tax debt issued twelve days before;
 * - the OSI's chair records the house council of the first building: two owners from the
 *   register (the first the chair) and the demo owner.
 * Buildings someone already manages are left alone.
 */

const OSI_BUILDINGS = 3;
const SEEDING_TOKEN_TTL_MS = 60 * 60 * 1000;

const demoManagers: readonly DemoSubjectKey[] = ['osi', 'managementCompany', 'temporaryCompany', 'ownersRepresentative'];

/**
 * Registered Almaty condominiums without a current manager: the one where the demo owner
 * owns an apartment first (the OSI's, whose house council they sit on), then the register's order.
 */
async function unmanagedAlmatyCondominiums(tx: Transaction, limit: number): Promise<string[]> {
  const rows = await tx.execute<{ id: string }>(sql`
    select c.id from (${sql.raw(almatyCondominiums)}) c
     where not exists (select 1 from condominium.management_assignments a where a.building_id = c.id and a.valid_to is null)
     order by exists (select 1 from buildings.published_premise_owners o
                       where o.building_id = c.id and o.identification_number = ${demoPersons.owner.iin}) desc,
           c.cadastral_number
     limit ${limit}`);
  return rows.map((row) => row.id);
}

/** Owners of the building's apartments who are persons (each once, for their first apartment), the demo owner first, then by apartment number. */
async function apartmentOwners(tx: Transaction, buildingId: string): Promise<Array<{ premiseId: string; iin: string; name: string }>> {
  return tx.execute<{ premiseId: string; iin: string; name: string }>(sql`
    select "premiseId", iin, name from (
      select distinct on (o.identification_number) o.premise_id as "premiseId", o.identification_number as iin, o.name, p.number
        from buildings.premise_owners o join buildings.premises p on p.id = o.premise_id
       where p.building_id = ${buildingId} and p.kind = 'APARTMENT' and o.kind = 'PERSON'
       order by o.identification_number, length(p.number), p.number) owners
     order by iin = ${demoPersons.owner.iin} desc, length(number), number, iin`);
}

/** A person as the gateway would resolve them, with a short-lived token of the seeding's own (revoked when done). */
async function seedingCaller(tx: Transaction, personId: string, isAdministrator: boolean): Promise<{ caller: Caller; tokenId: string }> {
  const issued = await new TokenRepository(tx).issueSessionToken(personId, {
    label: 'demo seeding (scripts/seed), revoked when done',
    ttlMs: SEEDING_TOKEN_TTL_MS,
  });
  const grants = isAdministrator ? [] : await loadEffectiveGrants(tx, { personId });
  return { caller: { kind: 'person', personId, tokenId: issued.metadata.id, isAdministrator, grants }, tokenId: issued.metadata.id };
}

async function personByIin(executor: Executor, iin: string): Promise<string | null> {
  const [row] = await executor
    .select({ id: persons.id })
    .from(persons)
    .where(inArray(persons.iin, [iin]));
  return row?.id ?? null;
}

async function demoAssignmentIds(executor: Executor, subjectIds: readonly string[]): Promise<string[]> {
  if (subjectIds.length === 0) return [];
  const rows = await executor
    .select({ id: managementAssignments.id })
    .from(managementAssignments)
    .where(inArray(managementAssignments.managementSubjectId, [...subjectIds]));
  return rows.map((row) => row.id);
}

/** The buildings the demo OSI has managed, in the order it took them over (the demo owner's first). */
async function osiBuildingIds(executor: Executor, osiId: string): Promise<string[]> {
  const rows = await executor.execute<{ id: string }>(sql`
    select a.building_id as id from condominium.management_assignments a
     where a.management_subject_id = ${osiId}
     group by a.building_id order by min(a.valid_from), a.building_id`);
  return rows.map((row) => row.id);
}

/** Who places the OSI's demo records: its chair (a demo person), else the administrator. */
async function osiPlacer(executor: Executor): Promise<string> {
  const id = (await personByIin(executor, demoPersons.osiChair.iin)) ?? (await findAdministrator(executor));
  return `person:${id}`;
}

async function seedCondominium(
  tx: Transaction,
  subjects: Partial<Record<DemoSubjectKey, string>>,
  referenceDate: Date,
): Promise<Record<string, number>> {
  const adminId = await findAdministrator(tx);
  if (!adminId) throw new Error('The condominium demo data needs an administrator; the access seeder creates one.');
  const chairId = await personByIin(tx, demoPersons.osiChair.iin);
  const akimatId = await personByIin(tx, demoPersons.akimat.iin);
  const setUpAt = new Date(Math.min(referenceDate.getTime(), Date.now()));
  const today = almatyDate(setUpAt);
  const year = setUpAt.getUTCFullYear();
  const seedingTokens: string[] = [];
  const as = async (personId: string, isAdministrator: boolean) => {
    const { caller, tokenId } = await seedingCaller(tx, personId, isAdministrator);
    seedingTokens.push(tokenId);
    return caller;
  };
  const place = <T>(caller: Caller, field: string, args: Record<string, unknown>) =>
    mutateAs<T>(condominiumSubgraph, tx, caller, field, args, setUpAt);

  const admin = await as(adminId, true);
  const buildings = await unmanagedAlmatyCondominiums(tx, OSI_BUILDINGS + 3);
  const osiBuildings = buildings.slice(0, OSI_BUILDINGS);
  let assignments = 0;
  const assign = async (buildingId: string | undefined, input: Record<string, unknown>) => {
    if (!buildingId) return;
    await place<{ assignment: AssignmentRow }>(admin, 'assignManagement', { input: { buildingId, ...input } });
    assignments += 1;
  };
  // The OSI was formed two years before the reference year and took over its buildings one by one.
  for (const [index, buildingId] of osiBuildings.entries()) {
    await assign(buildingId, { subjectId: subjects.osi, validFrom: `${year - 2}-${String(3 + 2 * index).padStart(2, '0')}-01` });
  }
  await assign(buildings[OSI_BUILDINGS], {
    subjectId: subjects.managementCompany,
    validFrom: `${year - 1}-02-01`,
    contract: { number: `УК-17/${year - 1}`, date: `${year - 1}-01-15` },
  });
  await assign(buildings[OSI_BUILDINGS + 1], { subjectId: subjects.ownersRepresentative, validFrom: `${year - 1}-09-01` });
  const temporary = buildings[OSI_BUILDINGS + 2];
  if (temporary && akimatId) {
    await place(await as(akimatId, false), 'appointTemporaryManager', {
      input: {
        buildingId: temporary,
        subjectId: subjects.temporaryCompany,
        taxCertificate: { number: `КГД-${year}-0412`, issuedOn: addCalendarDays(today, -12) },
        validFrom: today,
      },
    });
    assignments += 1;
  }

  let houseCouncilSize = 0;
  const councilBuilding = osiBuildings[0];
  if (councilBuilding && chairId) {
    const chair = await as(chairId, false);
    const owners = await apartmentOwners(tx, councilBuilding);
    const demoOwner = owners.find((owner) => owner.iin === demoPersons.owner.iin);
    const others = owners.filter((owner) => owner !== demoOwner).slice(0, 2);
    const members = [
      ...others.map((owner, index) => ({ owner, chair: index === 0 })),
      ...(demoOwner ? [{ owner: demoOwner, chair: false }] : []),
    ];
    for (const { owner, chair: isChair } of members) {
      await place<{ member: HouseCouncilMemberRow }>(chair, 'recordHouseCouncilMember', {
        input: {
          buildingId: councilBuilding,
          premiseId: owner.premiseId,
          iin: owner.iin,
          fullName: owner.name,
          chair: isChair,
          validFrom: `${year - 1}-04-10`,
        },
      });
      houseCouncilSize += 1;
    }
  }
  const tokens = new TokenRepository(tx);
  for (const tokenId of seedingTokens) await tokens.revoke(tokenId);
  return { assignments, houseCouncilMembers: houseCouncilSize };
}

export const condominiumSeeder: Seeder = {
  name: 'condominium',
  seed: async ({ db, referenceDate, log }): Promise<Record<string, number>> => {
    const subjects = await findDemoSubjects(db);
    if (!subjects.osi) {
      log('  the demo OSI is not in the access data: condominium demo data skipped');
      return {};
    }
    if ((await demoAssignmentIds(db, [subjects.osi])).length > 0) {
      log('  the demo OSI already manages buildings: condominium demo data kept as it is');
      return {};
    }
    const counts = await db.transaction((tx) => seedCondominium(tx, subjects, referenceDate));
    if (counts.assignments === 0) log('  no unmanaged Almaty condominium in the register: the demo managers manage none');
    const osi = subjects.osi;
    const organisation = { id: osi, bin: demoSubjects.osi.identificationNumber, name: demoSubjects.osi.name };
    const reports = await db.transaction((tx) => seedDemoReports(tx, organisation, demoPersons.osiChair, referenceDate));
    const meetings = await db.transaction(async (tx) =>
      seedMeetingsAndCapitalRepair(tx, await osiBuildingIds(tx, osi), referenceDate, await osiPlacer(tx), {
        osi: organisation,
        chair: demoPersons.osiChair,
        spareOwnerIin: demoPersons.owner.iin,
      }),
    );
    const services = await db.transaction(async (tx) =>
      seedServices(tx, osi, await osiBuildingIds(tx, osi), await osiPlacer(tx), referenceDate, demoPersons.owner.iin),
    );
    return { ...counts, reports, ...meetings, ...services };
  },
  reset: async (db: Database) => {
    await db.transaction(async (tx) => {
      const subjects = await findDemoSubjects(tx);
      if (subjects.osi) {
        await resetServices(tx, await osiBuildingIds(tx, subjects.osi));
        await resetDemoReports(tx, subjects.osi);
        await resetMeetingsAndCapitalRepair(tx, await osiBuildingIds(tx, subjects.osi));
      }
      const managerIds = demoManagers.flatMap((key) => (subjects[key] ? [subjects[key]] : []));
      const assignmentIds = await demoAssignmentIds(tx, managerIds);
      if (assignmentIds.length === 0) return;
      const buildingIds = (
        await tx
          .select({ id: managementAssignments.buildingId })
          .from(managementAssignments)
          .where(inArray(managementAssignments.id, assignmentIds))
      ).map((row) => row.id);
      const memberIds = (
        await tx
          .select({ id: houseCouncilMembers.id })
          .from(houseCouncilMembers)
          .where(inArray(houseCouncilMembers.buildingId, buildingIds))
      ).map((row) => row.id);
      const placed = [...assignmentIds, ...memberIds];
      await deleteReceiptsOf(tx, placed);
      await tx.execute(sql`delete from platform.changes where entity_id = any(${`{${placed.join(',')}}`}::uuid[])`);
      if (memberIds.length > 0) await tx.delete(houseCouncilMembers).where(inArray(houseCouncilMembers.id, memberIds));
      await tx.delete(managementAssignments).where(inArray(managementAssignments.id, assignmentIds));
    });
  },
};
