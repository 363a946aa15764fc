/**
 * Write freeze against a real MariaDB. `SET GLOBAL read_only` is server-wide, so this file
 * starts its own throwaway server instead of touching the shared one other files use.
 */
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freeze, freezePlan, unfreeze, unfreezePlan } from '../../../src/db/freeze.js';
import { ExitCode, PromigrateError, UsageError } from '../../../src/errors.js';
import { adminConnection, mariadbSpec, startMariadb } from '../../helpers/db/mariadb.js';
import type { DbServer } from '../../helpers/db/server.js';

const DB = 'shop';
let server: DbServer;
let admin: Connection;
const open: Connection[] = [];

/** A connection of the application's (non-SUPER) user. */
async function app(): Promise<Connection> {
  const conn = await createConnection({ host: server.host, port: server.port, user: 'app', password: 'app-pw', database: DB });
  open.push(conn);
  return conn;
}
const readOnly = async () => {
  const [rows] = await admin.query<any[]>('SELECT @@GLOBAL.read_only AS ro');
  return Number(rows[0].ro);
};
const refused = /ER_OPTION_PREVENTS_STATEMENT/;
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => String(e.code));

beforeAll(async () => {
  server = await startMariadb();
  admin = await adminConnection(server);
  await admin.query(`
    CREATE DATABASE ${DB}; CREATE TABLE ${DB}.orders (id INT PRIMARY KEY);
    CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'; GRANT SELECT, INSERT, UPDATE, DELETE ON ${DB}.* TO 'app'@'%';`);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.end().catch(() => c.destroy())));
  await admin.query(`SET GLOBAL read_only = OFF; DELETE FROM ${DB}.orders`);
});

afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

describe('freeze / unfreeze — MariaDB', () => {
  const spec = () => mariadbSpec(server, { database: DB });

  it('freeze: read_only on, a write from an application connection is refused; unfreeze lifts it', async () => {
    const writer = await app();
    await writer.query('INSERT INTO orders VALUES (1)');

    const result = await freeze(spec());
    expect(result.alreadyFrozen).toBe(false);
    expect(result.record).toEqual({ engine: 'mariadb', before: { read_only: 'OFF' }, set: ['read_only'] });
    expect(result.statements).toEqual(['SET SESSION lock_wait_timeout = 30', 'SET GLOBAL read_only = ON']);
    expect(result.notes.join(' ')).toMatch(/READ_ONLY ADMIN .* can still write/);
    expect(await readOnly()).toBe(1);
    expect(await codeOf(writer.query('INSERT INTO orders VALUES (2)'))).toMatch(refused);
    expect(await codeOf((await app()).query('UPDATE orders SET id = 3 WHERE id = 1'))).toMatch(refused);
    expect(await codeOf(writer.query('SELECT * FROM orders'))).toBe('ok'); // reads go on

    // The record survives a trip through state.json (rollback may run in another process).
    const record = JSON.parse(JSON.stringify(result.record));
    expect(unfreezePlan(record).statements).toEqual(['SET GLOBAL read_only = OFF']);
    const lifted = await unfreeze(spec(), record);
    expect(lifted).toMatchObject({ lifted: true, statements: ['SET GLOBAL read_only = OFF'] });
    expect(await readOnly()).toBe(0);
    expect(await codeOf(writer.query('INSERT INTO orders VALUES (2)'))).toBe('ok');
  });

  it('a write transaction still open when the freeze lands cannot commit', async () => {
    const writer = await app();
    await writer.query('BEGIN');
    await writer.query('INSERT INTO orders VALUES (10)');
    await freeze(spec(), { lockWaitSeconds: 2 });
    expect(await codeOf(writer.query('COMMIT'))).toMatch(refused);
    const [rows] = await admin.query<any[]>(`SELECT COUNT(*) AS n FROM ${DB}.orders WHERE id = 10`);
    expect(Number(rows[0].n)).toBe(0);
  });

  it('unfreeze leaves a read_only that was already on before promigrate alone', async () => {
    await admin.query('SET GLOBAL read_only = ON');
    const result = await freeze(spec());
    expect(result).toMatchObject({ alreadyFrozen: true, statements: [], record: { before: { read_only: 'ON' }, set: [] } });
    const lifted = await unfreeze(spec(), result.record);
    expect(lifted.lifted).toBe(false);
    expect(lifted.statements).toEqual([]);
    expect(await readOnly()).toBe(1);
    expect(await codeOf((await app()).query('INSERT INTO orders VALUES (1)'))).toMatch(refused);
  });

  it('unfreeze does not fight someone who lifted it already', async () => {
    const result = await freeze(spec());
    await admin.query('SET GLOBAL read_only = OFF');
    const lifted = await unfreeze(spec(), result.record);
    expect(lifted).toMatchObject({ lifted: false, statements: [] });
    expect(lifted.notes.join(' ')).toMatch(/already lifted/);
  });

  it('a user without the privilege gets a usage error naming the grant, and nothing changes', async () => {
    const err = await freeze(mariadbSpec(server, { user: 'app', password: 'app-pw', database: DB })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/user app may not set read_only/);
    expect((err as UsageError).hint).toMatch(/GRANT SUPER/);
    expect(await readOnly()).toBe(0);
  });

  it('an unreachable server is a usage error', async () => {
    const err = await freeze(mariadbSpec(server, { port: 1, database: DB })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PromigrateError);
    expect((err as PromigrateError).exitCode).toBe(ExitCode.badInput);
  });
});

