import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Caller } from '../../lib/auth/caller.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import type { Database, Executor, Transaction } from '../../lib/db.js';
import { env } from '../../lib/env.js';
import { persons, subjects } from '../../schema/access.js';
import type { ApplicationRow } from '../../subgraphs/access/application-repository.js';
import { bootstrapAdministrator } from '../../subgraphs/access/bootstrap.js';
import { definition as accessSubgraph } from '../../subgraphs/access/definition.js';
import { DirectoryManager } from '../../subgraphs/access/directory-manager.js';
import type { DigitalObjectRow, PersonRow, SubjectKindValue, SubjectRow } from '../../subgraphs/access/directory-repository.js';
import { loadEffectiveGrants } from '../../subgraphs/access/effective-grants-repository.js';
import type { AgreementRow, GrantRow } from '../../subgraphs/access/grant-repository.js';
import { TokenRepository } from '../../subgraphs/access/token-repository.js';
import { type DemoTokens, deleteDemoTokens, writeDemoTokens } from './demo-tokens.js';
import { binPrefix, completeNumber, iinPrefix, type Sex } from './identification-numbers.js';
import { mutateAs } from './mutate-as.js';
import type { Seeder } from './seeder.js';

/*
 * The demo users: one of every kind a newcomer wants to try (administrator, ministry
 * analyst, akimat, its deputy, two utility suppliers' systems, an OSI), placed through the
 * access subgraph's own mutations so the data obeys its rules (valid BIN/IIN, grants within
 * agreements, delegation from a grant in effect, history and receipts).
 *
 * Demo rows are known by their identification numbers: fixed BINs and IINs computed here,
 * which is also what `reset` deletes by, so it never touches anyone else's data.
 */

/** The first number with a valid check digit at or after `serial` under `prefix`. */
function validNumber(prefix: string, serial: number): string {
  for (let next = serial; ; next += 1) {
    const number = completeNumber(prefix, next);
    if (number) return number;
  }
}
const demoBin = (year: number, month: number, serial: number) => validNumber(binPrefix({ year, month }), serial);
const demoIin = (year: number, month: number, day: number, sex: Sex, serial: number) =>
  validNumber(iinPrefix({ year, month, day }, sex), serial);

// E-mail addresses use the reserved `.example` top-level domain (RFC 2606): the outbox
// may deliver the demo's notifications when SMTP is configured, and they must reach no one.
export const demoSubjects = {
  ministry: {
    kind: 'AUTHORIZED_BODY',
    name: 'Министерство промышленности и строительства Республики Казахстан',
    identificationNumber: demoBin(2023, 9, 4217),
    email: 'kense@mps.example',
  },
  akimat: {
    kind: 'LOCAL_EXECUTIVE_BODY',
    name: 'Акимат города Алматы',
    identificationNumber: demoBin(1999, 3, 1873),
    territoryKato: '750000000',
    email: 'akimat@almaty.example',
  },
  waterSupplier: {
    kind: 'UTILITY_SUPPLIER',
    name: 'ГКП на ПХВ «Алматы Су»',
    identificationNumber: demoBin(2001, 6, 3391),
    email: 'office@almatysu.example',
  },
  powerSupplier: {
    kind: 'UTILITY_SUPPLIER',
    name: 'ТОО «АлматыЭнергоСбыт»',
    identificationNumber: demoBin(2006, 11, 5120),
    email: 'info@almatyenergosbyt.example',
  },
  // Suppliers of the other services (p.2.1): in the supplier register with their passports only.
  heatSupplier: {
    kind: 'NATURAL_MONOPOLY',
    name: 'ТОО «Алматинские тепловые сети»',
    identificationNumber: demoBin(2008, 2, 4410),
    email: 'office@teploseti.example',
  },
  gasSupplier: {
    kind: 'NATURAL_MONOPOLY',
    name: 'Филиал АО «QazaqGaz Aimaq» в г. Алматы',
    identificationNumber: demoBin(2002, 7, 2285),
    email: 'almaty@qazaqgazaimaq.example',
  },
  wasteRemover: {
    kind: 'UTILITY_SUPPLIER',
    name: 'ТОО «Тазалык-Алматы»',
    identificationNumber: demoBin(2012, 5, 3907),
    email: 'info@tazalyk.example',
  },
  liftService: {
    kind: 'UTILITY_SUPPLIER',
    name: 'ТОО «Лифтсервис Алматы»',
    identificationNumber: demoBin(2010, 9, 1622),
    email: 'service@lift.example',
  },
  osi: {
    kind: 'OSI',
    name: 'ОСИ «Береке-Алмалы»',
    identificationNumber: demoBin(2021, 4, 2764),
    email: 'osi.bereke@almaly.example',
  },
  managementCompany: {
    kind: 'MANAGEMENT_COMPANY',
    name: 'ТОО «Управляющая компания «Алатау Сервис»',
    identificationNumber: demoBin(2014, 8, 3058),
    email: 'office@alatau-service.example',
  },
  temporaryCompany: {
    kind: 'MANAGEMENT_COMPANY',
    name: 'ТОО «Жилкомсервис-Алматы»',
    identificationNumber: demoBin(2017, 2, 4412),
    email: 'info@zhilkomservis.example',
  },
  // The owners' representative under direct joint management: an individual (IIN), whose name is personal data.
  ownersRepresentative: {
    kind: 'PREMISES_OWNER',
    name: 'Сейткали Арман Болатович',
    identificationNumber: demoIin(1981, 5, 14, 'MALE', 2215),
    email: 'a.seitkali@mail.example',
  },
} satisfies Record<string, { kind: SubjectKindValue; name: string; identificationNumber: string; territoryKato?: string; email: string }>;
export type DemoSubjectKey = keyof typeof demoSubjects;

