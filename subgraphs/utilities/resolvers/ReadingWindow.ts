import type { GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../../../lib/auth/scope.js';
import { parseId } from '../../../lib/ids.js';
import { almatyDate } from '../../../lib/working-calendar.js';
import { placeWrite } from '../../../lib/write.js';
import type { Context } from '../context.js';
import { type ReadingWindowInput, ReadingWindowManager } from '../reading-window-manager.js';
import type { ReadingReminderRow, ReadingWindowRow } from '../reading-window-repository.js';

/** Root fields of reading windows (merged into Query by definition.ts). */
export const ReadingWindowQuery = {
  readingWindows(_parent: unknown, args: { supplierId: string }, context: Context) {
    return new ReadingWindowManager(context.db).ofSupplier(parseId(args.supplierId, 'supplierId', 'a supplier'));
  },
  async readingReminders(_parent: unknown, args: { supplierId: string; on?: string | null; first?: number | null }, context: Context) {
    const day = args.on ?? almatyDate(context.receivedAt);
    const rows = await new ReadingWindowManager(context.db).reminders(
      parseId(args.supplierId, 'supplierId', 'a supplier'),
      day,
      args.first ?? 1000,
    );
    return rows.map((row) => ({ ...row, month: day.slice(0, 8) }));
  },
};

/** Mutations of reading windows (merged into Mutation by definition.ts). */
export const ReadingWindowMutation = {
  setReadingWindow(_parent: unknown, args: { supplierId: string; input: ReadingWindowInput }, context: Context, info: GraphQLResolveInfo) {
    const supplierId = parseId(args.supplierId, 'supplierId', 'a supplier');
    return placeWrite(context, info, {
      operation: 'utilities.setReadingWindow',
      run: async (tx) => {
        const window = await new ReadingWindowManager(tx).set(supplierId, args.input, actorOf(context.caller));
        return { payload: { window }, objectIds: [window.id] };
      },
    });
  },
};

export const ReadingWindow = {
  supplier(window: ReadingWindowRow, _args: unknown, context: Context) {
    return context.loaders.supplierById.load(window.supplierId);
  },
  building(window: ReadingWindowRow) {
    return window.buildingId === null ? null : { id: window.buildingId };
  },
};

export const ReadingReminder = {
  meter(reminder: ReadingReminderRow, _args: unknown, context: Context) {
    return context.loaders.meters.byId.load(reminder.meterId);
  },
  windowFirstDay: (reminder: ReadingReminderRow) => reminder.firstDay,
  windowLastDay: (reminder: ReadingReminderRow) => reminder.lastDay,
  closesOn: (reminder: ReadingReminderRow & { month: string }) => `${reminder.month}${String(reminder.lastDay).padStart(2, '0')}`,
};
