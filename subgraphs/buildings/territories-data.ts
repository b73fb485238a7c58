import { katoPrefix } from '../../lib/kato.js';
import type { territories } from '../../schema/buildings.js';

/** One row of `buildings.territories`. */
export type Territory = typeof territories.$inferSelect;

/*
 * The KATO tree of Kazakhstan (classifier of administrative-territorial objects, NK RK
 * 11), as far as the register needs it: the 17 regions and the 3 cities of republican
 * significance (since the 2022 reform that created Abai, Zhetysu and Ulytau), the city
 * districts of Astana, Almaty and Shymkent, and the cities of regional significance.
 *
 * A KATO code is 9 digits, AB CD EF HHH: AB the region or city of republican
 * significance, CD the district or city of regional significance inside it, EF the
 * rural district or city subdivision, HHH the settlement. So every code under a region
 * starts with its 2 digits, and every code under a district or city with its 4: that
 * prefix is `katoPrefix`, and a filter by territory is a prefix match.
 *
 * The codes are those of the classifier as published by the Bureau of National
 * Statistics (edition 11-2025). Note that districts of the three big cities carry "10" in
 * EF (Almaly is 751110000, not 751100000), as the classifier has them; cities of regional
 * significance likewise end in 10000 (Karaganda 351010000). The regional centres' codes
 * all follow the AB10 10000 pattern; the Baikonyr complex (431910000) is leased to Russia
 * and kept only so the tree is complete.
 */

interface CitySpec {
  code: string;
  /** Name without "қаласы" / "город". */
  kk: string;
  ru: string;
}

interface DistrictSpec {
  code: string;
  /** Full names, as the classifier writes them. */
  kk: string;
  ru: string;
}

interface TopLevelSpec {
  code: string;
  kk: string;
  ru: string;
  cities?: CitySpec[];
  districts?: DistrictSpec[];
}

const regions: TopLevelSpec[] = [
  {
    code: '100000000',
    kk: 'Абай облысы',
    ru: 'область Абай',
    cities: [
      { code: '101010000', kk: 'Семей', ru: 'Семей' },
      { code: '101810000', kk: 'Курчатов', ru: 'Курчатов' },
    ],
  },
  {
    code: '110000000',
    kk: 'Ақмола облысы',
    ru: 'Акмолинская область',
    cities: [
      { code: '111010000', kk: 'Көкшетау', ru: 'Кокшетау' },
      { code: '111610000', kk: 'Қосшы', ru: 'Косшы' },
      { code: '111810000', kk: 'Степногор', ru: 'Степногорск' },
    ],
  },
  {
    code: '150000000',
    kk: 'Ақтөбе облысы',
    ru: 'Актюбинская область',
    cities: [{ code: '151010000', kk: 'Ақтөбе', ru: 'Актобе' }],
  },
  {
    code: '190000000',
    kk: 'Алматы облысы',
    ru: 'Алматинская область',
    cities: [
      { code: '191010000', kk: 'Қонаев', ru: 'Конаев' },
      { code: '191810000', kk: 'Алатау', ru: 'Алатау' },
    ],
  },
  {
    code: '230000000',
    kk: 'Атырау облысы',
    ru: 'Атырауская область',
    cities: [{ code: '231010000', kk: 'Атырау', ru: 'Атырау' }],
  },
  {
    code: '270000000',
    kk: 'Батыс Қазақстан облысы',
    ru: 'Западно-Казахстанская область',
    cities: [{ code: '271010000', kk: 'Орал', ru: 'Уральск' }],
  },
  {
    code: '310000000',
    kk: 'Жамбыл облысы',
    ru: 'Жамбылская область',
    cities: [{ code: '311010000', kk: 'Тараз', ru: 'Тараз' }],
  },
  {
    code: '330000000',
    kk: 'Жетісу облысы',
    ru: 'область Жетісу',
    cities: [
      { code: '331010000', kk: 'Талдықорған', ru: 'Талдыкорган' },
      { code: '331810000', kk: 'Текелі', ru: 'Текели' },
    ],
  },
  {
    code: '350000000',
    kk: 'Қарағанды облысы',
    ru: 'Карагандинская область',
    cities: [
      { code: '351010000', kk: 'Қарағанды', ru: 'Караганда' },
      { code: '351610000', kk: 'Балқаш', ru: 'Балхаш' },
      { code: '352110000', kk: 'Приозерск', ru: 'Приозерск' },
      { code: '352210000', kk: 'Саран', ru: 'Сарань' },
      { code: '352410000', kk: 'Теміртау', ru: 'Темиртау' },
      { code: '352810000', kk: 'Шахтинск', ru: 'Шахтинск' },
    ],
  },
  {
    code: '390000000',
    kk: 'Қостанай облысы',
    ru: 'Костанайская область',
    cities: [
      { code: '391010000', kk: 'Қостанай', ru: 'Костанай' },
      { code: '391610000', kk: 'Арқалық', ru: 'Аркалык' },
      { code: '392010000', kk: 'Лисаков', ru: 'Лисаковск' },
      { code: '392410000', kk: 'Рудный', ru: 'Рудный' },
    ],
  },
  {
    code: '430000000',
    kk: 'Қызылорда облысы',
    ru: 'Кызылординская область',
    cities: [
      { code: '431010000', kk: 'Қызылорда', ru: 'Кызылорда' },
      { code: '431910000', kk: 'Байқоңыр', ru: 'Байконыр' },
    ],
  },
  {
    code: '470000000',
    kk: 'Маңғыстау облысы',
    ru: 'Мангистауская область',
    cities: [
      { code: '471010000', kk: 'Ақтау', ru: 'Актау' },
      { code: '471810000', kk: 'Жаңаөзен', ru: 'Жанаозен' },
    ],
  },
  {
    code: '550000000',
    kk: 'Павлодар облысы',
    ru: 'Павлодарская область',
    cities: [
      { code: '551010000', kk: 'Павлодар', ru: 'Павлодар' },
      { code: '551610000', kk: 'Ақсу', ru: 'Аксу' },
      { code: '552210000', kk: 'Екібастұз', ru: 'Экибастуз' },
    ],
  },
  {
    code: '590000000',
    kk: 'Солтүстік Қазақстан облысы',
    ru: 'Северо-Казахстанская область',
    cities: [{ code: '591010000', kk: 'Петропавл', ru: 'Петропавловск' }],
  },
  {
    code: '610000000',
    kk: 'Түркістан облысы',
    ru: 'Туркестанская область',
    cities: [
      { code: '611010000', kk: 'Түркістан', ru: 'Туркестан' },
      { code: '611610000', kk: 'Арыс', ru: 'Арысь' },
      { code: '612010000', kk: 'Кентау', ru: 'Кентау' },
    ],
  },
  {
    code: '620000000',
    kk: 'Ұлытау облысы',
    ru: 'область Ұлытау',
    cities: [
      { code: '621010000', kk: 'Жезқазған', ru: 'Жезказган' },
      { code: '621810000', kk: 'Қаражал', ru: 'Каражал' },
      { code: '622010000', kk: 'Сәтбаев', ru: 'Сатпаев' },
    ],
  },
  {
    code: '630000000',
    kk: 'Шығыс Қазақстан облысы',
    ru: 'Восточно-Казахстанская область',
    cities: [
      { code: '631010000', kk: 'Өскемен', ru: 'Усть-Каменогорск' },
      { code: '632410000', kk: 'Риддер', ru: 'Риддер' },
    ],
  },
];

