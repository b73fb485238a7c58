import { describe, expect, it } from 'vitest';
import { byKey, groupBy, groupRows, inKeyOrder } from './batch-results.js';
import { katoCodeProblem } from './kato.js';
import { uuidKeys } from './uuid.js';

const A = '0b3e1c4a-1111-4222-8333-944455556666';
const B = '0b3e1c4a-7777-4888-9999-aaaabbbbcccc';

describe('batch results', () => {
  const rows = [
    { id: B, parent: 'x' },
    { id: A, parent: 'y' },
    { id: 'c', parent: 'x' },
  ];

  it('answers each key in the order of the keys, empty or null where nothing was read', () => {
    expect(groupBy(rows, (row) => row.parent, ['y', 'z', 'x'])).toEqual([[rows[1]], [], [rows[0], rows[2]]]);
    expect(byKey(rows, (row) => row.parent, ['z', 'y'])).toEqual([null, rows[1]]);
    expect([...groupRows(rows, (row) => row.parent).entries()]).toEqual([
      ['x', [rows[0], rows[2]]],
      ['y', [rows[1]]],
    ]);
  });

  it('matches id keys in any case to the rows PostgreSQL printed, and sends only UUID keys to SQL', () => {
    expect(inKeyOrder([A.toUpperCase(), 'not-an-id', B], rows)).toEqual([rows[1], null, rows[0]]);
    expect(uuidKeys([A.toUpperCase(), 'not-an-id', B])).toEqual([A, B]);
  });
});

describe('katoCodeProblem', () => {
  it('names the field of a malformed code and accepts an absent or 9-digit one', () => {
    expect(katoCodeProblem('filter.katoCode', '75000000')).toEqual({
      field: 'filter.katoCode',
      message: 'filter.katoCode must be a 9-digit KATO code, e.g. 750000000 for Almaty.',
    });
    expect(katoCodeProblem('filter.katoCode', null)).toBeNull();
    expect(katoCodeProblem('katoCode', '750000000')).toBeNull();
  });
});
