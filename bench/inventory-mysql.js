// MySQL/MariaDB inventory benchmark: a throwaway MariaDB with 5,000 generated tables, the
// inventory's wall time and query count, against 50 tables as the baseline in the same run.
// Bars: ≤ 3 s for 5,000 tables, and the same query count for both (independent of table count).
// Needs the build (dist/) and mariadb-server; run alone with `node bench/inventory-mysql.js`.
import { createConnection } from 'mysql2/promise';
import { connectMysql } from '../dist/db/mysql.js';
import { startMariadbServer } from '../scripts/db/mariadb-server.js';

const LARGE = 5000;
const BASELINE = 50;
const BAR_MS = 3000;

/** `count` tables of a typical shape (key, a few columns, a TEXT, a secondary unique key), in batched multi-statements. */
async function generate(server, database, count) {
  const conn = await createConnection({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, multipleStatements: true });
  try {
    await conn.query(`CREATE DATABASE ${database}; USE ${database}`);
    for (let start = 0; start < count; start += 1000) {
      const ddl = [];
      for (let i = start; i < Math.min(count, start + 1000); i++) {
        ddl.push(`CREATE TABLE t${i} (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, code VARCHAR(32) NOT NULL, name VARCHAR(200) NULL, body TEXT NULL, amount DECIMAL(12,2) NULL, created DATETIME NOT NULL, UNIQUE KEY uq_code (code)) ENGINE=InnoDB;`);
      }
      await conn.query(ddl.join('\n'));
    }
  } finally {
    await conn.end();
  }
}

async function measure(server, database) {
  const db = await connectMysql({
    engine: 'mariadb', host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword,
    database, tls: { mode: 'disable' }, connectTimeoutMs: 5000, label: `bench ${database}`,
  });
  try {
    await db.version(); // the identity query is cached: count only the inventory's own round trips
    const before = db.queryCount;
    const started = performance.now();
    const inventory = await db.inventory([database]);
    return { tables: inventory.totals.tables, ms: performance.now() - started, queries: db.queryCount - before };
  } finally {
    await db.close();
  }
}

export async function benchMysqlInventory() {
  const server = await startMariadbServer();
  try {
    const setupStart = performance.now();
    await generate(server, 'bench_base', BASELINE);
    await generate(server, 'bench_large', LARGE);
    const setupMs = performance.now() - setupStart;
    await measure(server, 'bench_base'); // warm the server's table-definition cache for a fair baseline
    const baseline = await measure(server, 'bench_base');
    const large = await measure(server, 'bench_large');
    return { version: server.version, setupMs, baseline, large, barMs: BAR_MS };
  } finally {
    await server.stop();
  }
}

export function formatMysqlInventory(r) {
  const sameQueries = r.large.queries === r.baseline.queries;
  return [
    `# inventory: MariaDB ${r.version}, ${r.large.tables} generated tables vs ${r.baseline.tables} (generated in ${(r.setupMs / 1000).toFixed(1)} s)`,
    `wall time               ${r.large.ms.toFixed(0)} ms for ${r.large.tables} tables (bar ≤ ${r.barMs} ms: ${r.large.ms <= r.barMs ? 'met' : 'NOT met'}); baseline ${r.baseline.ms.toFixed(0)} ms for ${r.baseline.tables}`,
    `queries                 ${r.large.queries} for ${r.large.tables} tables vs ${r.baseline.queries} for ${r.baseline.tables} (independent of table count: ${sameQueries ? 'yes' : 'NO'})`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(formatMysqlInventory(await benchMysqlInventory()));
