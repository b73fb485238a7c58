import { eq, sql } from 'drizzle-orm';
import type { Database, Executor, Transaction } from '../../lib/db.js';
import { issueReceipt } from '../../lib/receipts.js';
import { managementAssignments } from '../../schema/condominium.js';
import { lockBuilding, ManagementRepository } from '../../subgraphs/condominium/management-repository.js';
import { deleteReceiptsOf, demoPersons, demoSubjects, findAdministrator, findDemoSubjects } from './access-seeder.js';
import { resetServices, seedServices } from './condominium-services.js';
import { resetDemoReports, seedDemoReports } from './report-demo.js';
import type { Seeder } from './seeder.js';

/*
 * The demo OSI manages a few Almaty buildings: condominiums of private common property,
 * the kind of building an OSI is formed for. Assigned as `assignManagement` would, by the
 * administrator, with its receipt; buildings someone already manages are left alone.
 */

const OSI_BUILDINGS = 3;

/** Registered condominiums of Almaty without a current management subject, by cadastral number. */
async function unmanagedAlmatyCondominiums(tx: Transaction): Promise<string[]> {
  const rows = await tx.execute<{ id: string }>(sql`
    select b.id from buildings.buildings b
     where b.kato_code ~>=~ '75' and b.kato_code ~<~ '76' and b.status = 'REGISTERED'
       and b.condominium_registered and b.balance_ownership = 'PRIVATE_CONDOMINIUM_COMMON_PROPERTY'
       and not exists (select 1 from condominium.management_assignments a where a.building_id = b.id and a.valid_to is null)
     order by b.cadastral_number
     limit ${OSI_BUILDINGS}`);
  return rows.map((row) => row.id);
}

async function osiAssignmentIds(executor: Executor, osiId: string): Promise<string[]> {
  const rows = await executor
    .select({ id: managementAssignments.id })
    .from(managementAssignments)
    .where(eq(managementAssignments.managementSubjectId, osiId));
  return rows.map((row) => row.id);
}

/** The buildings the OSI manages now, by cadastral number: the first carries the demo requests. */
async function osiBuildingIds(executor: Executor, osiId: string): Promise<string[]> {
  const rows = await executor.execute<{ id: string }>(sql`
    select a.building_id as id from condominium.management_assignments a join buildings.buildings b on b.id = a.building_id
     where a.management_subject_id = ${osiId} and a.valid_to is null
     order by b.cadastral_number`);
  return rows.map((row) => row.id);
}

/** Who placed the demo works, contracts and request moves: the OSI chair (the administrator when the chair is missing). */
async function chairActor(executor: Executor): Promise<string> {
  const [chair] = await executor.execute<{ id: string }>(sql`select id from access.persons where iin = ${demoPersons.osiChair.iin}`);
  const id = chair?.id ?? (await findAdministrator(executor));
  return `person:${id}`;
}

async function assignBuildings(tx: Transaction, osiId: string, referenceDate: Date): Promise<number> {
  const adminId = await findAdministrator(tx);
  if (!adminId) throw new Error('The condominium demo data needs an administrator; the access seeder creates one.');
  const assignedBy = `person:${adminId}`;
  const repository = new ManagementRepository(tx);
  const buildingIds = await unmanagedAlmatyCondominiums(tx);
  // The OSI was formed two years before the reference year and took over its buildings one by one.
  const year = referenceDate.getUTCFullYear() - 2;
  for (const [index, buildingId] of buildingIds.entries()) {
    await lockBuilding(tx, buildingId);
    if (await repository.openForUpdate(buildingId)) continue;
    const assignment = await repository.insert({
      buildingId,
      managementSubjectId: osiId,
      managementSubjectKind: 'OSI',
      form: 'OSI',
      validFrom: `${year}-${String(3 + 2 * index).padStart(2, '0')}-01`,
      assignedBy,
    });
    await issueReceipt(tx, {
      operation: 'condominium.assignManagement',
      placedBy: assignedBy,
      receivedAt: new Date(),
      objectIds: [assignment.id],
    });
  }
  return (await osiAssignmentIds(tx, osiId)).length;
}

export const condominiumSeeder: Seeder = {
  name: 'condominium',
  seed: async ({ db, referenceDate, log }): Promise<Record<string, number>> => {
    const { osi } = await findDemoSubjects(db);
    if (!osi) {
      log('  the demo OSI is not in the access data: condominium demo data skipped');
      return {};
    }
    if ((await osiAssignmentIds(db, osi)).length > 0) {
      log('  the demo OSI already manages buildings: condominium demo data kept as it is');
      return {};
    }
    const assignments = await db.transaction((tx) => assignBuildings(tx, osi, referenceDate));
    if (assignments === 0) log('  no unmanaged Almaty condominium in the register: the demo OSI manages none');
    const organisation = { id: osi, bin: demoSubjects.osi.identificationNumber, name: demoSubjects.osi.name };
    const reports = await db.transaction((tx) => seedDemoReports(tx, organisation, demoPersons.osiChair, referenceDate));
    const services = await db.transaction(async (tx) =>
      seedServices(tx, osi, await osiBuildingIds(tx, osi), await chairActor(tx), referenceDate),
    );
    return { assignments, reports, ...services };
  },
  reset: async (db: Database) => {
    await db.transaction(async (tx) => {
      const { osi } = await findDemoSubjects(tx);
      if (!osi) return;
      await resetServices(tx, await osiBuildingIds(tx, osi));
      await resetDemoReports(tx, osi);
      await deleteReceiptsOf(tx, await osiAssignmentIds(tx, osi));
      await tx.delete(managementAssignments).where(eq(managementAssignments.managementSubjectId, osi));
    });
  },
};
