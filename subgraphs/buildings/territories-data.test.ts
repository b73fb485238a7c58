import { describe, expect, it } from 'vitest';
import { ALMATY_KATO, ASTANA_KATO, SHYMKENT_KATO, territoriesData } from './territories-data.js';

const byCode = new Map(territoriesData.map((territory) => [territory.katoCode, territory]));

describe('KATO territories', () => {
  it('has the 17 regions and the 3 cities of republican significance of the 2022 division', () => {
    const regions = territoriesData.filter((t) => t.kind === 'REGION').map((t) => [t.katoCode, t.nameRu]);
    expect(regions).toEqual([
      ['100000000', 'область Абай'],
      ['110000000', 'Акмолинская область'],
      ['150000000', 'Актюбинская область'],
      ['190000000', 'Алматинская область'],
      ['230000000', 'Атырауская область'],
      ['270000000', 'Западно-Казахстанская область'],
      ['310000000', 'Жамбылская область'],
      ['330000000', 'область Жетісу'],
      ['350000000', 'Карагандинская область'],
      ['390000000', 'Костанайская область'],
      ['430000000', 'Кызылординская область'],
      ['470000000', 'Мангистауская область'],
      ['550000000', 'Павлодарская область'],
      ['590000000', 'Северо-Казахстанская область'],
      ['610000000', 'Туркестанская область'],
      ['620000000', 'область Ұлытау'],
      ['630000000', 'Восточно-Казахстанская область'],
    ]);
    const cities = territoriesData.filter((t) => t.kind === 'CITY_OF_REPUBLICAN_SIGNIFICANCE').map((t) => [t.katoCode, t.nameKk]);
    expect(cities).toEqual([
      [ASTANA_KATO, 'Астана қаласы'],
      [ALMATY_KATO, 'Алматы қаласы'],
      [SHYMKENT_KATO, 'Шымкент қаласы'],
    ]);
  });

  it('has the districts of Almaty, Astana and Shymkent', () => {
    const districtsOf = (code: string) =>
      territoriesData.filter((t) => t.parentKatoCode === code && t.kind === 'DISTRICT').map((t) => t.nameRu);
    expect(districtsOf(ALMATY_KATO)).toEqual([
      'Алмалинский район',
      'Алатауский район',
      'Ауэзовский район',
      'Бостандыкский район',
      'Жетысуский район',
      'Медеуский район',
      'Наурызбайский район',
      'Турксибский район',
    ]);
    expect(districtsOf(ASTANA_KATO)).toEqual([
      'район Алматы',
      'район Есиль',
      'район Сарыарка',
      'район Байконур',
      'район Нура',
      'район Сарайшык',
    ]);
    expect(districtsOf(SHYMKENT_KATO)).toEqual([
      'Абайский район',
      'Аль-Фарабийский район',
      'Енбекшинский район',
      'Каратауский район',
      'район Туран',
    ]);
    expect(byCode.get('751110000')?.nameKk).toBe('Алмалы ауданы');
  });

  it('gives every region at least its administrative centre as a city', () => {
    for (const region of territoriesData.filter((t) => t.kind === 'REGION')) {
      const centre = byCode.get(`${region.katoPrefix}1010000`);
      expect(centre, region.nameRu).toMatchObject({ kind: 'CITY', parentKatoCode: region.katoCode, level: 2 });
    }
  });

  it('keeps the tree consistent: unique 9-digit codes, parents first, prefixes that contain the children', () => {
    expect(byCode.size).toBe(territoriesData.length);
    const seen = new Set<string>();
    for (const territory of territoriesData) {
      expect(territory.katoCode).toMatch(/^\d{9}$/);
      expect(territory.nameKk.trim()).not.toBe('');
      expect(territory.nameRu.trim()).not.toBe('');
      if (territory.level === 1) {
        expect(territory.parentKatoCode).toBeNull();
        expect(territory.katoPrefix).toBe(territory.katoCode.slice(0, 2));
        expect(territory.katoCode).toBe(`${territory.katoPrefix}0000000`);
      } else {
        expect(territory.level).toBe(2);
        expect(seen.has(territory.parentKatoCode ?? '')).toBe(true);
        const parent = byCode.get(territory.parentKatoCode ?? '');
        expect(territory.katoPrefix).toHaveLength(4);
        expect(territory.katoCode.startsWith(territory.katoPrefix)).toBe(true);
        expect(territory.katoPrefix.startsWith(parent?.katoPrefix ?? '?')).toBe(true);
      }
      seen.add(territory.katoCode);
    }
    // No two districts share a prefix: a prefix filter selects exactly one of them.
    const prefixes = territoriesData.filter((t) => t.level === 2).map((t) => t.katoPrefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});
