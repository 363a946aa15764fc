/**
 * A source and a target database on one of the harness's servers (MariaDB or PostgreSQL),
 * each with its own uniquely named database, plus a small engine-neutral way to run SQL on
 * either side: `?` placeholders on both engines, sessions in UTC.
 */
import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import pg from 'pg';
import type { ConnectionSpec } from '../../../src/db/types.js';
import { adminConnection, mariadbSpec } from '../../helpers/db/mariadb.js';
import type { DbServerInfo } from '../../helpers/db/server.js';

export type Engine = 'mariadb' | 'postgres';
export type Which = 'source' | 'target';
export type Stmt = string | [string, unknown[]];

export interface Pair {
  engine: Engine;
  /** The schema tables live in on both sides (MariaDB: the database; PostgreSQL: public). */
  schema: { source: string; target: string };
  spec(which: Which): ConnectionSpec;
  run(which: Which, stmt: Stmt): Promise<unknown[]>;
  insert(which: Which, table: string, columns: string[], rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

const suffix = () => randomBytes(4).toString('hex');
const toPg = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

async function mariadbPair(server: DbServerInfo, prefix: string): Promise<Pair> {
  const names = { source: `${prefix}_src_${suffix()}`, target: `${prefix}_dst_${suffix()}` };
  const admin = await adminConnection(server);
  await admin.query(`CREATE DATABASE ${names.source} DEFAULT CHARSET utf8mb4; CREATE DATABASE ${names.target} DEFAULT CHARSET utf8mb4`);
  const open = async (database: string): Promise<Connection> => {
    const c = await createConnection({
      host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, database,
      charset: 'utf8mb4_general_ci', multipleStatements: true, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true,
    });
    await c.query("SET time_zone = '+00:00'");
    return c;
  };
  const conns = { source: await open(names.source), target: await open(names.target) };
  return {
    engine: 'mariadb',
    schema: names,
    spec: (which) => mariadbSpec(server, { database: names[which], label: `${which} database ${names[which]}` }),
    async run(which, stmt) {
      const [sql, params] = typeof stmt === 'string' ? [stmt, []] : stmt;
      const [rows] = await conns[which].query(sql, params);
      return rows as unknown[];
    },
    async insert(which, table, columns, rows) {
      for (let i = 0; i < rows.length; i += 500) {
        await conns[which].query(`INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ?`, [rows.slice(i, i + 500)]);
      }
    },
    async close() {
      await conns.source.end();
      await conns.target.end();
      await admin.query(`DROP DATABASE IF EXISTS ${names.source}; DROP DATABASE IF EXISTS ${names.target}`);
      await admin.end();
    },
  };
}

async function postgresPair(server: DbServerInfo, prefix: string): Promise<Pair> {
  const names = { source: `${prefix}_src_${suffix()}`, target: `${prefix}_dst_${suffix()}` };
  const connect = async (database: string) => {
    const c = new pg.Client({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, database });
    await c.connect();
    return c;
  };
  const admin = await connect('postgres');
  await admin.query(`CREATE DATABASE ${names.source} TEMPLATE template0 ENCODING 'UTF8'`);
  await admin.query(`CREATE DATABASE ${names.target} TEMPLATE template0 ENCODING 'UTF8'`);
  const conns = { source: await connect(names.source), target: await connect(names.target) };
  await conns.source.query("SET TimeZone = 'UTC'");
  await conns.target.query("SET TimeZone = 'UTC'");
  return {
    engine: 'postgres',
    schema: { source: 'public', target: 'public' },
    spec: (which) => ({
      engine: 'postgres', host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword,
      database: names[which], tls: { mode: 'disable' }, connectTimeoutMs: 5000, label: `${which} database ${names[which]}`,
    }),
    async run(which, stmt) {
      const [sql, params] = typeof stmt === 'string' ? [stmt, []] : stmt;
      const res = await conns[which].query(params.length > 0 ? toPg(sql) : sql, params);
      return Array.isArray(res) ? [] : res.rows;
    },
    async insert(which, table, columns, rows) {
      const per = Math.max(1, Math.floor(60000 / Math.max(1, columns.length)));
      for (let i = 0; i < rows.length; i += per) {
        const batch = rows.slice(i, i + per);
        const tuples = batch.map((_, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
        await conns[which].query(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`, batch.flat());
      }
    },
    async close() {
      await conns.source.end();
      await conns.target.end();
      await admin.query(`DROP DATABASE IF EXISTS ${names.source} WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${names.target} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export function openPair(engine: Engine, server: DbServerInfo, prefix: string): Promise<Pair> {
  return engine === 'mariadb' ? mariadbPair(server, prefix) : postgresPair(server, prefix);
}

/** A clock whose sleep takes no time and runs `onSleep` (e.g. to let "CDC" catch up). */
export function fakeClock(onSleep: (ms: number) => void | Promise<void> = () => {}) {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    async sleep(ms: number) {
      sleeps.push(ms);
      now += ms;
      await onSleep(ms);
    },
  };
}