export const demoPersons = {
  administrator: {
    iin: demoIin(1986, 4, 12, 'FEMALE', 2731),
    fullName: 'Сарсенбаева Айгерим Маратовна',
    email: 'a.sarsenbayeva@cs-zhkh.example',
    phone: '+7 717 255 10 20',
  },
  analyst: {
    iin: demoIin(1979, 10, 3, 'MALE', 1458),
    fullName: 'Жумабаев Ерлан Канатович',
    email: 'e.zhumabayev@mps.example',
    phone: '+7 717 298 33 41',
  },
  akimat: {
    iin: demoIin(1974, 2, 27, 'MALE', 3316),
    fullName: 'Оспанов Нурлан Серикович',
    email: 'n.ospanov@almaty.example',
    phone: '+7 727 271 64 05',
  },
  akimatDeputy: {
    iin: demoIin(1988, 7, 19, 'FEMALE', 2049),
    fullName: 'Ким Ирина Александровна',
    email: 'i.kim@almaty.example',
    phone: '+7 727 271 64 18',
  },
  osiChair: {
    iin: demoIin(1969, 12, 8, 'FEMALE', 1187),
    fullName: 'Ахметова Гульнара Бекзатовна',
    email: 'g.akhmetova@almaly.example',
    phone: '+7 701 418 27 90',
  },
  /** An owner of an apartment in the demo OSI's first building (the buildings seeder writes them into the register). */
  owner: {
    iin: demoIin(1992, 3, 21, 'MALE', 1734),
    fullName: 'Нурланов Данияр Ерикович',
    email: 'd.nurlanov@mail.example',
    phone: '+7 707 555 12 34',
  },
};

/** What each supplier's billing system does through the API (categories 9–14). */
const supplierFunctions = [
  AccessFunction.PersonalAccountsMaintain,
  AccessFunction.MetersMaintain,
  AccessFunction.ReadingsSubmit,
  AccessFunction.TariffsMaintain,
  AccessFunction.SupplierRegisterMaintain,
];
const akimatFunctions = [
  AccessFunction.BuildingRegisterMaintain,
  AccessFunction.BuildingRegisterConfirm,
  AccessFunction.PremisesMaintain,
  AccessFunction.PersonalDataRead,
  // Its housing inspection appoints temporary management companies in Almaty.
  AccessFunction.CondominiumManage,
];
/** The deputy keeps the register but reads no personal data: delegation narrows a right. */
const deputyFunctions = [AccessFunction.BuildingRegisterMaintain, AccessFunction.BuildingRegisterConfirm];

