// Verify benchmark (issue 8): promigrate's data comparison on a 1M-row table in a throwaway
// MariaDB — a source database and a target copy with 12 seeded differences (bench/verify-data.js)
// — against percona-toolkit in the same run, and the comparison's peak RSS at 1M and 10M rows.
// Bars: two-side compare wall time ≤ 1.0× `pt-table-sync --print` on the same pair; rows/s
// checksummed per side ≥ 1.0× `pt-table-checksum` on the source; peak RSS ≤ 150 MB at 1M and
// 10M rows (flat); all 12 differences found, nothing else reported.
// Per side is measured like for like: checksumTable (the compare's own chunk walk and digest
// queries) on the source alone, one query at a time as pt-table-checksum runs. The rate while
// the compare digests both sides at once is printed too: here both "servers" are one mysqld
// on the same cores, so each side gets about half the machine.
// percona-toolkit is installed with apt-get when missing (as root); when that fails the pt
// ratios are reported as unavailable. Needs the build (dist/) and mariadb-server; run alone
// with `node bench/verify-compare.js` (VERIFY_BENCH_ROWS / VERIFY_BENCH_LARGE_ROWS change the
// sizes; VERIFY_BENCH_LARGE_ROWS=0 skips the large table).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createConnection } from 'mysql2/promise';
import { startMariadbServer } from '../scripts/db/mariadb-server.js';
import { generatePair, TABLE } from './verify-data.js';

const ROWS = Number(process.env.VERIFY_BENCH_ROWS ?? 1_000_000);
const LARGE_ROWS = Number(process.env.VERIFY_BENCH_LARGE_ROWS ?? 10_000_000);
const REPEAT = 3; // each tool runs this often on the 1M pair; the best run counts (noise on a shared machine)
const RSS_BAR = 150 * 2 ** 20;
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'verify-child.js');
// Bigger than the harness default (32 MB) so neither tool reads the 1M pair from the OS cache;
// a larger redo log for the bulk load; no binlog (nothing replicates in this benchmark).
const SERVER_SETTINGS = { log_bin: null, innodb_buffer_pool_size: '1G', innodb_log_file_size: '256M' };

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // next
    }
  }
  return false;
}

const lastLine = (text) => String(text ?? '').trim().split('\n').filter(Boolean).at(-1) ?? '';

/** percona-toolkit on PATH, installed with apt-get when missing: { available, installed?, reason? }. */
function ensurePerconaToolkit() {
  if (onPath('pt-table-checksum') && onPath('pt-table-sync')) return { available: true };
  if (process.getuid?.() !== 0) return { available: false, reason: 'percona-toolkit is not installed and installing it with apt-get needs root' };
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'percona-toolkit'], { env, encoding: 'utf8', timeout: 600_000 });
  let r = install();
  if (r.status !== 0) {
    // The package lists may be missing or stale (a fresh container): refresh once and retry.
    spawnSync('apt-get', ['update'], { env, encoding: 'utf8', timeout: 600_000 });
    r = install();
  }
  if (r.error || r.status !== 0 || !onPath('pt-table-checksum')) {
    return { available: false, reason: `apt-get install percona-toolkit failed: ${r.error?.message ?? (lastLine(r.stderr) || `exit ${r.status}`)}` };
  }
  return { available: true, installed: true };
}

const run = (cmd, args, options = {}) =>
  new Promise((resolve) => {
    const started = performance.now();
    execFile(cmd, args, { maxBuffer: 64 * 2 ** 20, ...options }, (error, stdout, stderr) => resolve({ error, stdout, stderr, ms: performance.now() - started }));
  });

function spec(server, database, label) {
  return { engine: 'mariadb', host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, database, tls: { mode: 'disable' }, connectTimeoutMs: 10_000, label };
}

