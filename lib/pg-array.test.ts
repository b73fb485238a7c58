import { describe, expect, it } from 'vitest';
import { textArray } from './pg-array.js';

describe('textArray', () => {
  it('quotes every element, writes NULL for null, and escapes only quotes and backslashes', () => {
    expect(textArray([])).toBe('{}');
    expect(textArray(['a', null, 1, true, ''])).toBe('{"a",NULL,"1","true",""}');
    // Commas, braces, spaces and the word NULL stay inside their quotes: one element each.
    expect(textArray(['a,b', '{x}', ' padded ', 'NULL'])).toBe('{"a,b","{x}"," padded ","NULL"}');
    expect(textArray(['say "hi"', 'C:\\dir', '\\"'])).toBe('{"say \\"hi\\"","C:\\\\dir","\\\\\\""}');
    expect(textArray(['Қазақстан 🏠'])).toBe('{"Қазақстан 🏠"}');
  });
});