/** A person's demo session outlives a working day so the printed tokens keep working between starts. */
const DEMO_SESSION_TTL_MS = 365 * 24 * 60 * 60 * 1000;
const TOKEN_LABEL = 'demo data (scripts/seed)';
const AGREEMENT_YEARS = 3;

const demoBins = Object.values(demoSubjects).map((s) => s.identificationNumber);
const demoIins = Object.values(demoPersons).map((p) => p.iin);
const demoEmails = [...Object.values(demoSubjects).map((s) => s.email), ...Object.values(demoPersons).map((p) => p.email)];

const textArray = (values: readonly string[]) => `{${values.join(',')}}`;

/** Ids of the demo subjects present in the database, by key. */
export async function findDemoSubjects(executor: Executor): Promise<Partial<Record<DemoSubjectKey, string>>> {
  const rows = await executor
    .select({ id: subjects.id, bin: subjects.identificationNumber })
    .from(subjects)
    .where(inArray(subjects.identificationNumber, demoBins));
  const keyByBin = new Map(Object.entries(demoSubjects).map(([key, subject]) => [subject.identificationNumber, key as DemoSubjectKey]));
  return Object.fromEntries(rows.map((row) => [keyByBin.get(row.bin), row.id]));
}

/** The administrator the demo placements are attributed to: the oldest one. */
export async function findAdministrator(executor: Executor): Promise<string | null> {
  const [row] = await executor
    .select({ id: persons.id })
    .from(persons)
    .where(eq(persons.isAdministrator, true))
    .orderBy(asc(persons.createdAt), asc(persons.id))
    .limit(1);
  return row?.id ?? null;
}

/**
 * Deletes the receipts (p.30) of placements of the demo rows `objectIds`, which confirm
 * data that no longer exists. Receipts of what demo users placed since (a building the
 * akimat registered) stay with the data they confirm.
 */
export async function deleteReceiptsOf(executor: Executor, objectIds: readonly string[]): Promise<void> {
  if (objectIds.length === 0) return;
  await executor.execute(sql`delete from platform.receipts where object_ids ?| ${textArray(objectIds)}::text[]`);
}

function addYears(date: Date, years: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear() + years, date.getUTCMonth(), date.getUTCDate()));
}

interface Seeded {
  tokens: DemoTokens;
  counts: Record<string, number>;
}

/**
 * Everything in one transaction, placed through the access subgraph's own mutations
 * (`mutateAs`: rule, re-check, manager, receipt), each write a savepoint of it: the demo
 * data appears all at once or not at all, and obeys the rules requests obey.
 */