const citiesOfRepublicanSignificance: TopLevelSpec[] = [
  {
    code: '710000000',
    kk: 'Астана қаласы',
    ru: 'город Астана',
    districts: [
      { code: '711110000', kk: 'Алматы ауданы', ru: 'район Алматы' },
      { code: '711210000', kk: 'Есіл ауданы', ru: 'район Есиль' },
      { code: '711310000', kk: 'Сарыарқа ауданы', ru: 'район Сарыарка' },
      { code: '711410000', kk: 'Байқоңыр ауданы', ru: 'район Байконур' },
      { code: '711510000', kk: 'Нұра ауданы', ru: 'район Нура' },
      // Formed in 2024 from parts of Yesil and Nura.
      { code: '711610000', kk: 'Сарайшық ауданы', ru: 'район Сарайшык' },
    ],
  },
  {
    code: '750000000',
    kk: 'Алматы қаласы',
    ru: 'город Алматы',
    districts: [
      { code: '751110000', kk: 'Алмалы ауданы', ru: 'Алмалинский район' },
      { code: '751210000', kk: 'Алатау ауданы', ru: 'Алатауский район' },
      { code: '751310000', kk: 'Әуезов ауданы', ru: 'Ауэзовский район' },
      { code: '751410000', kk: 'Бостандық ауданы', ru: 'Бостандыкский район' },
      { code: '751510000', kk: 'Жетісу ауданы', ru: 'Жетысуский район' },
      { code: '751710000', kk: 'Медеу ауданы', ru: 'Медеуский район' },
      { code: '751810000', kk: 'Наурызбай ауданы', ru: 'Наурызбайский район' },
      { code: '751910000', kk: 'Түрксіб ауданы', ru: 'Турксибский район' },
    ],
  },
  {
    code: '790000000',
    kk: 'Шымкент қаласы',
    ru: 'город Шымкент',
    districts: [
      { code: '791110000', kk: 'Абай ауданы', ru: 'Абайский район' },
      { code: '791310000', kk: 'Әл-Фараби ауданы', ru: 'Аль-Фарабийский район' },
      { code: '791510000', kk: 'Еңбекші ауданы', ru: 'Енбекшинский район' },
      { code: '791710000', kk: 'Қаратау ауданы', ru: 'Каратауский район' },
      { code: '791910000', kk: 'Тұран ауданы', ru: 'район Туран' },
    ],
  },
];

function buildTerritories(): Territory[] {
  const rows: Territory[] = [];
  const top = (spec: TopLevelSpec, kind: Territory['kind']): void => {
    rows.push({
      katoCode: spec.code,
      parentKatoCode: null,
      kind,
      level: 1,
      nameKk: spec.kk,
      nameRu: spec.ru,
      katoPrefix: katoPrefix(spec.code),
    });
    for (const city of spec.cities ?? []) {
      rows.push({
        katoCode: city.code,
        parentKatoCode: spec.code,
        kind: 'CITY',
        level: 2,
        nameKk: `${city.kk} қаласы`,
        nameRu: `город ${city.ru}`,
        katoPrefix: katoPrefix(city.code),
      });
    }
    for (const district of spec.districts ?? []) {
      rows.push({
        katoCode: district.code,
        parentKatoCode: spec.code,
        kind: 'DISTRICT',
        level: 2,
        nameKk: district.kk,
        nameRu: district.ru,
        katoPrefix: katoPrefix(district.code),
      });
    }
  };
  for (const region of regions) top(region, 'REGION');
  for (const city of citiesOfRepublicanSignificance) top(city, 'CITY_OF_REPUBLICAN_SIGNIFICANCE');
  return rows;
}

/** Every territory, parents before their children. */
export const territoriesData: readonly Territory[] = Object.freeze(buildTerritories());

/** KATO codes of the three cities of republican significance. */
export const ASTANA_KATO = '710000000';
export const ALMATY_KATO = '750000000';
export const SHYMKENT_KATO = '790000000';