describe('freezePlan (no connection)', () => {
  const nowhere = { host: '192.0.2.1', port: 1, user: 'u', database: 'shop', tls: { mode: 'disable' as const }, connectTimeoutMs: 1, label: 'source database' };

  it('MariaDB: read_only; MySQL: super_read_only (unless told not to)', () => {
    expect(freezePlan({ ...nowhere, engine: 'mariadb' }).statements).toEqual(['SET SESSION lock_wait_timeout = 30', 'SET GLOBAL read_only = ON']);
    expect(freezePlan({ ...nowhere, engine: 'mysql' }).statements).toEqual(['SET SESSION lock_wait_timeout = 30', 'SET GLOBAL super_read_only = ON']);
    expect(freezePlan({ ...nowhere, engine: 'mysql' }, { superReadOnly: false, lockWaitSeconds: 5 }).statements).toEqual([
      'SET SESSION lock_wait_timeout = 5',
      'SET GLOBAL read_only = ON',
    ]);
  });

  it('PostgreSQL: ALTER DATABASE per database, then the session termination', () => {
    const plan = freezePlan({ ...nowhere, engine: 'postgres' }, { databases: ['shop', 'we"ird'], keepUsers: ["dms'user"] });
    expect(plan.statements).toEqual([
      'ALTER DATABASE "shop" SET default_transaction_read_only = on',
      'ALTER DATABASE "we""ird" SET default_transaction_read_only = on',
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IN ('shop', 'we\"ird') AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND usename NOT IN ('dms''user')",
    ]);
    expect(freezePlan({ ...nowhere, engine: 'postgres' }, { terminateSessions: false }).statements).toHaveLength(1);
  });

  it('unfreezePlan of a MySQL record restores super_read_only before read_only', () => {
    expect(unfreezePlan({ engine: 'mysql', before: { read_only: 'OFF', super_read_only: 'OFF' }, set: ['super_read_only', 'read_only'] }).statements).toEqual([
      'SET GLOBAL super_read_only = OFF',
      'SET GLOBAL read_only = OFF',
    ]);
    expect(unfreezePlan({ engine: 'mysql', before: { read_only: 'ON', super_read_only: 'OFF' }, set: ['super_read_only'] }).statements).toEqual([
      'SET GLOBAL super_read_only = OFF',
    ]);
  });
});
