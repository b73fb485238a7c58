import { inArray, sql } from 'drizzle-orm';
import type { Transaction } from '../../lib/db.js';
import { checkDigit } from '../../lib/identification-number.js';
import { issueReceipt } from '../../lib/receipts.js';
import { addCalendarDays, almatyDate } from '../../lib/working-calendar.js';
import {
  contracts,
  type OwnerRequestStatus,
  ownerRequestEvents,
  ownerRequests,
  type PlannedWorkStatus,
  plannedWorks,
  requestCategories,
} from '../../schema/condominium.js';
import { DirectoryManager } from '../../subgraphs/access/directory-manager.js';
import { deleteReceiptsOf } from './access-seeder.js';

/*
 * Planned works, owners' requests and contracts on the demo OSI's buildings: a work done, one
 * under way and one planned; contracts for cleaning and the lift; requests in every status,
 * three of them overdue, one done and rated. Filed by owners of the first building's
 * apartments (from the register), registered as persons as their first EDS sign-in would.
 * Dates follow the reference day, so the demo reads the same whatever day it is seeded on.
 */

const NOON = 'T07:00:00.000Z';

/** A valid BIN from its first 11 digits (a resident legal entity's head office), bumping the serial until a check digit exists. */
function demoBin(serial: number): string {
  let first11 = `0806400${String(serial).padStart(4, '0')}`;
  while (checkDigit(first11) === null) first11 = `0806400${String((serial += 1)).padStart(4, '0')}`;
  return `${first11}${checkDigit(first11)}`;
}

interface DemoWork {
  title: string;
  costTiyn: bigint;
  /** Days from the reference day: planned start and end. */
  plan: [number, number];
  status: PlannedWorkStatus;
  /** Days from the reference day it started / was completed. */
  started?: number;
  completed?: number;
  actualTiyn?: bigint;
}

const works: DemoWork[][] = [
  [
    {
      title: 'Ремонт кровли над вторым подъездом',
      costTiyn: 185_000_000n,
      plan: [-75, -30],
      status: 'DONE',
      started: -70,
      completed: -32,
      actualTiyn: 179_230_000n,
    },
    { title: 'Замена ламп в подъездах на светодиодные', costTiyn: 24_000_000n, plan: [-10, 10], status: 'IN_PROGRESS', started: -5 },
    { title: 'Покраска фасада', costTiyn: 450_000_000n, plan: [30, 75], status: 'PLANNED' },
  ],
  [{ title: 'Ремонт отмостки', costTiyn: 96_500_000n, plan: [20, 40], status: 'PLANNED' }],
  [
    {
      title: 'Промывка системы отопления',
      costTiyn: 38_000_000n,
      plan: [-120, -110],
      status: 'DONE',
      started: -118,
      completed: -112,
      actualTiyn: 38_000_000n,
    },
  ],
];

const contractsByBuilding = [
  [
    {
      number: 'У-14/2025',
      subject: 'Уборка подъездов и придомовой территории',
      counterparty: 'ТОО «Таза Үй»',
      bin: demoBin(11),
      amountTiyn: 288_000_000n,
      from: -300,
      to: 65,
    },
    {
      number: 'Л-3/2025',
      subject: 'Техническое обслуживание лифтов',
      counterparty: 'ТОО «Лифт Сервис Алматы»',
      bin: demoBin(23),
      amountTiyn: 151_200_000n,
      from: -200,
      to: null,
    },
  ],
  [
    {
      number: 'У-2/2026',
      subject: 'Уборка подъездов',
      counterparty: 'ТОО «Таза Үй»',
      bin: demoBin(11),
      amountTiyn: 96_000_000n,
      from: -60,
      to: 305,
    },
  ],
  [],
];

interface DemoRequest {
  requester: number;
  category: string;
  description: string;
  /** Days from the reference day it was filed. */
  filed: number;
  /** The statuses it went through after SUBMITTED, one day apart. */
  path: OwnerRequestStatus[];
  reason?: string;
  rating?: number;
}

