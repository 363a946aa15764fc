// Child process of the verify benchmark: runs one compareTables() — or, with mode "checksum",
// one checksumTable() on the source alone — from the build and prints one JSON line: the wall
// time, the result and this process's peak RSS, so the parent measures the comparison's memory
// alone. Input (connection specs with the password of a throwaway server) comes in the
// VERIFY_BENCH_INPUT environment variable, not on the command line.
import { performance } from 'node:perf_hooks';
import { checksumTable, compareTables } from '../dist/db/compare/index.js';

const input = JSON.parse(process.env.VERIFY_BENCH_INPUT ?? '{}');
const started = performance.now();
const result =
  input.mode === 'checksum'
    ? await checksumTable(input.source, { schema: input.tables[0].schema, table: input.tables[0].table })
    : await compareTables({ source: input.source, target: input.target, tables: input.tables, ...input.options });
const ms = performance.now() - started;
// resourceUsage().maxRSS is in kilobytes.
process.stdout.write(`${JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, result })}\n`);
