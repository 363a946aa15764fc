import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Throwaway MariaDB and PostgreSQL servers (temp dir, loopback, free port) for the
    // whole run, stopped at the end; tests needing other settings start their own.
    globalSetup: ['test/setup/mariadb.ts', 'test/setup/postgres.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
