import { sql } from 'drizzle-orm';
import type { Transaction } from '../../lib/db.js';
import { issueReceipt } from '../../lib/receipts.js';
import type { UtilityService } from '../../schema/utilities.js';
import { ConsumerRequestManager } from '../../subgraphs/utilities/consumer-request-manager.js';
import { NetworkManager } from '../../subgraphs/utilities/network-manager.js';
import { OutageManager } from '../../subgraphs/utilities/outage-manager.js';
import { PersonalAccountManager } from '../../subgraphs/utilities/personal-account-manager.js';
import { SupplierManager } from '../../subgraphs/utilities/supplier-manager.js';
import { type SupplierPassportInput, SupplierPassportManager } from '../../subgraphs/utilities/supplier-passport.js';
import type { SupplierRow } from '../../subgraphs/utilities/supplier-repository.js';
import { demoPersons, demoSubjects } from './access-seeder.js';

/*
 * The register part of the utilities demo (categories 9, 10, 15 and p.29): a supplier of
 * every service with its passport, two engineering networks, a planned outage and the demo
 * owner's request about their water account. Written through the subgraph's managers, as the
 * API would, each placement with its receipt. Deterministic: every date derives from the
 * reference date.
 */

/** Suppliers registered here (the water and power suppliers are registered by utilities-seeder.ts). */
export const registerDemoSuppliers = [
  { key: 'heatSupplier', services: ['HEAT'], naturalMonopoly: true, activity: 'Передача и распределение тепловой энергии' },
  { key: 'gasSupplier', services: ['GAS'], naturalMonopoly: true, activity: 'Транспортировка товарного газа по распределительным сетям' },
  { key: 'wasteRemover', services: ['WASTE_REMOVAL'], naturalMonopoly: false, activity: 'Сбор и вывоз твёрдых бытовых отходов' },
  { key: 'liftService', services: ['LIFT_MAINTENANCE'], naturalMonopoly: false, activity: 'Техническое обслуживание лифтов' },
] as const satisfies ReadonlyArray<{
  key: keyof typeof demoSubjects;
  services: UtilityService[];
  naturalMonopoly: boolean;
  activity: string;
}>;

export type RegisterDemoSupplierKey = (typeof registerDemoSuppliers)[number]['key'];

const DAY_MS = 24 * 60 * 60 * 1000;
/** Almaty's KATO code: every demo supplier serves the city. */
const ALMATY = '750000000';
/** Valid IBANs (check digits computed) of the demo suppliers' settlement accounts, by position. */
const demoIbans = ['KZ64722S000001234567', 'KZ86125KZT5004100100'];

function passportOf(
  subject: { name: string; email: string },
  services: UtilityService[],
  naturalMonopoly: boolean,
  activity: string,
  buildingIds: string[],
  index: number,
): SupplierPassportInput {
  return {
    services,
    naturalMonopoly,
    territoryKatos: [ALMATY],
    buildingIds,
    licences: [
      { number: `0${1200 + index}П`, activity, issuedBy: 'Комитет по регулированию естественных монополий МНЭ РК', issuedOn: '2015-06-01' },
    ],
    contacts: {
      legalAddress: 'г. Алматы',
      phone: `+7 727 300 0${index} 0${index}`,
      email: subject.email,
      website: `https://${subject.email.split('@')[1]}`,
    },
    bankDetails: {
      bankName: 'АО «Народный Банк Казахстана»',
      bic: 'HSBKKZKX',
      iban: demoIbans[index % demoIbans.length]!,
      beneficiaryCode: '17',
    },
  };
}

interface RegisterDemoContext {
  referenceDate: Date;
  administrator: string;
  /** Who places a supplier's data: its billing system when it has one, else the Administrator. */
  placedBy: (supplier: SupplierRow) => string;
  water: SupplierRow;
  power: SupplierRow;
  subjectIds: Partial<Record<RegisterDemoSupplierKey, string>>;
}

export interface RegisterDemoCounts {
  suppliers: number;
  passports: number;
  engineeringNetworks: number;
  outages: number;
  consumerRequests: number;
}