const requests: DemoRequest[] = [
  {
    requester: 0,
    category: 'EMERGENCY',
    description: 'Течь трубы в подвале, вода на полу.',
    filed: -20,
    path: ['ACCEPTED', 'IN_PROGRESS', 'DONE'],
    rating: 5,
  },
  {
    requester: 1,
    category: 'LIFT',
    description: 'Лифт останавливается между 4 и 5 этажами.',
    filed: -5,
    path: ['ACCEPTED', 'IN_PROGRESS'],
  },
  { requester: 2, category: 'CLEANING', description: 'Во втором подъезде не убирают неделю.', filed: -9, path: [] },
  { requester: 0, category: 'HEATING', description: 'Холодные батареи в квартире, стояк у окна.', filed: -1, path: ['ACCEPTED'] },
  {
    requester: 1,
    category: 'ROOF_AND_FACADE',
    description: 'Прошу заменить окна в моей квартире.',
    filed: -15,
    path: ['REJECTED'],
    reason: 'Окна квартиры не общее имущество: их меняет собственник.',
  },
  {
    requester: 2,
    category: 'WATER_AND_SEWERAGE',
    description: 'Засор канализации в первом подъезде.',
    filed: -12,
    path: ['ACCEPTED', 'IN_PROGRESS', 'DONE', 'REOPENED'],
    reason: 'Засор повторился.',
  },
];

/**
 * Persons owning apartments of the building (register): the demo owner first when they own
 * one there, then the others by IIN, `count` in all; registered in the access data as their
 * first EDS sign-in would, unless they are already.
 */
async function requesters(tx: Transaction, buildingId: string, count: number, at: Date, firstIin: string | null): Promise<string[]> {
  const owners = await tx.execute<{ iin: string; name: string }>(sql`
    select iin, name from (
      select distinct on (o.identification_number) o.identification_number as iin, o.name
        from buildings.premise_owners o join buildings.premises p on p.id = o.premise_id
       where p.building_id = ${buildingId} and p.kind = 'APARTMENT' and o.kind = 'PERSON'
       order by o.identification_number, o.name) owners
     order by iin = ${firstIin ?? ''} desc, iin
     limit ${count}`);
  const ids: string[] = [];
  for (const owner of owners) {
    const [known] = await tx.execute<{ id: string }>(sql`select id from access.persons where iin = ${owner.iin}`);
    ids.push(known?.id ?? (await new DirectoryManager(tx).registerPerson({ iin: owner.iin, fullName: owner.name, email: null }, at)).id);
  }
  return ids;
}

async function receipt(tx: Transaction, operation: string, placedBy: string, at: Date, id: string): Promise<void> {
  await issueReceipt(tx, { operation: `condominium.${operation}`, placedBy, receivedAt: at, objectIds: [id] });
}

