import { describe, expect, it } from 'vitest';
import { collapseRepeatedErrors } from './repeated-errors.js';

const forbidden = (path: Array<string | number>, count?: number) => ({
  message: "Owners' identities are personal data.",
  path,
  extensions: { code: 'FORBIDDEN', ...(count ? { count } : {}) },
});

describe('collapseRepeatedErrors', () => {
  it('keeps one error per field path, the first, with the number of rows it stands for', () => {
    const errors = [
      forbidden(['buildings', 'edges', 0, 'node', 'owners', 0, 'iin']),
      forbidden(['buildings', 'edges', 0, 'node', 'owners', 1, 'iin']),
      { message: 'Another.', path: ['buildings', 'edges', 1, 'node', 'x'], extensions: { code: 'FORBIDDEN' } },
      forbidden(['buildings', 'edges', 7, 'node', 'owners', 0, 'iin'], 40),
      forbidden(['buildings', 'edges', 0, 'node', 'owners', 0, 'name']),
    ];
    expect(collapseRepeatedErrors(errors)).toEqual([
      forbidden(['buildings', 'edges', 0, 'node', 'owners', 0, 'iin'], 42),
      errors[2],
      errors[4],
    ]);
  });

  it('leaves errors without list indices, and distinct messages, as they are', () => {
    const errors = [
      { message: 'a', path: ['x'], extensions: { code: 'FORBIDDEN' } },
      { message: 'a', path: ['x'], extensions: { code: 'FORBIDDEN' } },
      { message: 'row 1 is wrong', path: ['list', 1], extensions: { code: 'BAD_USER_INPUT' } },
      { message: 'row 2 is wrong', path: ['list', 2], extensions: { code: 'BAD_USER_INPUT' } },
      { message: 'no path' },
    ];
    expect(collapseRepeatedErrors(errors)).toEqual(errors);
  });
});
