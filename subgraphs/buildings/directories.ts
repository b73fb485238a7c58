import {
  balanceOwnership,
  buildingCondition,
  buildingPurpose,
  fundCategory,
  gasSupplyKind,
  heatingSupplyKind,
  ownerKind,
  premiseKind,
  registerStatus,
  sewerageKind,
  supplySystemType,
  territoryKind,
  waterSupplyKind,
} from '../../schema/buildings.js';

/**
 * The directories of the building record with their Kazakh and Russian labels. The
 * annex (seed 004) gives the Kazakh wording; the Russian follows the Russian edition of
 * the Rules. Codes come from the database enums, so a value without labels does not compile.
 */

interface Labels {
  kk: string;
  ru: string;
}

interface DirectorySource<TCode extends string> {
  /** The GraphQL enum with these values. */
  name: string;
  annexFields: number[];
  title: Labels;
  codes: readonly TCode[];
  labels: Record<TCode, Labels>;
}

export interface Directory {
  name: string;
  annexFields: number[];
  titleKk: string;
  titleRu: string;
  values: { code: string; labelKk: string; labelRu: string }[];
}

function directory<TCode extends string>(source: DirectorySource<TCode>): Directory {
  return {
    name: source.name,
    annexFields: source.annexFields,
    titleKk: source.title.kk,
    titleRu: source.title.ru,
    values: source.codes.map((code) => ({ code, labelKk: source.labels[code].kk, labelRu: source.labels[code].ru })),
  };
}

const supplySystemLabels = {
  CENTRAL: { kk: 'Орталық', ru: 'Центральное' },
  AUTONOMOUS: { kk: 'Автономды', ru: 'Автономное' },
  INDIVIDUAL_INSTALLATIONS: { kk: 'Жеке қондырғылар', ru: 'Индивидуальные установки' },
  NONE: { kk: 'Жоқ', ru: 'Отсутствует' },
};

