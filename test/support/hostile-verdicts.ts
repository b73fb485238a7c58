import type { GraphQLResponse } from './system.js';

// What a hostile test accepts as an answer to a request it knows to be wrong, and how it
// reports the ones it does not: grouped, so one bug shows once with an example, not once per case.

/** The codes of the error convention (docs/architecture.md) a client mistake may get. */
export const clientMistakeCodes: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
]);

/** An internal address or a database's words in a message: what a client must never read. */
const internalDetail =
  /https?:\/\/(127\.|localhost|\[::1\])|ECONN[A-Z]+|PostgresError|DrizzleQueryError|Failed query|syntax error at|invalid input syntax|relation "|column "|violates \w+ constraint|\bat [\w.<>]+ \(|\.ts:\d+/;

/** The problems of one answer to a request that must be refused: empty when it was refused cleanly. */
export function refusalProblems(response: GraphQLResponse, options: { field?: string; mustFail?: boolean } = {}): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`HTTP ${response.status}`);
  const errors = response.errors ?? [];
  if (options.mustFail !== false && errors.length === 0) problems.push('accepted (no error)');
  for (const error of errors) {
    const code = String(error.extensions?.code ?? 'no code');
    if (!clientMistakeCodes.has(code)) problems.push(`code ${code}`);
    if (internalDetail.test(error.message)) problems.push(`message leaks: ${error.message.slice(0, 120)}`);
  }
  const data = response.data as Record<string, unknown> | null | undefined;
  if (options.mustFail !== false && options.field && data && data[options.field] !== null && data[options.field] !== undefined) {
    problems.push('returned data');
  }
  return problems;
}

/** The problems of one answer to a request that may succeed or be refused, but never fail inside. */
export function answerProblems(response: GraphQLResponse): string[] {
  return refusalProblems(response, { mustFail: false });
}

export interface Finding {
  key: string;
  count: number;
  example: string;
}

/** Collects problems by kind, keeping the first example of each. */
export class Findings {
  private readonly byKey = new Map<string, Finding>();

  add(key: string, example: () => string): void {
    const found = this.byKey.get(key);
    if (found) found.count += 1;
    else this.byKey.set(key, { key, count: 1, example: example() });
  }

  list(): Finding[] {
    return [...this.byKey.values()];
  }

  /** One line per kind of problem: `key ×count — example`. */
  report(): string[] {
    return this.list().map((finding) => `${finding.key} ×${finding.count} — e.g. ${finding.example}`);
  }
}

/** A request's variables or arguments for a report: huge strings cut, control characters visible. */
export function shortly(value: unknown, limit = 300): string {
  const text =
    JSON.stringify(value, (_key, item) =>
      typeof item === 'string' && item.length > 40 ? `${item.slice(0, 40)}…(${item.length})` : item,
    ) ?? 'undefined';
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
