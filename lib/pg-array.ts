/**
 * A Postgres array literal of text elements, every element quoted: the whole array travels
 * as ONE parameter (a VALUES list would hit the protocol's 65,535-parameter limit, and a
 * JSON recordset costs more to parse than a typed array).
 */
export function textArray(values: ReadonlyArray<string | number | boolean | null>): string {
  // Built by concatenation, escaping only the rare element that holds a quote or backslash:
  // 10,000-element arrays are built several times per bulk call.
  let literal = '{';
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (i > 0) literal += ',';
    if (value === null || value === undefined) {
      literal += 'NULL';
      continue;
    }
    const text = String(value);
    literal += text.includes('"') || text.includes('\\') ? `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"` : `"${text}"`;
  }
  return `${literal}}`;
}
