import type { Territory } from '../../subgraphs/buildings/territories-data.js';

/**
 * What makes one region's housing stock differ from another's in the demo data. The
 * figures are rough public orders of magnitude (population, urbanisation, gasification),
 * enough for aggregates by region to look plausible; they are not statistics.
 */
export interface RegionProfile {
  /** Relative share of the national stock of multi-apartment buildings. */
  weight: number;
  /**
   * First group of the cadastral numbers issued in the region. 20/21/22 are those of
   * Almaty, Astana and Shymkent; the others are a stable synthetic numbering.
   */
  cadastralRegion: string;
  /** Share of owners with Kazakh names (the north and east are more mixed). */
  kazakhNames: number;
  /** Share of buildings connected to the natural-gas network. */
  gasNetwork: number;
  /** Share of buildings on district heating. */
  centralHeating: number;
  /** Big-city building mix: more high-rises and new construction. */
  metropolitan: boolean;
}

const profile = (
  weight: number,
  cadastralRegion: string,
  kazakhNames: number,
  gasNetwork: number,
  centralHeating: number,
  metropolitan = false,
): RegionProfile => ({ weight, cadastralRegion, kazakhNames, gasNetwork, centralHeating, metropolitan });

/** By KATO code of the region or city of republican significance. */
const regionProfiles: Readonly<Record<string, RegionProfile>> = {
  '750000000': profile(16, '20', 0.72, 0.85, 0.8, true), // Almaty
  '710000000': profile(12, '21', 0.8, 0.3, 0.92, true), // Astana (gasified since 2020)
  '790000000': profile(6, '22', 0.9, 0.9, 0.7, true), // Shymkent
  '100000000': profile(3.5, '23', 0.7, 0.05, 0.8), // Abai
  '110000000': profile(3.5, '01', 0.55, 0.05, 0.85), // Akmola
  '150000000': profile(4.5, '02', 0.85, 0.85, 0.75), // Aktobe
  '190000000': profile(3.5, '03', 0.75, 0.6, 0.55), // Almaty region
  '230000000': profile(3.5, '04', 0.95, 0.9, 0.6), // Atyrau
  '270000000': profile(3.5, '07', 0.75, 0.9, 0.65), // West Kazakhstan
  '310000000': profile(3.5, '06', 0.8, 0.75, 0.65), // Zhambyl
  '330000000': profile(2.5, '24', 0.75, 0.3, 0.65), // Zhetysu
  '350000000': profile(8, '09', 0.55, 0.05, 0.9), // Karaganda
  '390000000': profile(4.5, '12', 0.45, 0.7, 0.85), // Kostanay
  '430000000': profile(2.5, '10', 0.97, 0.8, 0.6), // Kyzylorda
  '470000000': profile(4.5, '11', 0.92, 0.9, 0.55), // Mangystau
  '550000000': profile(5, '13', 0.5, 0.02, 0.92), // Pavlodar
  '590000000': profile(3, '14', 0.4, 0.05, 0.85), // North Kazakhstan
  '610000000': profile(3, '19', 0.9, 0.8, 0.5), // Turkistan
  '620000000': profile(1.5, '25', 0.7, 0.02, 0.85), // Ulytau
  '630000000': profile(5, '05', 0.45, 0.02, 0.85), // East Kazakhstan
};

/**
 * Population in thousands of each district or city the generator places buildings in:
 * it splits a region's share between them. Baikonyr is leased to Russia and its housing
 * is not in the national register, hence 0.
 */
