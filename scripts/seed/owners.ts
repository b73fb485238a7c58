import type { Territory } from '../../subgraphs/buildings/territories-data.js';
import { binPrefix, iinPrefix, NumberAllocator, type Sex } from './identification-numbers.js';
import { companyName, type NameStock, personName } from './names.js';
import type { Random } from './random.js';

export interface Owner {
  kind: 'PERSON' | 'ORGANISATION';
  /** IIN of a person, BIN of an organisation. */
  identificationNumber: string;
  name: string;
}

export interface Person extends Owner {
  kind: 'PERSON';
  sex: Sex;
  stock: NameStock;
  surname: string;
  birthYear: number;
}

/**
 * Creates owners with unique, valid identification numbers. Persons are new each time
 * (a family is made by passing a relative); organisations are drawn from a pool per
 * region so a company owns premises in several buildings, as companies do.
 */
export class OwnerFactory {
  private readonly iins = new NumberAllocator();
  private readonly bins = new NumberAllocator();
  private readonly companiesByRegion = new Map<string, Owner[]>();
  private readonly stateBodies = new Map<string, Owner>();

  constructor(private readonly referenceYear: number) {}

  person(random: Random, stock: NameStock, relative?: Person): Person {
    const sex: Sex = relative ? (relative.sex === 'MALE' ? 'FEMALE' : 'MALE') : random.chance(0.5) ? 'MALE' : 'FEMALE';
    const birthYear = relative
      ? Math.min(this.referenceYear - 18, relative.birthYear + random.int(-6, 6))
      : this.referenceYear - 18 - Math.floor(((random.float() + random.float()) / 2) * 68);
    const month = random.int(1, 12);
    const day = random.int(1, daysInMonth(birthYear, month));
    const name = personName(random, sex, relative?.stock ?? stock, relative?.surname);
    const identificationNumber = this.iins.allocate(iinPrefix({ year: birthYear, month, day }, sex), random.int(1, 3000));
    return { kind: 'PERSON', identificationNumber, name: name.fullName, sex, stock: name.stock, surname: name.surname, birthYear };
  }

  /** A private company of the region: a new one 40% of the time, otherwise one it already has. */
  company(random: Random, regionCode: string): Owner {
    let pool = this.companiesByRegion.get(regionCode);
    if (!pool) this.companiesByRegion.set(regionCode, (pool = []));
    if (pool.length > 0 && random.chance(0.6)) return random.pick(pool);
    const company = this.organisation(random, companyName(random));
    pool.push(company);
    return company;
  }

  /** The state body holding state-owned housing in a territory: one per territory and kind. */
  stateBody(random: Random, territory: Territory, kind: 'STATE_INSTITUTION' | 'STATE_ENTERPRISE'): Owner {
    const key = `${kind}:${territory.katoCode}`;
    let body = this.stateBodies.get(key);
    if (!body) {
      const name =
        kind === 'STATE_INSTITUTION'
          ? `ГУ «Отдел жилищных отношений», ${territory.nameRu}`
          : `ГКП на ПХВ «Жилищный фонд», ${territory.nameRu}`;
      body = this.organisation(random, name);
      this.stateBodies.set(key, body);
    }
    return body;
  }

  private organisation(random: Random, name: string): Owner {
    const registered = { year: random.int(1996, this.referenceYear - 1), month: random.int(1, 12) };
    return { kind: 'ORGANISATION', identificationNumber: this.bins.allocate(binPrefix(registered), random.int(1, 30000)), name };
  }
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
