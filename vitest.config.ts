import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Throwaway MariaDB and PostgreSQL servers (temp dir, loopback, free port) for the
    // whole run, stopped at the end; tests needing other settings start their own.
    // The kill -9 matrices' mode and seed (test/setup/crash-matrix.ts): sampled under
    // `npm test`, every point under `npm run test:crash`.
    globalSetup: ['test/setup/mariadb.ts', 'test/setup/postgres.ts', 'test/setup/crash-matrix.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The default output, then the slowest files (test/setup/slowest-files-reporter.ts).
    reporters: ['default', './test/setup/slowest-files-reporter.ts'],
  },
});