export const directories: Directory[] = [
  directory({
    name: 'BuildingPurpose',
    annexFields: [4],
    title: { kk: 'Нысаналы мақсат', ru: 'Целевое назначение' },
    codes: buildingPurpose.enumValues,
    labels: {
      MULTI_APARTMENT_BUILDING_OPERATION: {
        kk: 'Көппәтерлі тұрғын үйді салу және пайдалану үшін',
        ru: 'Для строительства и эксплуатации многоквартирного жилого дома',
      },
    },
  }),
  directory({
    name: 'FundCategory',
    annexFields: [5],
    title: { kk: 'Қор санаттары', ru: 'Категории фонда' },
    codes: fundCategory.enumValues,
    labels: {
      RESIDENTIAL: { kk: 'Тұрғын үй', ru: 'Жилой' },
      NON_RESIDENTIAL: { kk: 'Тұрғын емес', ru: 'Нежилой' },
    },
  }),
  directory({
    name: 'BalanceOwnership',
    annexFields: [8],
    title: { kk: 'Баланстық тиістілік', ru: 'Балансовая принадлежность' },
    codes: balanceOwnership.enumValues,
    labels: {
      PRIVATE_CONDOMINIUM_COMMON_PROPERTY: {
        kk: 'Жеке (кондоминиум объектісінің ортақ мүлкі болған кезде)',
        ru: 'Частная (при наличии общего имущества объекта кондоминиума)',
      },
      PRIVATE_SINGLE_OWNER: {
        kk: 'Жеке (барлық пәтерлер, тұрғын емес үй-жайлар жалғыз меншік иесіне тиесілі)',
        ru: 'Частная (все квартиры, нежилые помещения принадлежат одному собственнику)',
      },
      STATE_ENTERPRISE: { kk: 'Мемлекеттік (мемлекеттік кәсіпорындар)', ru: 'Государственная (государственные предприятия)' },
      STATE_INSTITUTION: { kk: 'Мемлекеттік (мемлекеттік мекемелер)', ru: 'Государственная (государственные учреждения)' },
    },
  }),
  directory({
    name: 'SupplySystemType',
    annexFields: [17, 21],
    title: { kk: 'Жылумен жабдықтау типі; ыстық сумен жабдықтау түрі', ru: 'Тип теплоснабжения; тип горячего водоснабжения' },
    codes: supplySystemType.enumValues,
    labels: supplySystemLabels,
  }),
  directory({
    name: 'HeatingSupplyKind',
    annexFields: [18],
    title: { kk: 'Жылумен жабдықтау түрі', ru: 'Вид теплоснабжения' },
    codes: heatingSupplyKind.enumValues,
    labels: {
      OPEN: { kk: 'Ашық', ru: 'Открытая' },
      CLOSED: { kk: 'Жабық', ru: 'Закрытая' },
    },
  }),
  directory({
    name: 'GasSupplyKind',
    annexFields: [19],
    title: { kk: 'Газбен жабдықтау түрі', ru: 'Вид газоснабжения' },
    codes: gasSupplyKind.enumValues,
    labels: {
      NETWORK_NATURAL: { kk: 'Желілік (табиғи)', ru: 'Сетевой (природный)' },
      LIQUEFIED_GAS_HOLDER_TANKS: { kk: 'Сұйытылған (газгольдер-резервуарлар)', ru: 'Сжиженный (газгольдеры-резервуары)' },
      LIQUEFIED_CYLINDERS: { kk: 'Сұйытылған (баллондар)', ru: 'Сжиженный (баллоны)' },
      NONE: { kk: 'Жоқ', ru: 'Отсутствует' },
    },
  }),
  directory({
    name: 'WaterSupplyKind',
    annexFields: [22],
    title: { kk: 'Сумен жабдықтау түрі', ru: 'Вид водоснабжения' },
    codes: waterSupplyKind.enumValues,
    labels: {
      CENTRALIZED: { kk: 'Орталықтандырылған (желі немесе баған)', ru: 'Централизованное (сеть или колонка)' },
      DECENTRALIZED: { kk: 'Орталықтандырылмаған (ұңғымалар, құдықтар)', ru: 'Децентрализованное (скважины, колодцы)' },
    },
  }),
  directory({
    name: 'SewerageKind',
    annexFields: [24],
    title: { kk: 'Су бұру түрі', ru: 'Вид водоотведения' },
    codes: sewerageKind.enumValues,
    labels: {
      CENTRALIZED: { kk: 'Орталықтандырылған', ru: 'Централизованное' },
      SEPTIC: { kk: 'Септик (шұңқыр)', ru: 'Септик (выгреб)' },
      OUTDOOR_TOILET: { kk: 'Сыртқы дәретхана', ru: 'Уличный туалет' },
    },
  }),
  directory({
    name: 'BuildingCondition',
    annexFields: [27],
    title: { kk: 'Үйдегі жағдай', ru: 'Состояние дома' },
    codes: buildingCondition.enumValues,
    labels: {
      OPERATING: { kk: 'Жұмыс істейді', ru: 'Действующий' },
      OPERATING_NEEDS_CAPITAL_REPAIR: {
        kk: 'Жұмыс істейді (күрделі жөндеуді қажет етеді)',
        ru: 'Действующий (требует капитального ремонта)',
      },
      OPERATING_IN_MODERNIZATION_PROGRAMME: {
        kk: 'Жұмыс істейді (жаңарту бағдарламасына енгізілген)',
        ru: 'Действующий (включён в программу модернизации)',
      },
      NOT_OPERATING: {
        kk: 'Жұмыс істемейді (иесіз, бос, инфрақұрылымнан ажыратылған)',
        ru: 'Недействующий (бесхозяйный, пустующий, отключённый от инфраструктуры)',
      },
      EMERGENCY: { kk: 'Апатты деп танылды', ru: 'Признан аварийным' },
    },
  }),
  directory({
    name: 'RegisterStatus',
    annexFields: [],
    title: { kk: 'Тізілімдегі мәртебесі', ru: 'Статус в реестре' },
    codes: registerStatus.enumValues,
    labels: {
      REGISTERED: { kk: 'Тізілімде тұр', ru: 'Состоит в реестре' },
      RETIRED: { kk: 'Тізілімнен шығарылды', ru: 'Выбыл из реестра' },
    },
  }),
  directory({
    name: 'PremiseKind',
    annexFields: [],
    title: { kk: 'Үй-жай түрі', ru: 'Вид помещения' },
    codes: premiseKind.enumValues,
    labels: {
      APARTMENT: { kk: 'Пәтер', ru: 'Квартира' },
      NON_RESIDENTIAL: { kk: 'Тұрғын емес үй-жай', ru: 'Нежилое помещение' },
      PARKING_PLACE: { kk: 'Тұрақ орны', ru: 'Машино-место' },
      STORAGE_ROOM: { kk: 'Қойма', ru: 'Кладовое помещение' },
    },
  }),
  directory({
    name: 'OwnerKind',
    annexFields: [],
    title: { kk: 'Меншік иесінің түрі', ru: 'Вид собственника' },
    codes: ownerKind.enumValues,
    labels: {
      PERSON: { kk: 'Жеке тұлға', ru: 'Физическое лицо' },
      ORGANISATION: { kk: 'Заңды тұлға', ru: 'Юридическое лицо' },
    },
  }),
  directory({
    name: 'TerritoryKind',
    annexFields: [],
    title: { kk: 'Әкімшілік-аумақтық бірлік түрі', ru: 'Вид административно-территориальной единицы' },
    // The country is no KATO territory (the database never stores it), but Query.country answers with it.
    codes: ['COUNTRY', ...territoryKind.enumValues],
    labels: {
      COUNTRY: { kk: 'Ел (Қазақстан Республикасы)', ru: 'Страна (Республика Казахстан)' },
      REGION: { kk: 'Облыс', ru: 'Область' },
      CITY_OF_REPUBLICAN_SIGNIFICANCE: { kk: 'Республикалық маңызы бар қала', ru: 'Город республиканского значения' },
      DISTRICT: { kk: 'Аудан', ru: 'Район' },
      CITY: { kk: 'Қала', ru: 'Город' },
      RURAL_DISTRICT: { kk: 'Ауылдық округ', ru: 'Сельский округ' },
      SETTLEMENT: { kk: 'Елді мекен', ru: 'Населённый пункт' },
    },
  }),
];
