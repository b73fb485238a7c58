import { badUserInput, type FieldProblem } from '../../lib/errors.js';
import { katoCodeProblem } from '../../lib/kato.js';
import { isUuid } from '../../lib/uuid.js';
import type { DataQualityFilter } from './data-quality-repository.js';
import type { DutyFilter, DutyKind } from './duties-repository.js';

/** `DutyFilter` as the SDL takes it (dates already checked by the Date scalar). */
export interface DutyFilterArgs {
  kinds?: DutyKind[] | null;
  katoCode?: string | null;
  subjectId?: string | null;
  dueFrom?: string | null;
  dueTo?: string | null;
  overdue?: boolean | null;
}

/** Checks a duty filter, listing every problem (BAD_USER_INPUT naming each field). */
export function parseDutyFilter(args: DutyFilterArgs | null | undefined): DutyFilter {
  const problems: FieldProblem[] = [];
  const filter = args ?? {};
  const kato = katoCodeProblem('filter.katoCode', filter.katoCode);
  if (kato) problems.push(kato);
  if (filter.subjectId != null && !isUuid(filter.subjectId))
    problems.push({ field: 'filter.subjectId', message: 'subjectId must be the id of a subject.' });
  if (filter.dueFrom && filter.dueTo && filter.dueFrom > filter.dueTo)
    problems.push({ field: 'filter.dueTo', message: 'dueTo must not be before dueFrom.' });
  if (problems.length > 0) throw badUserInput(problems);
  return {
    kinds: filter.kinds ? [...new Set(filter.kinds)] : null,
    katoCode: filter.katoCode ?? null,
    subjectId: filter.subjectId?.toLowerCase() ?? null,
    dueFrom: filter.dueFrom ?? null,
    dueTo: filter.dueTo ?? null,
    overdue: filter.overdue ?? null,
  };
}

/** `DataQualityFilter` as the SDL takes it. */
export interface DataQualityFilterArgs {
  katoCode?: string | null;
  managerSubjectId?: string | null;
}

/** Checks a data-quality filter, listing every problem. */
export function parseDataQualityFilter(args: DataQualityFilterArgs | null | undefined): DataQualityFilter {
  const problems: FieldProblem[] = [];
  const filter = args ?? {};
  const kato = katoCodeProblem('filter.katoCode', filter.katoCode);
  if (kato) problems.push(kato);
  if (filter.managerSubjectId != null && !isUuid(filter.managerSubjectId))
    problems.push({ field: 'filter.managerSubjectId', message: 'managerSubjectId must be the id of a subject.' });
  if (problems.length > 0) throw badUserInput(problems);
  return { katoCode: filter.katoCode ?? null, managerSubjectId: filter.managerSubjectId?.toLowerCase() ?? null };
}
