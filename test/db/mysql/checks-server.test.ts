/**
 * Server-level misconfigurations, one at a time, on servers of this file's own (SET GLOBAL
 * must not disturb other files using the shared server): binlog off, STATEMENT format,
 * MINIMAL row image, short retention, the retention budget, an unlogged replica,
 * an RDS source, a non-UTC time zone.
 */
import type { Connection } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/db/types.js';
import { adminConnection, startMariadb } from '../../helpers/db/mariadb.js';
import type { DbServer } from '../../helpers/db/server.js';
import { finding, ids, linesOf, runChecks } from './check-helpers.js';
import { EXTRAS_SQL, HYBRIDBTS_SQL, loadDatabase } from './fixtures.js';

const DB = 'shop';
let server: DbServer;
let admin: Connection;
const restore: string[] = [];

/** SET GLOBAL for one test; the original value is put back after it. */
async function setGlobal(name: string, value: string | number): Promise<void> {
  const [rows] = await admin.query<Array<{ v: string } & import('mysql2').RowDataPacket>>(`SELECT @@GLOBAL.${name} AS v`);
  restore.push(`SET GLOBAL ${name} = ${admin.escape(rows[0]!.v)}`);
  await admin.query(`SET GLOBAL ${name} = ${admin.escape(value)}`);
}

beforeAll(async () => {
  server = await startMariadb();
  await loadDatabase(server, DB, HYBRIDBTS_SQL);
  admin = await adminConnection(server);
});
afterEach(async () => {
  for (const statement of restore.splice(0).reverse()) await admin.query(statement);
});
afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

describe('binlog settings', () => {
  it('the baseline is clean', async () => {
    const { findings } = await runChecks(server, DB);
    expect(ids(findings, 'blocker')).toEqual([]);
    expect(ids(findings, 'warning')).toEqual([]);
  });

  it('binlog_format = STATEMENT', async () => {
    await setGlobal('binlog_format', 'STATEMENT');
    const { findings } = await runChecks(server, DB);
    expect(ids(findings, 'blocker')).toEqual(['mysql.binlog-format']);
    const f = finding(findings, 'mysql.binlog-format');
    expect(f.evidence).toBe('binlog_format = STATEMENT');
    expect(linesOf(f, 'my.cnf')).toEqual(['[mysqld]', 'binlog_format = ROW']);
    expect(linesOf(f, 'sql')).toEqual(["SET GLOBAL binlog_format = 'ROW';"]);
    for (const line of linesOf(f, 'sql')!) await admin.query(line);
    expect(ids((await runChecks(server, DB)).findings, 'blocker')).toEqual([]);
  });

  it('binlog_row_image = MINIMAL', async () => {
    await setGlobal('binlog_row_image', 'MINIMAL');
    const { findings } = await runChecks(server, DB);
    expect(ids(findings, 'blocker')).toEqual(['mysql.binlog-row-image']);
    expect(finding(findings, 'mysql.binlog-row-image').evidence).toBe('binlog_row_image = MINIMAL');
    expect(linesOf(finding(findings, 'mysql.binlog-row-image'), 'my.cnf')).toEqual(['[mysqld]', 'binlog_row_image = FULL']);
  });

  it('binlog retention of 1 hour against the 24-hour minimum', async () => {
    await setGlobal('binlog_expire_logs_seconds', 3600);
    const { findings } = await runChecks(server, DB);
    expect(ids(findings, 'blocker')).toEqual(['mysql.binlog-retention']);
    const f = finding(findings, 'mysql.binlog-retention');
    expect(f.evidence).toMatch(/^retention 1 h \(binlog_expire_logs_seconds = 3600\); needed 1 d \(86400 s\): full load of [\d.]+ KiB estimated at 1 s at 5 MiB\/s, ×2 \+ 1 h, at least 1 d$/);
    expect(linesOf(f, 'my.cnf')).toEqual(['[mysqld]', 'binlog_expire_logs_seconds = 86400']);
    expect(linesOf(f, 'sql')).toEqual(['SET GLOBAL binlog_expire_logs_seconds = 86400;']);
    for (const line of linesOf(f, 'sql')!) await admin.query(line);
    expect(ids((await runChecks(server, DB)).findings, 'blocker')).toEqual([]);
  });

  it('the retention budget grows with the data: 7 days keep 1 TiB, not 2 TiB', async () => {
    const withBytes = (bytes: number) => (inv: Inventory): Inventory => ({ ...inv, totals: { ...inv.totals, bytes } });
    const TiB = 1024 ** 4;
    const fits = await runChecks(server, DB, {}, undefined, withBytes(TiB));
    expect(ids(fits.findings, 'blocker')).toEqual([]);
    const { findings } = await runChecks(server, DB, {}, undefined, withBytes(2 * TiB));
    const f = finding(findings, 'mysql.binlog-retention');
    // 2 TiB at 5 MiB/s = 419,431 s; ×2 + 3,600 = 842,462 s.
    expect(f.evidence).toBe('retention 7 d (binlog_expire_logs_seconds = 604800); needed 234 h (842462 s): full load of 2.0 TiB estimated at 116.5 h at 5 MiB/s, ×2 + 1 h, at least 1 d');
    expect(linesOf(f, 'my.cnf')).toEqual(['[mysqld]', `binlog_expire_logs_seconds = ${10 * 86_400}`]);
  });

  it('a non-UTC time zone with TIMESTAMP columns', async () => {
    await loadDatabase(server, 'tz', HYBRIDBTS_SQL, EXTRAS_SQL);
    await setGlobal('time_zone', '+09:00');
    const { findings } = await runChecks(server, 'tz');
    const f = finding(findings, 'mysql.time-zone');
    expect(f.severity).toBe('warning');
    expect(f.evidence).toBe('time_zone = +09:00, system_time_zone = UTC; 1 TIMESTAMP column(s) (tz.attachments.created)');
    expect(f.fix).toMatch(/ServerTimezone/);
  });
});