async function seedAccess(tx: Transaction, referenceDate: Date): Promise<Seeded> {
  const tokens = new TokenRepository(tx);
  const demoTokens: DemoTokens = {};
  // The demo world is set up at the start of the reference day (never later than now, or
  // the grants would not be in effect yet): its records and periods are then the same on
  // every run of that day. The placements are received then too, receipts included.
  const setUpAt = new Date(Math.min(referenceDate.getTime(), Date.now()));
  const term = { validFrom: setUpAt, validUntil: addYears(setUpAt, AGREEMENT_YEARS) };

  // The administrator the placements are made as, with a token in force (the write path re-checks it).
  let administrator: { personId: string; tokenId: string; seedingOnly: boolean };
  const existing = await findAdministrator(tx);
  if (existing) {
    // Someone else's administrator: a token of the seeding's own, revoked when it is done.
    const issued = await tokens.issueSessionToken(existing, {
      label: 'demo seeding (scripts/seed), revoked when done',
      ttlMs: 60 * 60 * 1000,
    });
    administrator = { personId: existing, tokenId: issued.metadata.id, seedingOnly: true };
  } else {
    // Like the bootstrap administrator, the first administrator is placed by no one: no receipt.
    const admin = await new DirectoryManager(tx).registerPerson({ ...demoPersons.administrator, isAdministrator: true }, setUpAt);
    const issued = await tokens.issueSessionToken(admin.id, { label: TOKEN_LABEL, ttlMs: DEMO_SESSION_TTL_MS });
    demoTokens.administrator = {
      token: issued.token,
      who: `${admin.fullName}, staff of the Administrator: reviews integration applications, grants, suspends and revokes access`,
    };
    administrator = { personId: admin.id, tokenId: issued.metadata.id, seedingOnly: false };
  }
  const asAdmin: Caller = {
    kind: 'person',
    personId: administrator.personId,
    tokenId: administrator.tokenId,
    isAdministrator: true,
    grants: [],
  };
  /** A demo person as the gateway resolves them: their token and the grants in effect. */
  const asPerson = async (personId: string, tokenId: string): Promise<Caller> => ({
    kind: 'person',
    personId,
    tokenId,
    isAdministrator: false,
    grants: await loadEffectiveGrants(tx, { personId }),
  });
  const place = <T>(caller: Caller, field: string, args: Record<string, unknown>) =>
    mutateAs<T>(accessSubgraph, tx, caller, field, args, setUpAt);

  const year = setUpAt.getUTCFullYear();

  const subjectIds = {} as Record<DemoSubjectKey, string>;
  for (const [key, input] of Object.entries(demoSubjects) as Array<[DemoSubjectKey, (typeof demoSubjects)[DemoSubjectKey]]>) {
    const { subject } = await place<{ subject: SubjectRow }>(asAdmin, 'createSubject', { input });
    subjectIds[key] = subject.id;
  }
  const agreementFor = async (key: DemoSubjectKey, functions: string[], number: number) => {
    const input = { subjectId: subjectIds[key], functions, reference: `№ ${number}-ЦС/${year}`, ...term };
    const { agreement } = await place<{ agreement: AgreementRow }>(asAdmin, 'createAgreement', { input });
    return agreement;
  };
  /** A person with an active grant under the agreement and a session token. */
  const personWithGrant = async (key: keyof typeof demoPersons, agreementId: string, functions: string[]) => {
    const { person } = await place<{ person: PersonRow }>(asAdmin, 'createPerson', { input: demoPersons[key] });
    const { grant } = await place<{ grant: GrantRow }>(asAdmin, 'grantAccess', {
      input: { personId: person.id, agreementId, functions, comment: 'Demo data' },
    });
    await place(asAdmin, 'activateGrant', { grantId: grant.id });
    const issued = await tokens.issueSessionToken(person.id, { label: TOKEN_LABEL, ttlMs: DEMO_SESSION_TTL_MS });
    return { person, grant, token: issued.token, tokenId: issued.metadata.id };
  };

  const ministryAgreement = await agreementFor('ministry', [AccessFunction.AnalyticsRead], 1);
  const analyst = await personWithGrant('analyst', ministryAgreement.id, [AccessFunction.AnalyticsRead]);
  demoTokens.analyst = {
    token: analyst.token,
    who: `${analyst.person.fullName}, ministry analyst: reads the whole country (ANALYTICS_READ), changes nothing`,
  };

  const akimatAgreement = await agreementFor('akimat', akimatFunctions, 2);
  const akimat = await personWithGrant('akimat', akimatAgreement.id, akimatFunctions);
  demoTokens.akimat = {
    token: akimat.token,
    who: `${akimat.person.fullName}, Almaty akimat: keeps and confirms the building register of Almaty (750000000) only, reads personal data, appoints temporary managers`,
  };

  // The deputy's grant is delegated by the akimat person, not by the Administrator (p.20.4: it ends with its parent).
  const { person: deputy } = await place<{ person: PersonRow }>(asAdmin, 'createPerson', { input: demoPersons.akimatDeputy });
  const akimatPerson = await asPerson(akimat.person.id, akimat.tokenId);
  const { grant: delegated } = await place<{ grant: GrantRow }>(akimatPerson, 'grantAccess', {
    input: {
      personId: deputy.id,
      parentGrantId: akimat.grant.id,
      functions: deputyFunctions,
      comment: 'Заместитель: ведение и ежегодное подтверждение реестра МЖД',
    },
  });
  await place(akimatPerson, 'activateGrant', { grantId: delegated.id });
  const deputyToken = await tokens.issueSessionToken(deputy.id, { label: TOKEN_LABEL, ttlMs: DEMO_SESSION_TTL_MS });
  demoTokens.akimatDeputy = {
    token: deputyToken.token,
    who: `${deputy.fullName}, akimat deputy: the register of Almaty through a grant delegated by ${akimat.person.fullName}, no personal data`,
  };

  // Each supplier: an access agreement with the authorized body, then its billing system
  // integrated the regular way (application, approval, test) and given a machine token.
  const suppliers = [
    ['waterSupplier', 'supplierWater', 'Биллинговая система «Алматы Су»', 'water supply and sewerage'],
    ['powerSupplier', 'supplierPower', 'АСКУЭ и биллинг «АлматыЭнергоСбыт»', 'electricity'],
  ] as const;
  let agreementNumber = 3;
  for (const [key, role, systemName, services] of suppliers) {
    await agreementFor(key, supplierFunctions, agreementNumber++);
    const { application } = await place<{ application: ApplicationRow }>(asAdmin, 'submitApplication', {
      input: {
        subjectId: subjectIds[key],
        digitalObjectName: systemName,
        functions: supplierFunctions,
        contactEmail: demoSubjects[key].email,
      },
    });
    const { digitalObject } = await place<{ digitalObject: DigitalObjectRow }>(asAdmin, 'approveApplication', {
      applicationId: application.id,
      terms: { reference: `№ ${agreementNumber++}-ИНТ/${year}`, validUntil: term.validUntil },
    });
    await place(asAdmin, 'markDigitalObjectTested', { digitalObjectId: digitalObject.id });
    const issued = await tokens.issueApiToken(digitalObject.id, { label: TOKEN_LABEL });
    demoTokens[role] = {
      token: issued.token,
      who: `${systemName}, machine token of ${demoSubjects[key].name} (${services}): its own personal accounts, meters, readings, tariffs`,
    };
  }

  const osiAgreement = await agreementFor('osi', [AccessFunction.CondominiumManage], agreementNumber++);
  const chair = await personWithGrant('osiChair', osiAgreement.id, [AccessFunction.CondominiumManage]);
  demoTokens.osi = {
    token: chair.token,
    who: `${chair.person.fullName}, chair of ${demoSubjects.osi.name}: manages its Almaty buildings (CONDOMINIUM_MANAGE)`,
  };
  // Left under review, so the administrator has an application to decide.
  await place(await asPerson(chair.person.id, chair.tokenId), 'submitApplication', {
    input: {
      subjectId: subjectIds.osi,
      digitalObjectName: 'Мобильное приложение ОСИ «Береке-Алмалы»',
      functions: [AccessFunction.CondominiumManage],
      contactEmail: demoPersons.osiChair.email,
    },
  });
  // An owner as after their first EDS sign-in: a person with no grant, known by the IIN the register has for their apartment.
  // The demo has no certificate to sign in with, so its session is marked as that sign-in's
  // would be (EDS), which lets the demo owner vote electronically; only the seed does this.
  const { person: owner } = await place<{ person: PersonRow }>(asAdmin, 'createPerson', { input: demoPersons.owner });
  const ownerToken = await tokens.issueSessionToken(owner.id, { label: TOKEN_LABEL, ttlMs: DEMO_SESSION_TTL_MS, authentication: 'EDS' });
  demoTokens.owner = {
    token: ownerToken.token,
    who: `${owner.fullName}, owner of an apartment in a building of ${demoSubjects.osi.name}: their own premises, their building's house council`,
  };
  if (administrator.seedingOnly) await tokens.revoke(administrator.tokenId);

  const [counts] = await tx.execute<Record<string, number>>(sql`
    select (select count(*) from access.persons where iin = any(${textArray(demoIins)}::text[]))::int as "accessPersons",
           (select count(*) from access.agreements where subject_id = any(${textArray(Object.values(subjectIds))}::uuid[]))::int as "accessAgreements",
           (select count(*) from access.grants where subject_id = any(${textArray(Object.values(subjectIds))}::uuid[]))::int as "accessGrants",
           (select count(*) from access.applications where subject_id = any(${textArray(Object.values(subjectIds))}::uuid[]))::int as "applications"`);
  return {
    tokens: demoTokens,
    counts: { accessSubjects: Object.keys(subjectIds).length, ...counts, demoTokens: Object.keys(demoTokens).length },
  };
}

