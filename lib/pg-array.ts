/**
 * A Postgres array literal of text elements, every element quoted: the whole array travels
 * as ONE parameter (a VALUES list would hit the protocol's 65,535-parameter limit, and a
 * JSON recordset costs more to parse than a typed array).
 */
export function textArray(values: ReadonlyArray<string | number | boolean | null>): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(',')}}`;
}
