import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { subgraphNames } from '../lib/subgraph-names.js';
import { schemaImports, sqlTableReferences } from './support/source-scan.js';

// docs/architecture.md in code: the layout every subgraph shares, and the boundaries between
// subgraphs (each reads only its own tables; others' only through their published views).

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

/** Every read of another schema's tables by the code of `owner` (a subgraph, or `lib`/`gateway` owning none). */
function boundaryViolations(folder: string, owner: string): string[] {
  const problems: string[] = [];
  for (const file of sourceFiles(join(root, folder))) {
    const text = readFileSync(file, 'utf8');
    const name = relative(root, file);
    for (const { schema, names } of schemaImports(text)) {
      if (schema === owner || schema === 'platform' || schema === 'index') continue;
      for (const imported of names) {
        if (!imported.startsWith('published') && !/^[A-Z]/.test(imported) && !imported.endsWith('Codes')) {
          problems.push(`${name} imports ${imported} from schema/${schema}.ts: read another subgraph only through its published views.`);
        }
      }
    }
    for (const { schema, table } of sqlTableReferences(text)) {
      if (schema === owner || schema === 'platform' || table.startsWith('published_')) continue;
      problems.push(`${name} names ${schema}.${table} in SQL: read another subgraph only through its published views.`);
    }
  }
  return problems;
}

describe('boundaries between subgraphs', () => {
  for (const name of subgraphNames) {
    it(`${name} reads only its own tables and others' published views`, () => {
      expect(boundaryViolations(`subgraphs/${name}`, name)).toEqual([]);
    });
  }

  it('shared code and the gateway own no subgraph tables: they read published views and the platform schema only', () => {
    expect(boundaryViolations('lib', 'platform')).toEqual([]);
    expect(boundaryViolations('gateway', 'platform')).toEqual([]);
  });

  it('the gateway has no database access at all', () => {
    const reaching = sourceFiles(join(root, 'gateway')).filter((file) =>
      /from '\.\.\/lib\/db\.js'|from '\.\.\/schema\//.test(readFileSync(file, 'utf8')),
    );
    expect(reaching.map((file) => relative(root, file))).toEqual([]);
  });

  it('tables are plain declarations: schema files import only drizzle and each other', () => {
    for (const file of sourceFiles(join(root, 'schema'))) {
      const imports = [...readFileSync(file, 'utf8').matchAll(/^import [^;]*? from '([^']+)'/gm)].map((match) => match[1] ?? '');
      expect(
        imports.filter((source) => !source.startsWith('drizzle-orm') && !/^\.\/[a-z]+\.js$/.test(source)),
        relative(root, file),
      ).toEqual([]);
    }
  });

  it('the walk finds what it should', () => {
    expect(schemaImports("import { subjects, publishedSubjects } from '../../schema/access.js';")).toEqual([
      { schema: 'access', names: ['subjects', 'publishedSubjects'] },
    ]);
    expect(sqlTableReferences('select * from access.subjects s join access.published_grants g')).toEqual([
      { schema: 'access', table: 'subjects' },
      { schema: 'access', table: 'published_grants' },
    ]);
    expect(sqlTableReferences("operation: 'buildings.registerBuilding', file 'utilities.ts'")).toEqual([]);
  });
});

describe('one layout for every subgraph', () => {
  const required = ['schema.graphql', 'definition.ts', 'index.ts', 'context.ts', 'permissions.ts', 'loaders.ts', 'resolvers'];
  for (const name of subgraphNames) {
    it(`${name} has ${required.join(', ')}`, () => {
      expect(required.filter((file) => !existsSync(join(root, 'subgraphs', name, file)))).toEqual([]);
    });

    it(`${name} declares its Context once, in context.ts`, () => {
      const declaring = sourceFiles(join(root, 'subgraphs', name)).filter((file) =>
        /(?:type|interface)\s+\w*Context\b[^=]*=\s*SubgraphContext|interface\s+\w*Context\s+extends\s+SubgraphContext/.test(
          readFileSync(file, 'utf8'),
        ),
      );
      expect(declaring.map((file) => relative(join(root, 'subgraphs', name), file))).toEqual(['context.ts']);
    });

    it(`${name} keeps transactions out of resolvers and uses the shared write path`, () => {
      const resolvers = sourceFiles(join(root, 'subgraphs', name, 'resolvers'));
      const opening = resolvers.filter((file) =>
        /\.transaction\(|recheck(Grants|Administrator|Reliances)\(|receiptFor\(/.test(readFileSync(file, 'utf8')),
      );
      expect(opening.map((file) => relative(root, file))).toEqual([]);
      const bypassing = sourceFiles(join(root, 'subgraphs', name)).filter((file) =>
        /recheck(Grants|Administrator)\(/.test(readFileSync(file, 'utf8')),
      );
      expect(bypassing.map((file) => relative(root, file))).toEqual([]);
    });

    it(`${name} writes rules with lib/auth/shield.ts, never graphql-shield directly`, () => {
      const direct = sourceFiles(join(root, 'subgraphs', name)).filter((file) =>
        /import\s+\{[^}]*\brule\b[^}]*\}\s+from\s+'graphql-shield'/.test(readFileSync(file, 'utf8')),
      );
      expect(direct.map((file) => relative(root, file))).toEqual([]);
    });
  }
});