describe('replicas and RDS', () => {
  it('a replica without log_slave_updates', async () => {
    await admin.query("CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = 1, MASTER_USER = 'repl'");
    try {
      const { findings } = await runChecks(server, DB);
      expect(ids(findings, 'blocker')).toEqual(['mysql.log-replica-updates']);
      const f = finding(findings, 'mysql.log-replica-updates');
      expect(f.evidence).toBe('replica; log_slave_updates = OFF');
      expect(linesOf(f, 'my.cnf')).toEqual(['[mysqld]', 'log_slave_updates = ON']);
    } finally {
      await admin.query('RESET SLAVE ALL');
    }
  });

  it('an RDS source (mysql.rds_show_configuration exists) without binlog retention hours', async () => {
    await admin.query(`CREATE PROCEDURE mysql.rds_show_configuration()
      SELECT 'binlog retention hours' AS name, NULL AS value, 'binlog retention hours specifies the duration in hours before binary logs are automatically deleted.' AS description`);
    try {
      const { findings } = await runChecks(server, DB);
      expect(ids(findings, 'blocker')).toEqual(['mysql.binlog-retention']);
      const f = finding(findings, 'mysql.binlog-retention');
      expect(f.evidence).toMatch(/^retention 0 s \(RDS 'binlog retention hours' = NULL \(purged as soon as possible\)\); needed 1 d/);
      expect(linesOf(f, 'rds-parameter-group')).toEqual(["CALL mysql.rds_set_configuration('binlog retention hours', 24);"]);
      expect(linesOf(f, 'my.cnf')).toBeUndefined();
    } finally {
      await admin.query('DROP PROCEDURE mysql.rds_show_configuration');
    }
  });
});

describe('binary log off', () => {
  let off: DbServer;
  beforeAll(async () => {
    off = await startMariadb({ settings: { log_bin: null } });
    await loadDatabase(off, DB, HYBRIDBTS_SQL);
  });
  afterAll(() => off?.stop());

  it('is the one blocker, with the my.cnf line to turn it on', async () => {
    const { findings } = await runChecks(off, DB);
    expect(ids(findings, 'blocker')).toEqual(['mysql.log-bin']);
    const f = finding(findings, 'mysql.log-bin');
    expect(f.evidence).toBe('log_bin = OFF');
    expect(linesOf(f, 'my.cnf')).toEqual(['[mysqld]', 'log_bin = mysql-bin']);
  });
});
