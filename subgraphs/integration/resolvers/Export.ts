import { badUserInput } from '../../../lib/errors.js';
import type { Context } from '../context.js';
import { ExportRepository, type ExportRow } from '../export-repository.js';

/** Most parts one request returns: 20 × 5,000 rows stays under the gateway's response limit. */
const MAX_PARTS = 20;

export const Export = {
  progress: (row: ExportRow) => (row.status === 'DONE' ? 1 : row.rowsTotal ? row.rowsDone / row.rowsTotal : 0),

  content(row: ExportRow, args: { fromPart?: number | null; parts?: number | null }, context: Context) {
    const from = args.fromPart ?? 0;
    const parts = args.parts ?? 1;
    const problems = [];
    if (!Number.isInteger(from) || from < 0) problems.push({ field: 'fromPart', message: 'fromPart must be zero or more.' });
    if (!Number.isInteger(parts) || parts < 1 || parts > MAX_PARTS)
      problems.push({ field: 'parts', message: `parts must be between 1 and ${MAX_PARTS}.` });
    if (problems.length > 0) throw badUserInput(problems);
    return new ExportRepository(context.db).parts(row.id, from, parts);
  },
};

export const ExportPart = {
  csv: (part: { content: string }) => part.content,
};
