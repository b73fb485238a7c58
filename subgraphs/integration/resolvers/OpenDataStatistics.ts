import { openDataCsv, type OpenDataStatistics as Statistics } from '../open-data-repository.js';

export const OpenDataStatistics = {
  barrierFreeBuildings: (stats: Statistics) => stats.barrierFree,
  managedBuildings: (stats: Statistics) => stats.managed,
  csv: (stats: Statistics) => openDataCsv(stats),
};
