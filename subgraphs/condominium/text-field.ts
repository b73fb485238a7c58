import type { FieldProblem } from '../../lib/errors.js';
import { textProblem } from '../../lib/input-values.js';

/** The trimmed text, or a problem at `field` when it is empty, longer than `max` or not storable. */
export function requiredText(value: string, field: string, max: number, problems: FieldProblem[]): string {
  const text = value.trim();
  const problem = textProblem(text);
  if (problem) problems.push({ field, message: `${field} ${problem}` });
  else if (text.length === 0 || text.length > max) problems.push({ field, message: `${field} must be 1 to ${max} characters.` });
  return text;
}
