import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './test/setup/longest-first-sequencer.js';

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
    // Two files at a time on two cores: most test time is spent waiting on child CLIs and
    // database servers. Tests that change a server's global settings start their own server.
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    // Longest files first, also on a fresh checkout (test/setup/longest-first-sequencer.ts).
    sequence: { sequencer: LongestFirstSequencer },
    // The default output, then the slowest files (test/setup/slowest-files-reporter.ts).
    reporters: ['default', './test/setup/slowest-files-reporter.ts'],
  },
});
