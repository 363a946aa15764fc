/**
 * Write freeze against a real PostgreSQL. The freeze is per database (ALTER DATABASE, and
 * only sessions of that database are terminated), so this file uses its own database and
 * roles on the shared server.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freeze, unfreeze, unfreezePlan } from '../../../src/db/freeze.js';
import { UsageError } from '../../../src/errors.js';
import type { DbServerInfo } from '../../helpers/db/server.js';
import { adminSql, createDatabase, sharedServer, specFor, uniqueRole } from '../postgres/support.js';

let server: DbServerInfo;
let db: string;
const freezer = uniqueRole('freezer');
const appUser = uniqueRole('app');
const keeper = uniqueRole('keeper');
const clients: pg.Client[] = [];

async function connect(user: string, password = 'pw'): Promise<pg.Client> {
  const client = new pg.Client({ host: server.host, port: server.port, user, password, database: db });
  client.on('error', () => undefined); // a terminated idle session emits 'error'
  await client.connect();
  clients.push(client);
  return client;
}
const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string; message?: string }) => e.code ?? e.message ?? 'error');
/** The database's own setting of default_transaction_read_only, as pg_db_role_setting holds it. */
async function dbSetting(): Promise<string | undefined> {
  const admin = new pg.Client({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, database: 'postgres' });
  await admin.connect();
  try {
    const res = await admin.query<{ c: string[] | null }>(
      'SELECT s.setconfig AS c FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1 AND s.setrole = 0',
      [db],
    );
    return res.rows[0]?.c?.find((x) => x.startsWith('default_transaction_read_only='));
  } finally {
    await admin.end();
  }
}
const spec = (user = freezer) => specFor(server, db, { user, password: 'pw' });

beforeAll(async () => {
  server = sharedServer();
  db = await createDatabase(server, 'freeze');
  await adminSql(server, 'postgres', `
    CREATE ROLE ${freezer} LOGIN PASSWORD 'pw'; GRANT pg_signal_backend TO ${freezer};
    CREATE ROLE ${appUser} LOGIN PASSWORD 'pw'; CREATE ROLE ${keeper} LOGIN PASSWORD 'pw';
    ALTER DATABASE ${db} OWNER TO ${freezer};`);
  await adminSql(server, db, `
    CREATE TABLE orders (id int PRIMARY KEY);
    GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO ${appUser}, ${keeper};`);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
  await adminSql(server, 'postgres', `ALTER DATABASE ${db} RESET default_transaction_read_only`);
  await adminSql(server, db, 'DELETE FROM orders');
});