async function inChild(input) {
  const r = await run(process.execPath, [CHILD], { env: { ...process.env, VERIFY_BENCH_INPUT: JSON.stringify(input) } });
  if (r.error) throw new Error(`the ${input.mode ?? 'comparison'} failed: ${lastLine(r.stderr) || r.error.message}`);
  return { processMs: r.ms, ...JSON.parse(lastLine(r.stdout)) };
}

/** checksumTable on the source alone in a child process: one side's rows/s, as pt-table-checksum is timed. */
async function checksumInChild(server, source) {
  const out = await inChild({ mode: 'checksum', source: spec(server, source, `source ${source}`), tables: [{ schema: source, table: TABLE }] });
  return { processMs: out.processMs, ms: out.ms, rows: out.result.rows, chunks: out.result.chunks };
}

/** compareTables in a child process: wall time of the process, of the comparison, its result and peak RSS. */
async function compareInChild(server, source, target, tables) {
  const input = {
    source: spec(server, source, `source ${source}`),
    target: spec(server, target, `target ${target}`),
    tables: tables.map((table) => ({ schema: source, table, targetSchema: target })),
    // No CDC in the benchmark: no re-check delay. Keep every differing key for the tally.
    options: { recheck: { delayMs: 0, attempts: 0 }, sampleKeys: 50 },
  };
  const out = await inChild(input);
  return { processMs: out.processMs, ms: out.ms, maxRssBytes: out.maxRssBytes, table: out.result.tables[0] };
}

/** Which of the seeded differences the result lists under the right kind, and what else it lists. */
function tally(table, differences) {
  const listed = new Map();
  for (const kind of ['missing', 'extra', 'changed']) for (const key of table.mismatches[kind].keys) listed.set(`${kind}:${key.join(',')}`, true);
  const found = differences.filter((d) => listed.has(`${d.kind}:${d.key}`)).length;
  const expected = new Set(differences.map((d) => `${d.kind}:${d.key}`));
  const reported = ['missing', 'extra', 'changed'].reduce((n, k) => n + table.mismatches[k].count, 0);
  const unexpected = [...listed.keys()].filter((k) => !expected.has(k));
  return { found, of: differences.length, reported, unexpected };
}

/** A client options file for the pt tools, so the password is not on their command lines. */
function ptDefaults(dir, server) {
  const file = join(dir, 'pt.cnf');
  writeFileSync(file, `[client]\nuser=${server.adminUser}\npassword=${server.adminPassword}\n`, { mode: 0o600 });
  return `F=${file},h=${server.host},P=${server.port}`;
}

async function ptTableSync(dsn, source, target) {
  const r = await run('pt-table-sync', ['--print', '--no-version-check', `${dsn},D=${source},t=${TABLE}`, `${dsn},D=${target},t=${TABLE}`]);
  if (r.error && r.error.code !== 2) return { error: lastLine(r.stderr) || r.error.message };
  return { ms: r.ms, statements: r.stdout.split('\n').filter((l) => /^(INSERT|UPDATE|DELETE|REPLACE)\b/.test(l)).length };
}

async function ptTableChecksum(dsn, source) {
  const r = await run('pt-table-checksum', [
    dsn, '--recursion-method=none', '--no-check-replication-filters', '--no-check-binlog-format', '--no-version-check',
    `--databases=${source}`, `--tables=${TABLE}`,
  ]);
  // Its exit status is a bit mask of warnings (e.g. 32 "skipped chunks"); only a missing row line is a failure.
  const line = r.stdout.split('\n').find((l) => l.trim().endsWith(`${source}.${TABLE}`));
  if (!line) return { error: lastLine(r.stderr) || lastLine(r.stdout) || String(r.error?.message) };
  const cols = line.trim().split(/\s+/); // TS ERRORS DIFFS ROWS DIFF_ROWS CHUNKS SKIPPED TIME TABLE
  return { processMs: r.ms, rows: Number(cols[3]), chunks: Number(cols[5]), ms: Number(cols[7]) * 1000 };
}