/** Writes the demo works, contracts and requests of the OSI's buildings (by cadastral number); returns row counts. */
export async function seedServices(
  tx: Transaction,
  osiId: string,
  buildingIds: readonly string[],
  chairActor: string,
  referenceDate: Date,
  /** Files the first requests when they own an apartment in the first building. */
  demoOwnerIin: string | null = null,
) {
  const today = almatyDate(referenceDate);
  const day = (offset: number) => addCalendarDays(today, offset);
  const instant = (offset: number) => new Date(`${day(offset)}${NOON}`);
  const counts = { plannedWorks: 0, contracts: 0, ownerRequests: 0 };
  for (const [index, buildingId] of buildingIds.entries()) {
    for (const work of works[index] ?? []) {
      const [row] = await tx
        .insert(plannedWorks)
        .values({
          buildingId,
          managementSubjectId: osiId,
          title: work.title,
          plannedCostTiyn: work.costTiyn,
          actualCostTiyn: work.actualTiyn ?? null,
          plannedStart: day(work.plan[0]),
          plannedEnd: day(work.plan[1]),
          startedOn: work.started === undefined ? null : day(work.started),
          completedOn: work.completed === undefined ? null : day(work.completed),
          status: work.status,
          placedBy: chairActor,
          createdAt: instant(work.plan[0] - 30),
        })
        .returning({ id: plannedWorks.id });
      if (row) await receipt(tx, 'planWork', chairActor, instant(work.plan[0] - 30), row.id);
      counts.plannedWorks += 1;
    }
    for (const contract of contractsByBuilding[index] ?? []) {
      const [row] = await tx
        .insert(contracts)
        .values({
          buildingId,
          managementSubjectId: osiId,
          number: contract.number,
          subject: contract.subject,
          counterpartyName: contract.counterparty,
          counterpartyBin: contract.bin,
          signedOn: day(contract.from - 10),
          validFrom: day(contract.from),
          validTo: contract.to === null ? null : day(contract.to),
          amountTiyn: contract.amountTiyn,
          placedBy: chairActor,
          createdAt: instant(contract.from - 9),
        })
        .returning({ id: contracts.id });
      if (row) await receipt(tx, 'placeContract', chairActor, instant(contract.from - 9), row.id);
      counts.contracts += 1;
    }
  }

  const [first] = buildingIds;
  if (!first) return counts;
  const persons = await requesters(tx, first, 3, referenceDate, demoOwnerIin);
  const deadlines = new Map((await tx.select().from(requestCategories)).map((row) => [row.code, row.defaultDeadlineDays]));
  for (const request of requests) {
    const requesterPersonId = persons[request.requester % Math.max(persons.length, 1)];
    if (!requesterPersonId) break;
    const requester = `person:${requesterPersonId}`;
    const deadline = deadlines.get(request.category) ?? 10;
    const last = request.path.at(-1) ?? 'SUBMITTED';
    const lastDay = request.filed + request.path.length;
    const reopened = last === 'REOPENED';
    const [row] = await tx
      .insert(ownerRequests)
      .values({
        buildingId: first,
        // The building's KATO code, as the request's manager copies it from the register's published view.
        katoCode: sql`(select kato_code from buildings.published_buildings where id = ${first})`,
        categoryCode: request.category,
        description: request.description,
        requesterPersonId,
        status: last,
        dueOn: day((reopened ? lastDay : request.filed) + deadline),
        rejectionReason: last === 'REJECTED' ? (request.reason ?? null) : null,
        rating: request.rating ?? null,
        submittedAt: instant(request.filed),
        doneAt: last === 'DONE' ? instant(lastDay) : null,
        version: 1 + request.path.length + (request.rating ? 1 : 0),
        updatedAt: instant(lastDay),
      })
      .returning({ id: ownerRequests.id });
    if (!row) continue;
    const steps: Array<{ status: OwnerRequestStatus; offset: number }> = [
      { status: 'SUBMITTED', offset: request.filed },
      ...request.path.map((status, step) => ({ status, offset: request.filed + step + 1 })),
    ];
    for (const step of steps) {
      const byRequester = step.status === 'SUBMITTED' || step.status === 'REOPENED';
      await tx.insert(ownerRequestEvents).values({
        requestId: row.id,
        status: step.status,
        reason: step.status === 'REJECTED' || step.status === 'REOPENED' ? (request.reason ?? null) : null,
        changedBy: byRequester ? requester : chairActor,
        changedAt: instant(step.offset),
      });
      await receipt(
        tx,
        step.status === 'SUBMITTED' ? 'submitOwnerRequest' : step.status === 'REOPENED' ? 'reopenOwnerRequest' : 'changeOwnerRequestStatus',
        byRequester ? requester : chairActor,
        instant(step.offset),
        row.id,
      );
    }
    counts.ownerRequests += 1;
  }
  return counts;
}

/** Deletes the demo works, contracts and requests of these buildings, their receipts, and the requesters registered for them. */
export async function resetServices(tx: Transaction, buildingIds: readonly string[]): Promise<void> {
  if (buildingIds.length === 0) return;
  const ids = [...buildingIds];
  const requestRows = await tx
    .select({ id: ownerRequests.id, requester: ownerRequests.requesterPersonId })
    .from(ownerRequests)
    .where(inArray(ownerRequests.buildingId, ids));
  const workRows = await tx.select({ id: plannedWorks.id }).from(plannedWorks).where(inArray(plannedWorks.buildingId, ids));
  const contractRows = await tx.select({ id: contracts.id }).from(contracts).where(inArray(contracts.buildingId, ids));
  await deleteReceiptsOf(
    tx,
    [...requestRows, ...workRows, ...contractRows].map((row) => row.id),
  );
  const requestIds = requestRows.map((row) => row.id);
  if (requestIds.length > 0) await tx.delete(ownerRequestEvents).where(inArray(ownerRequestEvents.requestId, requestIds));
  await tx.delete(ownerRequests).where(inArray(ownerRequests.buildingId, ids));
  await tx.delete(plannedWorks).where(inArray(plannedWorks.buildingId, ids));
  await tx.delete(contracts).where(inArray(contracts.buildingId, ids));
  // The requesters registered for the demo: persons with nothing else of their own (no grant, token, sign-in or request).
  const requesterIds = [...new Set(requestRows.map((row) => row.requester))];
  if (requesterIds.length > 0) {
    await tx.execute(sql`
      delete from access.persons p
       where p.id = any(${`{${requesterIds.join(',')}}`}::uuid[]) and not p.is_administrator
         and not exists (select 1 from access.grants g where g.person_id = p.id)
         and not exists (select 1 from access.api_tokens t where t.person_id = p.id)
         and not exists (select 1 from access.sign_in_challenges c where c.person_id = p.id)
         and not exists (select 1 from condominium.owner_requests r where r.requester_person_id = p.id)`);
  }
}