export async function seedRegisterDemo(tx: Transaction, context: RegisterDemoContext): Promise<RegisterDemoCounts> {
  const { referenceDate, administrator } = context;
  const receipt = (operation: string, placedBy: string, objectIds: string[]) =>
    issueReceipt(tx, { operation: `utilities.${operation}`, placedBy, receivedAt: referenceDate, objectIds });
  const counts: RegisterDemoCounts = { suppliers: 0, passports: 0, engineeringNetworks: 0, outages: 0, consumerRequests: 0 };
  const served = await tx.execute<{ building_id: string }>(sql`
    select distinct building_id from utilities.personal_accounts where supplier_id = ${context.water.id}::uuid order by building_id`);
  const buildingIds = served.map((row) => row.building_id);

  const passports = new SupplierPassportManager(tx);
  const keep = async (supplier: SupplierRow, passport: SupplierPassportInput) => {
    await passports.update(supplier.id, passport, null, { actor: context.placedBy(supplier), now: referenceDate });
    await receipt('updateSupplierPassport', context.placedBy(supplier), [supplier.id]);
    counts.passports += 1;
  };
  await keep(
    context.water,
    passportOf(demoSubjects.waterSupplier, context.water.services, true, 'Водоснабжение и водоотведение', buildingIds, 0),
  );
  await keep(context.power, passportOf(demoSubjects.powerSupplier, context.power.services, false, 'Энергоснабжение', buildingIds, 1));

  const registered: Partial<Record<RegisterDemoSupplierKey, SupplierRow>> = {};
  for (const [index, plan] of registerDemoSuppliers.entries()) {
    const subjectId = context.subjectIds[plan.key];
    if (!subjectId) continue;
    const subject = demoSubjects[plan.key];
    const supplier = await new SupplierManager(tx).register({
      subjectId,
      name: subject.name,
      bin: subject.identificationNumber,
      services: [...plan.services],
    });
    await receipt('registerSupplier', administrator, [supplier.id]);
    counts.suppliers += 1;
    registered[plan.key] = supplier;
    await keep(supplier, passportOf(subject, [...plan.services], plan.naturalMonopoly, plan.activity, buildingIds, index + 2));
  }

  const year = referenceDate.getUTCFullYear();
  const firstBuildings = buildingIds.slice(0, 20);
  const [first] = await tx.execute<{ kato: string }>(sql`
    select left(kato_code, 9) as kato from buildings.published_buildings where id = ${firstBuildings[0] ?? null}::uuid`);
  const territoryKato = first?.kato ?? ALMATY;
  const networks = new NetworkManager(tx);
  const networkPlans = [
    [
      registered.heatSupplier,
      { kind: 'HEAT', name: 'Тепломагистраль ТЭЦ-2 — Алмалинский район', lengthKm: '14.200', yearCommissioned: 1979, wearPercent: '67.50' },
    ],
    [
      context.water,
      { kind: 'WATER', name: 'Водопроводная сеть Алмалинского района', lengthKm: '86.750', yearCommissioned: 1968, wearPercent: '58.00' },
    ],
  ] as const;
  for (const [owner, figures] of networkPlans) {
    if (!owner) continue;
    const network = await networks.place(
      owner.id,
      { ...figures, territoryKato, lastRepairOn: `${year - 2}-08-15`, buildingIds: firstBuildings },
      referenceDate,
    );
    await receipt('placeEngineeringNetwork', context.placedBy(owner), [network.id]);
    counts.engineeringNetworks += 1;
  }

  if (firstBuildings.length > 0) {
    const startsAt = new Date(referenceDate.getTime() + 3 * DAY_MS);
    startsAt.setUTCHours(4, 0, 0, 0); // 09:00 in Almaty
    const outage = await new OutageManager(tx).publish(context.water.id, {
      service: 'WATER_SUPPLY',
      kind: 'PLANNED',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 9 * 60 * 60 * 1000),
      message: 'Плановое отключение холодной воды с 09:00 до 18:00: замена задвижки на вводе. Приносим извинения.',
      buildingIds: firstBuildings.slice(0, 5),
    });
    await receipt('publishOutage', context.placedBy(context.water), [outage.id]);
    counts.outages += 1;
  }

  const request = await ownersRequest(tx, context);
  if (request) {
    await receipt('submitConsumerRequest', `person:${request.personId}`, [request.id]);
    counts.consumerRequests += 1;
  }
  return counts;
}

/**
 * The demo owner's recalculation request about the water account of their apartment (opened
 * for them when the water supplier keeps none there); null without the demo owner.
 */
async function ownersRequest(tx: Transaction, context: RegisterDemoContext): Promise<{ id: string; personId: string } | null> {
  const [home] = await tx.execute<{ person_id: string; building_id: string; number: string }>(sql`
    select person.id as person_id, owner.building_id, premise.number
      from access.published_persons person
      join buildings.published_premise_owners owner on owner.identification_number = person.iin
      join buildings.published_premises premise on premise.id = owner.premise_id
     where person.iin = ${demoPersons.owner.iin}
     order by owner.building_id, premise.number
     limit 1`);
  if (!home) return null;
  const [existing] = await tx.execute<{ account_number: string }>(sql`
    select account_number from utilities.personal_accounts
     where supplier_id = ${context.water.id}::uuid and building_id = ${home.building_id}::uuid and premise_number = ${home.number}
       and service = 'WATER_SUPPLY'
     order by account_number limit 1`);
  let accountNumber = existing?.account_number;
  if (!accountNumber) {
    accountNumber = '719999999';
    const accounts = new PersonalAccountManager(tx);
    const [checked] = await accounts.check(
      context.water.id,
      [
        {
          buildingId: home.building_id,
          premiseNumber: home.number,
          accountNumber,
          holderName: demoPersons.owner.fullName,
          holderIin: demoPersons.owner.iin,
          service: 'WATER_SUPPLY',
          openedAt: `${context.referenceDate.getUTCFullYear() - 3}-03-01`,
        },
      ],
      context.referenceDate,
    );
    if (!checked || !('value' in checked)) throw new Error('The demo owner’s water account is invalid.');
    const [written] = await accounts.write(context.water.id, [checked.value], context.placedBy(context.water));
    await issueReceipt(tx, {
      operation: 'utilities.upsertPersonalAccounts',
      placedBy: context.placedBy(context.water),
      receivedAt: context.referenceDate,
      objectIds: written ? [written.id] : [],
    });
  }
  const id = await new ConsumerRequestManager(tx).submit(
    home.person_id,
    {
      supplierId: context.water.id,
      accountNumber,
      kind: 'RECALCULATION_REQUEST',
      text: 'В прошлом месяце три дня не было холодной воды (авария на вводе). Прошу сделать перерасчёт.',
    },
    context.referenceDate,
  );
  return { id, personId: home.person_id };
}