/**
 * Waits (up to 2 min) until InnoDB has purged the undo of the bulk load, so no tool is timed
 * while the purge threads still compete for the same cores.
 */
async function settle(server) {
  const conn = await createConnection({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword });
  try {
    for (let waited = 0; waited < 120_000; waited += 250) {
      const [[row]] = await conn.query("SELECT COUNT AS n FROM information_schema.INNODB_METRICS WHERE NAME = 'trx_rseg_history_len'");
      if (!row || Number(row.n) < 1000) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await conn.end();
  }
}

/** Reads both tables once so every tool below starts from the same warm buffer pool. */
async function warm(server, databases) {
  const conn = await createConnection({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword });
  try {
    for (const db of databases) await conn.query(`SELECT COUNT(*), SUM(LENGTH(body)) FROM ${db}.${TABLE}`);
  } finally {
    await conn.end();
  }
}

async function dropDatabases(server, databases) {
  const conn = await createConnection({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword });
  try {
    for (const db of databases) await conn.query(`DROP DATABASE IF EXISTS ${db}`);
  } finally {
    await conn.end();
  }
}

const best = (runs, key) => runs.filter((r) => r && !r.error).sort((a, b) => a[key] - b[key])[0];

export async function benchVerifyCompare() {
  const pt = ensurePerconaToolkit();
  const server = await startMariadbServer({ settings: SERVER_SETTINGS });
  const dir = mkdtempSync(join(tmpdir(), 'promigrate-verify-bench-'));
  try {
    let started = performance.now();
    const { differences } = await generatePair(server, { source: 'bench_src', target: 'bench_dst', rows: ROWS });
    const setupMs = performance.now() - started;
    await settle(server);
    await warm(server, ['bench_src', 'bench_dst']);
    const baseline = await compareInChild(server, 'bench_src', 'bench_dst', []); // Node + driver + engine, no table

    const ours = [];
    const sides = [];
    const syncs = [];
    const checksums = [];
    const dsn = pt.available ? ptDefaults(dir, server) : undefined;
    for (let i = 0; i < REPEAT; i++) {
      ours.push(await compareInChild(server, 'bench_src', 'bench_dst', [TABLE]));
      sides.push(await checksumInChild(server, 'bench_src'));
      if (dsn) {
        syncs.push(await ptTableSync(dsn, 'bench_src', 'bench_dst'));
        checksums.push(await ptTableChecksum(dsn, 'bench_src'));
      }
    }
    const mine = best(ours, 'processMs');
    const result = {
      version: server.version,
      rows: ROWS,
      setupMs,
      pt,
      runs: ours.length,
      ours: { ...mine, maxRssBytes: Math.max(...ours.map((o) => o.maxRssBytes)), tally: tally(mine.table, differences), allMs: ours.map((o) => o.ms) },
      side: { ...best(sides, 'ms'), allMs: sides.map((o) => o.ms) },
      baselineRssBytes: baseline.maxRssBytes,
      sync: dsn ? (best(syncs, 'ms') ?? syncs[0]) : undefined,
      checksum: dsn ? (best(checksums, 'ms') ?? checksums[0]) : undefined,
      allSyncMs: syncs.map((s) => s.ms),
      allChecksumMs: checksums.map((c) => c.ms),
    };

    if (LARGE_ROWS > 0) {
      await dropDatabases(server, ['bench_src', 'bench_dst', 'percona']);
      started = performance.now();
      const large = await generatePair(server, { source: 'large_src', target: 'large_dst', rows: LARGE_ROWS });
      const largeSetupMs = performance.now() - started;
      await settle(server);
      const r = await compareInChild(server, 'large_src', 'large_dst', [TABLE]);
      result.large = { rows: LARGE_ROWS, setupMs: largeSetupMs, ms: r.ms, maxRssBytes: r.maxRssBytes, tally: tally(r.table, large.differences) };
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
  }
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const met = (ok) => (ok ? 'met' : 'NOT met');

export function formatVerifyCompare(r) {
  const o = r.ours;
  const perSide = (o.table.rows.source / o.table.stats.scanMs) * 1000;
  const lines = [
    `# verify compare: MariaDB ${r.version}, ${r.rows.toLocaleString('en-US')}-row table, source vs a target copy with ${o.tally.of} seeded differences (generated in ${s(r.setupMs)}; best of ${r.runs} runs each)`,
    `differences found       ${o.tally.found}/${o.tally.of} (${o.tally.reported} rows reported; ${o.tally.unexpected.length === 0 ? 'nothing else' : `also ${o.tally.unexpected.join(' ')}`})`,
    `promigrate compare      ${s(o.processMs)} process wall time (comparison ${s(o.ms)}; runs ${o.allMs.map(s).join(', ')}), ${o.table.chunks.total} chunks, ${o.table.stats.queries} queries`,
  ];
  if (!r.pt.available) {
    lines.push(`pt-table-sync ratio     unavailable: ${r.pt.reason}`, `pt-table-checksum ratio unavailable: ${r.pt.reason}`);
  } else {
    if (r.sync?.error) lines.push(`pt-table-sync ratio     unavailable: pt-table-sync failed: ${r.sync.error}`);
    else {
      const ratio = o.processMs / r.sync.ms;
      lines.push(`vs pt-table-sync        ${ratio.toFixed(2)}× its wall time (${s(o.processMs)} vs ${s(r.sync.ms)} for --print, ${r.sync.statements} statements; runs ${r.allSyncMs.map(s).join(', ')}) (bar ≤ 1.0×: ${met(ratio <= 1)})`);
    }
    if (r.checksum?.error) lines.push(`pt-table-checksum ratio unavailable: pt-table-checksum failed: ${r.checksum.error}`);
    else {
      const theirs = (r.checksum.rows / r.checksum.ms) * 1000;
      const oneSide = (r.side.rows / r.side.ms) * 1000;
      const ratio = oneSide / theirs;
      lines.push(
        `rows/s per side         ${ratio.toFixed(2)}× pt-table-checksum (${Math.round(oneSide).toLocaleString('en-US')} rows/s: checksumTable on the source alone, the compare's chunk walk and digest, ${r.side.chunks} chunks, runs ${r.side.allMs.map(s).join(', ')}; vs ${Math.round(theirs).toLocaleString('en-US')} rows/s on the source by its own TIME, ${r.checksum.chunks} chunks, runs ${r.allChecksumMs.map(s).join(', ')}) (bar ≥ 1.0×: ${met(ratio >= 1)})`,
        `  both sides at once     ${(perSide / theirs).toFixed(2)}× (${Math.round(perSide).toLocaleString('en-US')} rows/s on each side during the compare's scan, which digests source and target together on this one ${cpus().length}-core server)`,
      );
    }
  }
  lines.push(`peak RSS                ${mb(o.maxRssBytes)} for ${r.rows.toLocaleString('en-US')} rows (bar ≤ 150 MB: ${met(o.maxRssBytes <= RSS_BAR)}); Node + engine alone ${mb(r.baselineRssBytes)}`);
  if (r.large) {
    const flat = r.large.maxRssBytes <= Math.max(RSS_BAR, o.maxRssBytes * 1.25);
    lines.push(
      `peak RSS, large table   ${mb(r.large.maxRssBytes)} for ${r.large.rows.toLocaleString('en-US')} rows (bar ≤ 150 MB: ${met(r.large.maxRssBytes <= RSS_BAR)}; flat: ${flat ? 'yes' : 'NO'}); compared in ${s(r.large.ms)} (${Math.round((r.large.rows / r.large.ms) * 1000).toLocaleString('en-US')} rows/s per side), ${r.large.tally.found}/${r.large.tally.of} differences found, generated in ${s(r.large.setupMs)}`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(formatVerifyCompare(await benchVerifyCompare()));
