import type { BuildingConnectionSource } from '../building-list.js';
import type { Context } from '../context.js';

export const BuildingConnection = {
  /** Counted only when asked for: a count scans every matching row. */
  totalCount: (connection: BuildingConnectionSource, _: unknown, context: Context) =>
    connection.countKey === null ? 0 : context.loaders.buildingCount.load(connection.countKey),
};
