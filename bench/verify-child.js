// Child process of the verify benchmark: runs one compareTables() (from the build) and prints
// one JSON line — the comparison's wall time, its result and this process's peak RSS — so the
// parent measures the comparison's memory alone. Input (connection specs with the password of a
// throwaway server) comes in the VERIFY_BENCH_INPUT environment variable, not on the command line.
import { performance } from 'node:perf_hooks';
import { compareTables } from '../dist/db/compare/index.js';

const input = JSON.parse(process.env.VERIFY_BENCH_INPUT ?? '{}');
const started = performance.now();
const result = await compareTables({ source: input.source, target: input.target, tables: input.tables, ...input.options });
const ms = performance.now() - started;
// resourceUsage().maxRSS is in kilobytes.
process.stdout.write(`${JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, result })}\n`);
