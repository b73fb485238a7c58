import { describe, expect, it } from 'vitest';
import { territoriesData } from '../../subgraphs/buildings/territories-data.js';
import { COUNTRY_KATO, katoRange } from '../kato.js';
import { katoPrefix, withinTerritory } from './scope.js';

describe('KATO territory scope', () => {
  it('takes 2 digits for a region, 4 for a district or city, 6 for a rural district, 9 for a settlement', () => {
    expect(katoPrefix('750000000')).toBe('75');
    expect(katoPrefix('751110000')).toBe('7511');
    expect(katoPrefix('351010000')).toBe('3510');
    expect(katoPrefix('195020000')).toBe('195020');
    expect(katoPrefix('195020100')).toBe('195020100');
  });
  it('takes the whole country for 000000000, whose range covers every code and only codes', () => {
    expect(katoPrefix(COUNTRY_KATO)).toBe('');
    expect(withinTerritory(COUNTRY_KATO, '751110000')).toBe(true);
    const { from, to } = katoRange('');
    for (const code of ['000000001', '751110000', '999999999']) expect(code >= from && code < to).toBe(true);
    expect(katoRange('75')).toEqual({ from: '75', to: '76' });
  });
  it('agrees with the prefix stored for every territory of the register', () => {
    for (const territory of territoriesData) expect(katoPrefix(territory.katoCode), territory.katoCode).toBe(territory.katoPrefix);
  });
  it('puts a code inside its region and district and nowhere else', () => {
    expect(withinTerritory('750000000', '751110000')).toBe(true);
    expect(withinTerritory('751110000', '751120123')).toBe(true);
    expect(withinTerritory('751110000', '751210000')).toBe(false);
    expect(withinTerritory('710000000', '751110000')).toBe(false);
  });
});