/** Deletes every demo row of the access schema and what hangs off it, in one transaction. */
async function resetAccess(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    const subjectIds = Object.values(await findDemoSubjects(tx));
    const personIds = (await tx.select({ id: persons.id }).from(persons).where(inArray(persons.iin, demoIins))).map((row) => row.id);
    const subjectList = textArray(subjectIds);
    const personList = textArray(personIds);
    const [ids] = await tx.execute<{
      objects: string[];
      grants: string[];
      agreements: string[];
      applications: string[];
      tokens: string[];
    }>(sql`
      with objects as (select id from access.digital_objects where subject_id = any(${subjectList}::uuid[])),
      grants as (
        with recursive tree(id) as (
          select id from access.grants
           where subject_id = any(${subjectList}::uuid[]) or person_id = any(${personList}::uuid[])
              or digital_object_id in (select id from objects)
          union
          select g.id from access.grants g join tree t on g.parent_grant_id = t.id)
        select id from tree)
      select array(select id::text from objects) as objects,
             array(select id::text from grants) as grants,
             array(select id::text from access.agreements where subject_id = any(${subjectList}::uuid[])) as agreements,
             array(select id::text from access.applications where subject_id = any(${subjectList}::uuid[])) as applications,
             array(select id::text from access.api_tokens
                    where person_id = any(${personList}::uuid[]) or digital_object_id in (select id from objects)) as tokens`);
    if (!ids) return;
    await deleteReceiptsOf(tx, [
      ...subjectIds,
      ...personIds,
      ...ids.objects,
      ...ids.grants,
      ...ids.agreements,
      ...ids.applications,
      ...ids.tokens,
    ]);
    await tx.execute(sql`delete from platform.outbox where recipient_email = any(${textArray(demoEmails)}::text[])`);
    await tx.execute(sql`delete from access.api_tokens where id = any(${textArray(ids.tokens)}::uuid[])`);
    if (ids.grants.length > 0) {
      // The history is append-only for real grants' audit trail; the demo's made-up grants
      // would otherwise stay forever. The trigger is off only inside this transaction.
      await tx.execute(sql`alter table access.grant_history disable trigger grant_history_append_only`);
      await tx.execute(sql`delete from access.grant_history where grant_id = any(${textArray(ids.grants)}::uuid[])`);
      await tx.execute(sql`alter table access.grant_history enable trigger grant_history_append_only`);
      await tx.execute(sql`delete from access.grants where id = any(${textArray(ids.grants)}::uuid[])`);
    }
    await tx.execute(sql`delete from access.digital_objects where id = any(${textArray(ids.objects)}::uuid[])`);
    await tx.execute(sql`delete from access.agreements where id = any(${textArray(ids.agreements)}::uuid[])`);
    await tx.execute(sql`delete from access.applications where id = any(${textArray(ids.applications)}::uuid[])`);
    await tx.execute(sql`delete from access.subjects where id = any(${subjectList}::uuid[])`);
    await tx.execute(sql`delete from access.persons where id = any(${personList}::uuid[])`);
  });
}

