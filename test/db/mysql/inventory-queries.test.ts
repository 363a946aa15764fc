import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { connectMysql } from '../../../src/db/mysql.js';
import { adminConnection, mariadbSpec } from '../../helpers/db/mariadb.js';

const MANY = 2000;

/** `count` tables in one multi-statement round trip. */
async function createTables(database: string, count: number): Promise<void> {
  const conn = await adminConnection(inject('mariadb'));
  try {
    const ddl = Array.from({ length: count }, (_, i) => `CREATE TABLE t${i} (id INT NOT NULL PRIMARY KEY, body TEXT, v VARCHAR(20));`);
    await conn.query(`DROP DATABASE IF EXISTS ${database}; CREATE DATABASE ${database}; USE ${database}; ${ddl.join('\n')}`);
  } finally {
    await conn.end();
  }
}

async function inventoryQueries(database: string): Promise<{ queries: number; tables: number; columns: number }> {
  const db = await connectMysql(mariadbSpec(inject('mariadb'), { database }));
  try {
    const before = db.queryCount;
    const inventory = await db.inventory([database]);
    return { queries: db.queryCount - before, tables: inventory.totals.tables, columns: inventory.tables.reduce((n, t) => n + t.columns.length, 0) };
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  await createTables('qc_one', 1);
  await createTables('qc_many', MANY);
}, 240_000);

afterAll(async () => {
  const conn = await adminConnection(inject('mariadb'));
  await conn.query('DROP DATABASE IF EXISTS qc_one; DROP DATABASE IF EXISTS qc_many;');
  await conn.end();
});

it(`takes the inventory of 1 table and of ${MANY} tables with the same number of queries`, async () => {
  const one = await inventoryQueries('qc_one');
  const many = await inventoryQueries('qc_many');
  expect(one).toMatchObject({ tables: 1, columns: 3 });
  expect(many).toMatchObject({ tables: MANY, columns: 3 * MANY });
  expect(many.queries).toBe(one.queries);
  // identity, schemata, tables, columns, keys, triggers, routines, foreign keys
  expect(one.queries).toBe(8);
});
