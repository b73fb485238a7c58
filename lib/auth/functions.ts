import { accessFunctionCodes, subjectKindCodes } from '../../schema/access.js';

/**
 * The functions directory of the CS (p.14, p.19): what an access right may allow.
 * An access agreement and each grant choose several of these.
 */
export const AccessFunction = {
  /** Register, update and retire building records (category 1). */
  BuildingRegisterMaintain: 'BUILDING_REGISTER_MAINTAIN',
  /** The yearly confirmation of building records by the local executive body (p.13). */
  BuildingRegisterConfirm: 'BUILDING_REGISTER_CONFIRM',
  /** Premises and their owners (category 1, 2). */
  PremisesMaintain: 'PREMISES_MAINTAIN',
  /** Read owners' and consumers' personal data (IIN, names, phones). */
  PersonalDataRead: 'PERSONAL_DATA_READ',
  /** Condominium forms, reports, meetings, requests (categories 2–8). */
  CondominiumManage: 'CONDOMINIUM_MANAGE',
  /** Supplier passport and register (categories 9, 10). */
  SupplierRegisterMaintain: 'SUPPLIER_REGISTER_MAINTAIN',
  /** Consumers' personal accounts (category 11). */
  PersonalAccountsMaintain: 'PERSONAL_ACCOUNTS_MAINTAIN',
  /** Common-house and individual meters (category 12). */
  MetersMaintain: 'METERS_MAINTAIN',
  /** Meter readings (category 13). */
  ReadingsSubmit: 'READINGS_SUBMIT',
  /** Tariffs, billing and payments (category 14). */
  TariffsMaintain: 'TARIFFS_MAINTAIN',
  /** Utility engineering networks (category 15). */
  EngineeringNetworksMaintain: 'ENGINEERING_NETWORKS_MAINTAIN',
  /** Read-only analytics across regions (ministry frontends). */
  AnalyticsRead: 'ANALYTICS_READ',
} as const satisfies Record<string, (typeof accessFunctionCodes)[number]>;
export type AccessFunction = (typeof accessFunctionCodes)[number];
/** Every function of the directory, in the database's order. */
export const accessFunctions: readonly AccessFunction[] = accessFunctionCodes;

/** Subject kinds of p.2.4 and p.19. */
export const SubjectKind = {
  AuthorizedBody: 'AUTHORIZED_BODY',
  Administrator: 'ADMINISTRATOR',
  CentralStateBody: 'CENTRAL_STATE_BODY',
  LocalExecutiveBody: 'LOCAL_EXECUTIVE_BODY',
  NaturalMonopoly: 'NATURAL_MONOPOLY',
  UtilitySupplier: 'UTILITY_SUPPLIER',
  Osi: 'OSI',
  ManagementCompany: 'MANAGEMENT_COMPANY',
  PremisesOwner: 'PREMISES_OWNER',
  HouseCouncil: 'HOUSE_COUNCIL',
  Other: 'OTHER',
} as const satisfies Record<string, (typeof subjectKindCodes)[number]>;
export type SubjectKind = (typeof subjectKindCodes)[number];
export const subjectKinds: readonly SubjectKind[] = subjectKindCodes;

// Every code of the database's directories has a name here, and no name lacks a code.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _everyFunctionNamed: Exactly<(typeof AccessFunction)[keyof typeof AccessFunction], AccessFunction> = true;
const _everyKindNamed: Exactly<(typeof SubjectKind)[keyof typeof SubjectKind], SubjectKind> = true;
void _everyFunctionNamed;
void _everyKindNamed;
