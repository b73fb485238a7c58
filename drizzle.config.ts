import { defineConfig } from 'drizzle-kit';

// Generating migrations needs no database: drizzle-kit diffs the TypeScript tables
// against the snapshots committed in migrations/meta.
export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './schema/platform.ts',
    './schema/buildings.ts',
    './schema/condominium.ts',
    './schema/utilities.ts',
    './schema/access.ts',
    './schema/integration.ts',
  ],
  out: './migrations',
  schemaFilter: ['platform', 'buildings', 'condominium', 'utilities', 'access', 'integration'],
  strict: true,
});
