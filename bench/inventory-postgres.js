// PostgreSQL inventory benchmark: 5,000 tables generated in a throwaway server (one DO
// block), inventory wall time and query count, against 50 tables measured in the same run.
// Bar: ≤ 3 s for 5,000 tables, and the same query count as for 50.
// Needs the build (dist/) and PostgreSQL's server binaries (.ci/run installs them).
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { connectPostgres } from '../dist/db/postgres.js';
import { startPostgresServer } from '../scripts/db/postgres-server.js';

const BAR_MS = 3000;
const RUNS = 3;

/** One DO block; it commits every 500 tables so thousands of CREATEs fit the default lock table. */
const createTablesSql = (n) => `DO $$
BEGIN
  FOR i IN 1..${n} LOOP
    EXECUTE format('CREATE TABLE t_%s (id bigint PRIMARY KEY, name varchar(100) NOT NULL, body text, created timestamptz)', i);
    IF i % 500 = 0 THEN COMMIT; END IF;
  END LOOP;
END $$`;

async function admin(server, database, sql) {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, database });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createDatabase(server, name, tables) {
  await admin(server, 'postgres', `CREATE DATABASE ${name}`);
  const start = performance.now();
  await admin(server, name, createTablesSql(tables));
  await admin(server, name, 'ANALYZE');
  return performance.now() - start;
}

/** Best wall time of RUNS inventories on one connection, and the queries one inventory costs. */
async function measure(server, database) {
  const db = await connectPostgres({
    engine: 'postgres', host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword,
    database, tls: { mode: 'disable' }, connectTimeoutMs: 10_000, label: `bench ${database}`,
  });
  try {
    await db.version();
    let best = Infinity;
    let queries = 0;
    let tables = 0;
    for (let i = 0; i < RUNS; i++) {
      const before = db.queryCount;
      const start = performance.now();
      const inv = await db.inventory([database]);
      best = Math.min(best, performance.now() - start);
      queries = db.queryCount - before;
      tables = inv.totals.tables;
    }
    return { ms: best, queries, tables };
  } finally {
    await db.close();
  }
}

export async function benchPostgresInventory({ tables = 5000, baseline = 50 } = {}) {
  const server = await startPostgresServer();
  try {
    const setupMs = (await createDatabase(server, 'bench_base', baseline)) + (await createDatabase(server, 'bench_large', tables));
    const base = await measure(server, 'bench_base');
    const large = await measure(server, 'bench_large');
    return { server: server.version, tables, baseline, base, large, setupMs, barMs: BAR_MS, ratio: large.ms / base.ms };
  } finally {
    await server.stop();
  }
}

export function formatPostgresInventory(r) {
  const row = (label, m) => `${label.padEnd(16)} ${m.ms.toFixed(0).padStart(6)} ms  ${String(m.queries).padStart(3)} queries  (${m.tables} tables)`;
  const timeOk = r.large.ms <= r.barMs;
  const countOk = r.large.queries === r.base.queries;
  return [
    `# postgres inventory: ${r.tables} tables vs ${r.baseline} (PostgreSQL ${r.server}, best of ${RUNS}; setup ${(r.setupMs / 1000).toFixed(1)} s)`,
    row(`${r.baseline} tables`, r.base),
    row(`${r.tables} tables`, r.large),
    `wall time ${(r.large.ms / 1000).toFixed(2)} s (bar ≤ ${r.barMs / 1000} s): ${timeOk ? 'ok' : 'OVER'}; ${r.ratio.toFixed(1)}× the baseline`,
    `query count ${r.large.queries} vs ${r.base.queries} (bar: independent of table count): ${countOk ? 'ok' : 'DIFFERS'}`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatPostgresInventory(await benchPostgresInventory()));
}
