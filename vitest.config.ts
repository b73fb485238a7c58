import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Apollo's packages require graphql's CommonJS build; point our imports at the same file
    // so tests see one graphql instance (as Node does outside vitest), not CJS and ESM twins.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.data/**'],
    globalSetup: ['./test/support/global-setup.ts'],
    // Each file gets its own database; files run in parallel on the machine's cores.
    fileParallelism: true,
    testTimeout: 60_000,
    // Request lines (info) would drown the report; tests that read logs raise the level themselves.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    hookTimeout: 120_000,
  },
});
