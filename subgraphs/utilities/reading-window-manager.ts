import type { Executor } from '../../lib/db.js';
import { badUserInput, type FieldProblem, notFound } from '../../lib/errors.js';
import { parseOptionalId } from '../../lib/ids.js';
import { type ReadingReminderRow, ReadingWindowRepository, type ReadingWindowRow } from './reading-window-repository.js';
import { ReferencesRepository } from './references-repository.js';
import { SupplierManager } from './supplier-manager.js';

/** Most reminders one call answers. */
const MAX_READING_REMINDERS = 10_000;

export interface ReadingWindowInput {
  buildingId?: string | null;
  firstDay: number;
  lastDay: number;
}

/**
 * Reading windows (p.4.13): per supplier, a default and per building, the days of the month
 * in which readings are taken (1–31; a day past a month's end stands for its last day); they
 * drive the reminders of meters not yet read in the month while their window is open.
 */
export class ReadingWindowManager {
  constructor(private readonly executor: Executor) {}

  async set(supplierId: string, input: ReadingWindowInput, setBy: string): Promise<ReadingWindowRow> {
    const supplier = await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    const buildingId = parseOptionalId(input.buildingId, 'input.buildingId', 'a building');
    const problems: FieldProblem[] = [];
    if (!Number.isInteger(input.firstDay) || input.firstDay < 1 || input.firstDay > 31)
      problems.push({ field: 'input.firstDay', message: 'input.firstDay must be a day of the month, 1 to 31.' });
    if (!Number.isInteger(input.lastDay) || input.lastDay < 1 || input.lastDay > 31)
      problems.push({ field: 'input.lastDay', message: 'input.lastDay must be a day of the month, 1 to 31.' });
    else if (input.lastDay < input.firstDay)
      problems.push({
        field: 'input.lastDay',
        message: 'input.lastDay must not be before input.firstDay: a window lies within one month.',
      });
    if (problems.length > 0) throw badUserInput(problems);
    const repository = new ReadingWindowRepository(this.executor);
    if (buildingId !== null && !(await new ReferencesRepository(this.executor).existingBuildings([buildingId])).has(buildingId))
      throw notFound('The building', 'input.buildingId');
    return repository.set(supplier.id, buildingId, input.firstDay, input.lastDay, setBy);
  }

  async ofSupplier(supplierId: string): Promise<ReadingWindowRow[]> {
    return new ReadingWindowRepository(this.executor).ofSupplier(supplierId);
  }

  async reminders(supplierId: string, day: string, first: number): Promise<ReadingReminderRow[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_READING_REMINDERS)
      throw badUserInput({ field: 'first', message: `first must be 1 to ${MAX_READING_REMINDERS}.` });
    return new ReadingWindowRepository(this.executor).reminders(supplierId, day, first);
  }
}
