import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMysql, type MysqlDatabase } from '../../../src/db/mysql.js';
import type { DbTable, Inventory } from '../../../src/db/types.js';
import { mariadbSpec } from '../../helpers/db/mariadb.js';
import { EXTRAS_SQL, HYBRIDBTS_SQL, loadDatabase } from './fixtures.js';

const DB = 'inv_hybridbts';
const utf8 = { charset: 'utf8mb4', collation: 'utf8mb4_general_ci' };

describe('MySQL/MariaDB inventory of the HYBRID-BTS schema plus extras', () => {
  const server = inject('mariadb');
  let db: MysqlDatabase;
  let inventory: Inventory;
  const table = (name: string): DbTable => {
    const found = inventory.tables.find((t) => t.name === name);
    if (!found) throw new Error(`no table ${name}`);
    return found;
  };

  beforeAll(async () => {
    await loadDatabase(server, DB, HYBRIDBTS_SQL, EXTRAS_SQL);
    db = await connectMysql(mariadbSpec(server, { database: DB }));
    inventory = await db.inventory([DB]);
  });
  afterAll(() => db?.close());

  it('identifies the server as MariaDB from its version string', () => {
    expect(inventory.engine).toBe('mariadb');
    expect(inventory.version).toMatchObject({ flavor: 'mariadb', major: 10, raw: server.version });
    expect(inventory.databases).toEqual([DB]);
    expect(inventory.schemas).toEqual([DB]);
  });

  it('lists exactly the base tables, views, routines, triggers and foreign keys', () => {
    expect(inventory.tables.map((t) => t.name).sort()).toEqual(['OrderItems', 'attachments', 'audit_trail', 'board', 'legacy_log', 'members']);
    expect(inventory.views).toEqual([{ schema: DB, name: 'v_member_points' }]);
    expect(inventory.routines).toEqual([
      { schema: DB, name: 'add_points', type: 'PROCEDURE' },
      { schema: DB, name: 'member_count', type: 'FUNCTION' },
    ]);
    expect(inventory.triggers).toEqual([{ schema: DB, table: 'board', name: 'trg_board_hit' }]);
    expect(inventory.foreignKeys).toEqual([{ schema: DB, table: 'attachments', name: 'fk_attachments_member', refSchema: DB, refTable: 'members' }]);
  });

  it('reads the members table column by column, with its key, engine, charset and AUTO_INCREMENT', () => {
    const members = table('members');
    expect(members).toMatchObject({ schema: DB, rows: 1, primaryKey: ['num'], uniqueKeys: [], storageEngine: 'InnoDB', autoIncrement: true, ...utf8 });
    expect(members.bytes).toBeGreaterThan(0);
    expect(members.columns).toEqual([
      { name: 'num', dataType: 'int', columnType: 'int(11)', nullable: false, isLob: false, autoIncrement: true },
      { name: 'id', dataType: 'char', columnType: 'char(15)', nullable: false, isLob: false, maxLength: 15, ...utf8 },
      { name: 'pass', dataType: 'char', columnType: 'char(15)', nullable: false, isLob: false, maxLength: 15, ...utf8 },
      { name: 'name', dataType: 'char', columnType: 'char(10)', nullable: false, isLob: false, maxLength: 10, ...utf8 },
      { name: 'email', dataType: 'char', columnType: 'char(80)', nullable: true, isLob: false, maxLength: 80, ...utf8 },
      { name: 'regist_day', dataType: 'char', columnType: 'char(20)', nullable: true, isLob: false, maxLength: 20, ...utf8 },
      { name: 'level', dataType: 'int', columnType: 'int(11)', nullable: true, isLob: false },
      { name: 'point', dataType: 'int', columnType: 'int(11)', nullable: true, isLob: false },
    ]);
  });

  it('marks TEXT, LONGTEXT, JSON and MEDIUMBLOB columns as LOBs, and nothing else', () => {
    const lobs = inventory.tables.flatMap((t) => t.columns.filter((c) => c.isLob).map((c) => `${t.name}.${c.name}:${c.dataType}`));
    expect(lobs.sort()).toEqual(['attachments.body:longtext', 'attachments.meta:longtext', 'attachments.raw_file:mediumblob', 'board.content:text']);
    expect(inventory.totals.lobColumns).toBe(4);
    const attachments = table('attachments');
    // MariaDB stores JSON as LONGTEXT with a binary utf8mb4 collation.
    expect(attachments.columns.find((c) => c.name === 'meta')).toMatchObject({ columnType: 'longtext', maxLength: 4294967295, charset: 'utf8mb4', collation: 'utf8mb4_bin' });
    expect(attachments.columns.find((c) => c.name === 'raw_file')).toEqual({ name: 'raw_file', dataType: 'mediumblob', columnType: 'mediumblob', nullable: true, isLob: true, maxLength: 16777215 });
    expect(attachments).toMatchObject({ primaryKey: ['id'], uniqueKeys: [['member_num', 'created']], charset: 'latin1', collation: 'latin1_swedish_ci', autoIncrement: true });
  });

  it('keeps composite keys in column order, nullable unique keys, and tables without any key', () => {
    expect(table('OrderItems')).toMatchObject({ primaryKey: ['order_id', 'line'], uniqueKeys: [], autoIncrement: false });
    expect(table('OrderItems').columns.find((c) => c.name === 'sku')).toMatchObject({ collation: 'utf8mb4_bin' });
    expect(table('audit_trail').primaryKey).toBeUndefined();
    expect(table('audit_trail').uniqueKeys).toEqual([['actor', 'at']]);
    expect(table('legacy_log')).toMatchObject({ storageEngine: 'MyISAM', uniqueKeys: [], autoIncrement: false });
    expect(table('legacy_log').primaryKey).toBeUndefined();
  });

  it('adds up the totals from the tables', () => {
    expect(inventory.totals.tables).toBe(6);
    expect(inventory.totals.rows).toBe(inventory.tables.reduce((s, t) => s + t.rows, 0));
    expect(inventory.totals.bytes).toBe(inventory.tables.reduce((s, t) => s + t.bytes, 0));
  });

  it('refuses a database that does not exist, naming it', async () => {
    await expect(db.inventory([DB, 'no_such_database'])).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/has no database no_such_database/),
    });
  });
});
