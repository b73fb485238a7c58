import { buildSchema, GraphQLScalarType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { inputValueProblems, textProblem } from './input-values.js';

const schema = buildSchema(`
  scalar Date
  scalar DateTime
  enum Kind { A B }
  input Owner { name: String! since: Date tags: [String!] }
  input Premise { number: String! owners: [Owner!] }
  type Query {
    find(text: String, id: ID, kind: Kind, on: Date, at: DateTime, days: [Date!]): Boolean
    add(premises: [Premise!]!): Boolean
  }
`);

function problems(query: string, variables?: Record<string, unknown>, operationName?: string) {
  const document = parse(query);
  const operation = document.definitions.find(
    (definition) => definition.kind === 'OperationDefinition' && (!operationName || definition.name?.value === operationName),
  );
  if (operation?.kind !== 'OperationDefinition') throw new Error('no operation');
  return inputValueProblems(schema, document, operation, variables).map(({ field }) => field);
}

describe('textProblem', () => {
  it('refuses NUL and lone surrogates, and nothing else', () => {
    expect(textProblem('Абай көшесі 5 😀')).toBeNull();
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
    expect(textProblem('a\ud800')).toMatch(/surrogate/);
    expect(textProblem('\udc00a')).toMatch(/surrogate/);
    expect(textProblem('\ud83d\ude00')).toBeNull();
  });
});

describe('inputValueProblems', () => {
  it('finds every bad value in variables, named by its path, whatever the scalar', () => {
    const query = 'query($t: String, $i: ID, $p: [Premise!]!) { find(text: $t, id: $i) add(premises: $p) }';
    expect(
      problems(query, {
        t: 'x\u0000',
        i: '\ud800',
        p: [{ number: '1' }, { number: '2', owners: [{ name: 'ok', since: '2024-02-30', tags: ['ok', 'bad\u0000'] }] }],
      }),
    ).toEqual(['t', 'i', 'p[1].owners[0].since', 'p[1].owners[0].tags[1]']);
    expect(problems(query, { t: 'ok', i: 'ok', p: [{ number: '1', owners: [{ name: 'Ә', since: '2024-02-29' }] }] })).toEqual([]);
  });

  it('finds bad literals, in arguments, input objects, lists and variable defaults', () => {
    expect(problems('{ find(text: "a\\u0000") }')).toEqual(['text']);
    expect(problems('{ find(on: "2024-13-01", days: ["2024-01-01", "31.12.2024"], at: "2024-01-01T10:00:00") }')).toEqual([
      'on',
      'days[1]',
      'at',
    ]);
    expect(problems('{ find(on: 20240101) }')).toEqual(['on']);
    expect(problems('{ add(premises: [{ number: "1", owners: [{ name: "x\\u0000" }] }]) }')).toEqual(['premises[0].owners[0].name']);
    expect(problems('query($t: String = "\\u0000") { find(text: $t) }')).toEqual(['$t']);
    expect(problems('{ find(on: "2024-01-01", kind: A, text: "ok") }')).toEqual([]);
  });

  it('looks only at the operation that runs and the fragments it uses', () => {
    const document =
      'query A { ...F } query B { find(text: "\\u0000") } fragment F on Query { find(on: "1799-12-31") } fragment G on Query { find(text: "\\u0000") }';
    expect(problems(document, {}, 'A')).toEqual(['on']);
    expect(problems(document, {}, 'B')).toEqual(['text']);
  });

  it('leaves scalars other than Date and DateTime to their own parsing', () => {
    expect(new GraphQLScalarType({ name: 'X' }).name).toBe('X');
    expect(problems('query($k: Kind) { find(kind: $k) }', { k: 'C' })).toEqual([]);
  });
});