afterAll(async () => {
  if (!db) return;
  await adminSql(server, 'postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`); // not in a multi-statement transaction
  await adminSql(server, 'postgres', `DROP ROLE IF EXISTS ${freezer}; DROP ROLE IF EXISTS ${appUser}; DROP ROLE IF EXISTS ${keeper};`);
});

describe('freeze / unfreeze — PostgreSQL', () => {
  it('freeze: the database default turns read-only, writers are terminated, a new write is refused; unfreeze lifts it', async () => {
    const idle = await connect(appUser);
    const inTx = await connect(appUser);
    await inTx.query('BEGIN');
    await inTx.query('INSERT INTO orders VALUES (1)');
    const idlePid = (await idle.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;
    const txPid = (await inTx.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;

    const result = await freeze(spec());
    expect(result.alreadyFrozen).toBe(false);
    expect(result.statements).toEqual([`ALTER DATABASE "${db}" SET default_transaction_read_only = on`]);
    expect(result.record).toMatchObject({ engine: 'postgres', databases: [{ name: db, before: null, set: true }], terminateSessions: true });
    expect(result.record.engine === 'postgres' && result.record.frozenAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // (whether a session was writing is visible only with pg_read_all_stats: not reported here)
    expect(result.sessions).toEqual([idlePid, txPid].sort((x, y) => x - y).map((pid) => ({ pid, user: appUser, database: db, application: '', terminated: true })));
    expect(await dbSetting()).toBe('default_transaction_read_only=on');

    // Both old sessions are gone (the open transaction rolled back); a new session cannot write.
    expect(await outcome(idle.query('INSERT INTO orders VALUES (2)'))).not.toBe('ok');
    expect(await outcome(inTx.query('COMMIT'))).not.toBe('ok');
    const during = await connect(appUser);
    expect(await outcome(during.query('INSERT INTO orders VALUES (3)'))).toBe('25006'); // read_only_sql_transaction
    expect(await outcome(during.query('SELECT count(*) FROM orders'))).toBe('ok');

    const record = JSON.parse(JSON.stringify(result.record));
    expect(unfreezePlan(record).statements).toEqual([`ALTER DATABASE "${db}" RESET default_transaction_read_only`]);
    const lifted = await unfreeze(spec(), record);
    expect(lifted.lifted).toBe(true);
    expect(lifted.statements).toEqual([`ALTER DATABASE "${db}" RESET default_transaction_read_only`]);
    // The session opened while frozen started read-only: terminated so that it reconnects read-write.
    expect(lifted.sessions.map((s) => [s.user, s.terminated])).toEqual([[appUser, true]]);
    expect(await outcome(during.query('SELECT 1'))).not.toBe('ok');
    expect(await dbSetting()).toBeUndefined();
    const after = await connect(appUser);
    expect(await outcome(after.query('INSERT INTO orders VALUES (4)'))).toBe('ok');
    expect((await after.query('SELECT id FROM orders ORDER BY id')).rows).toEqual([{ id: 4 }]);
  });

  it('unfreeze leaves a read-only default that was there before promigrate alone', async () => {
    await adminSql(server, 'postgres', `ALTER DATABASE ${db} SET default_transaction_read_only = on`);
    const result = await freeze(spec());
    expect(result.alreadyFrozen).toBe(true);
    expect(result.statements).toEqual([]);
    const lifted = await unfreeze(spec(), result.record);
    expect(lifted).toMatchObject({ lifted: false, statements: [] });
    expect(await dbSetting()).toBe('default_transaction_read_only=on');
    expect(await outcome((await connect(appUser)).query('INSERT INTO orders VALUES (1)'))).toBe('25006');
  });

  it('restores an explicit previous value exactly (off stays an explicit off)', async () => {
    await adminSql(server, 'postgres', `ALTER DATABASE ${db} SET default_transaction_read_only = off`);
    const result = await freeze(spec(), { terminateSessions: false });
    expect(result.record).toMatchObject({ databases: [{ before: 'off', set: true }] });
    expect(result.sessions).toEqual([]);
    const lifted = await unfreeze(spec(), result.record);
    expect(lifted.statements).toEqual([`ALTER DATABASE "${db}" SET default_transaction_read_only = off`]);
    expect(await dbSetting()).toBe('default_transaction_read_only=off');
  });

  it('as a superuser: reports which terminated sessions were writing', async () => {
    const idle = await connect(appUser);
    const inTx = await connect(appUser);
    await inTx.query('BEGIN');
    await inTx.query('INSERT INTO orders VALUES (1)');
    const pidOf = async (c: pg.Client) => (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;
    const [idlePid, txPid] = [await pidOf(idle), await pidOf(inTx)];
    const result = await freeze(specFor(server, db));
    expect(result.sessions.map((x) => [x.pid, x.writing, x.terminated])).toEqual(
      [[idlePid, false, true], [txPid, true, true]].sort((x, y) => Number(x[0]) - Number(y[0])),
    );
    await unfreeze(specFor(server, db), result.record);
    expect(await dbSetting()).toBeUndefined();
  });

  it('keepUsers: their sessions stay connected', async () => {
    const kept = await connect(keeper);
    const result = await freeze(spec(), { keepUsers: [keeper] });
    expect(result.sessions).toEqual([]);
    expect(await outcome(kept.query('SELECT 1'))).toBe('ok');
    await unfreeze(spec(), result.record);
    expect(await outcome(kept.query('SELECT 1'))).toBe('ok');
  });

  it('a user who does not own the database gets a usage error, and nothing changes', async () => {
    const err = await freeze(spec(appUser)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(new RegExp(`user ${appUser} may not ALTER DATABASE ${db}`));
    expect((err as UsageError).hint).toMatch(/owner or a superuser/);
    expect(await dbSetting()).toBeUndefined();
  });

  it('an unknown database is a usage error', async () => {
    await expect(freeze(spec(), { databases: [db, 'no_such_db_here'] })).rejects.toThrow(/there is no database "no_such_db_here"/);
  });
});
