import { defineConfig } from 'drizzle-kit';

// Generating migrations needs no database: drizzle-kit diffs the TypeScript tables
// against the snapshots committed in migrations/meta.
export default defineConfig({
  dialect: 'postgresql',
  schema: './schema/*.ts',
  out: './migrations',
  schemaFilter: ['buildings', 'condominium', 'utilities', 'access'],
  strict: true,
});
