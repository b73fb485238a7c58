import { subgraphNames } from '../../lib/subgraph-names.js';

const schemas = [...subgraphNames, 'platform'] as const;

/** Names imported from `schema/<schema>.js` by one file, per schema. */
export function schemaImports(text: string): Array<{ schema: string; names: string[] }> {
  const found: Array<{ schema: string; names: string[] }> = [];
  for (const match of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(?:\.\.\/)+schema\/([a-z]+)\.js'/g)) {
    const names = (match[2] ?? '')
      .split(',')
      .map(
        (name) =>
          name
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0] ?? '',
      )
      .filter(Boolean);
    found.push({ schema: match[3] ?? '', names: match[1] ? [] : names });
  }
  return found;
}

/** `schema.table` names written in SQL text of one file. */
export function sqlTableReferences(text: string): Array<{ schema: string; table: string }> {
  const pattern = new RegExp(`\\b(${schemas.join('|')})\\.([a-z_]+)\\b`, 'g');
  const found: Array<{ schema: string; table: string }> = [];
  for (const match of text.matchAll(pattern)) {
    // `schema.ts`-style file names and `buildings.registerBuilding` operation names are not SQL.
    const after = text.slice((match.index ?? 0) + match[0].length, (match.index ?? 0) + match[0].length + 1);
    if (/^[a-z]+[A-Z]/.test(match[2] ?? '') || after === '(' || match[2] === 'ts' || match[2] === 'js') continue;
    found.push({ schema: match[1] ?? '', table: match[2] ?? '' });
  }
  return found;
}