export interface AccessSeederOptions {
  /** Where the demo tokens are written; `defaultDemoTokensFile()` (`.data/demo-tokens.json`) when absent. */
  tokensFile?: string;
}

/**
 * The access seeder. It runs once per database: when the demo subjects exist already it
 * changes nothing, and leaves the tokens file alone (it may belong to that data).
 */
export function createAccessSeeder(options: AccessSeederOptions = {}): Seeder {
  return {
    name: 'access',
    seed: async ({ db, referenceDate, log }) => {
      if (Object.keys(await findDemoSubjects(db)).length > 0) {
        log('  demo subjects already present: access demo data kept as it is');
        return {};
      }
      // With BOOTSTRAP_ADMIN_TOKEN configured, its administrator comes before the demo's:
      // once any administrator exists the bootstrap does nothing. `prepareDatabase` has
      // usually done this already; it matters after `--reset` deleted the demo administrator.
      const bootstrapToken = env().BOOTSTRAP_ADMIN_TOKEN;
      if (bootstrapToken) await bootstrapAdministrator(db, bootstrapToken);
      const { tokens, counts } = await db.transaction((tx) => seedAccess(tx, referenceDate));
      await writeDemoTokens(tokens, options.tokensFile);
      return counts;
    },
    reset: async (db) => {
      await resetAccess(db);
      await deleteDemoTokens(options.tokensFile);
    },
  };
}

export const accessSeeder = createAccessSeeder();