const populations: Readonly<Record<string, number>> = {
  // Almaty
  '751110000': 220,
  '751210000': 320,
  '751310000': 340,
  '751410000': 370,
  '751510000': 180,
  '751710000': 220,
  '751810000': 200,
  '751910000': 250,
  // Astana
  '711110000': 430,
  '711210000': 330,
  '711310000': 300,
  '711410000': 280,
  '711510000': 140,
  '711610000': 120,
  // Shymkent
  '791110000': 300,
  '791310000': 220,
  '791510000': 300,
  '791710000': 250,
  '791910000': 200,
  // Regions
  '101010000': 350,
  '101810000': 12,
  '111010000': 150,
  '111610000': 50,
  '111810000': 48,
  '151010000': 580,
  '191010000': 80,
  '191810000': 20,
  '231010000': 370,
  '271010000': 330,
  '311010000': 430,
  '331010000': 170,
  '331810000': 30,
  '351010000': 500,
  '351610000': 70,
  '352110000': 12,
  '352210000': 45,
  '352410000': 180,
  '352810000': 40,
  '391010000': 250,
  '391610000': 28,
  '392010000': 35,
  '392410000': 115,
  '431010000': 300,
  '431910000': 0,
  '471010000': 260,
  '471810000': 160,
  '551010000': 360,
  '551610000': 40,
  '552210000': 130,
  '591010000': 220,
  '611010000': 200,
  '611610000': 50,
  '612010000': 75,
  '621010000': 90,
  '621810000': 16,
  '622010000': 70,
  '631010000': 330,
  '632410000': 48,
};

/** A district or city buildings are placed in, with what the generator needs to know about it. */
export interface Placement {
  territory: Territory;
  region: Territory;
  profile: RegionProfile;
  /** Cadastral district group, e.g. "311". */
  cadastralDistrict: string;
  /** Share of all generated buildings, summing to 1 over all placements. */
  share: number;
}

/**
 * Every level-2 territory with a share of the national stock: its region's weight split
 * by population. Fails loudly when the territory list and the profiles disagree, so a
 * territory added later is not silently left without buildings.
 */
export function buildPlacements(territories: readonly Territory[]): Placement[] {
  const byCode = new Map(territories.map((t) => [t.katoCode, t]));
  const tops = territories.filter((t) => t.level === 1);
  const placements: Placement[] = [];
  let totalWeight = 0;
  for (const top of tops) {
    const regionProfile = regionProfiles[top.katoCode];
    if (!regionProfile) throw new Error(`No demo-data profile for territory ${top.katoCode}.`);
    totalWeight += regionProfile.weight;
  }
  for (const top of tops) {
    const regionProfile = regionProfiles[top.katoCode] as RegionProfile;
    const children = territories.filter((t) => t.parentKatoCode === top.katoCode);
    if (children.length === 0) throw new Error(`Territory ${top.katoCode} has no districts or cities to place buildings in.`);
    const population = children.reduce((sum, child) => sum + populationOf(child.katoCode), 0);
    children.forEach((child, index) => {
      placements.push({
        territory: child,
        region: byCode.get(top.katoCode) as Territory,
        profile: regionProfile,
        cadastralDistrict: String(311 + index * 2),
        share: (regionProfile.weight / totalWeight) * (populationOf(child.katoCode) / population),
      });
    });
  }
  return placements;
}

function populationOf(katoCode: string): number {
  const population = populations[katoCode];
  if (population === undefined) throw new Error(`No demo-data population for territory ${katoCode}.`);
  return population;
}

/**
 * Assigns building number `index` to a placement so that any prefix of the sequence
 * follows the shares closely (a golden-ratio low-discrepancy sequence rather than
 * independent draws): 20 buildings already include Almaty, 2,000 match the shares to
 * within a few buildings.
 */
export class PlacementSequence {
  private readonly cumulative: number[] = [];

  constructor(
    private readonly placements: readonly Placement[],
    private readonly offset: number,
  ) {
    let sum = 0;
    for (const placement of placements) {
      sum += placement.share;
      this.cumulative.push(sum);
    }
  }

  at(index: number): Placement {
    const total = this.cumulative[this.cumulative.length - 1] as number;
    const point = (((index + 1) * 0.6180339887498949 + this.offset) % 1) * total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.cumulative[middle] as number) > point) high = middle;
      else low = middle + 1;
    }
    return this.placements[low] as Placement;
  }
}
