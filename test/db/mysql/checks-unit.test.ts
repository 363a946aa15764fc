/** The parts of the MySQL checks that need no server: parsing, the version policy, edge cases a test server cannot reach. */
import { describe, expect, it } from 'vitest';
import { databasePatternMatches, parseGrants } from '../../../src/db/mysql-grants.js';
import { parseMysqlVersion } from '../../../src/db/mysql-version.js';
import type { DbTable, Inventory } from '../../../src/db/types.js';
import { binlogRetentionSeconds, looksLikeRds, checkBinlog, checkReplica, checkRetention, checkTimeZone, checkVersion, type ServerFacts } from '../../../src/steps/assess/mysql-checks-server.js';
import { checkMixedCase } from '../../../src/steps/assess/mysql-checks-tables.js';
import { parseAccount } from '../../../src/steps/assess/mysql-fix.js';

const facts = (vars: Record<string, string>, over: Partial<ServerFacts> = {}): ServerFacts => ({
  version: parseMysqlVersion('8.0.36'),
  vars: { log_bin: 'ON', binlog_format: 'ROW', binlog_row_image: 'FULL', server_id: '1', ...vars },
  isRds: false,
  rdsRetentionHours: undefined,
  isReplica: false,
  ...over,
});
const inventory = (bytes: number, tables: DbTable[] = []): Inventory => ({
  engine: 'mysql', version: parseMysqlVersion('8.0.36'), databases: ['shop'], schemas: ['shop'], tables, views: [], routines: [], triggers: [], foreignKeys: [],
  totals: { tables: tables.length, rows: 0, bytes, lobColumns: 0 },
});

describe('version strings', () => {
  it.each([
    ['10.11.6-MariaDB-0+deb12u1', { flavor: 'mariadb', major: 10, minor: 11, patch: 6 }],
    ['5.5.5-10.4.32-MariaDB-log', { flavor: 'mariadb', major: 10, minor: 4, patch: 32 }],
    ['8.0.36-0ubuntu0.22.04.1-log', { flavor: 'mysql', major: 8, minor: 0, patch: 36 }],
    ['5.7.44', { flavor: 'mysql', major: 5, minor: 7, patch: 44 }],
    ['8.0.mysql_aurora.3.05.2', { flavor: 'mysql', major: 8, minor: 0, patch: 0 }],
  ])('%s', (raw, expected) => expect(parseMysqlVersion(raw)).toEqual({ raw, ...expected }));

  it.each([
    ['8.0.36', []], ['8.4.3', []], ['5.7.44', []], ['10.11.6-MariaDB', []], ['10.4.32-MariaDB', []],
    ['5.6.51', ['warning']], ['8.2.0', ['warning']], ['9.1.0', ['warning']], ['10.3.39-MariaDB', ['warning']], ['10.9.8-MariaDB', ['warning']], ['11.4.2-MariaDB', ['warning']],
    ['5.1.73', ['blocker']], ['10.0.12-MariaDB', ['blocker']],
  ])('support of %s', (raw, severities) => expect(checkVersion(parseMysqlVersion(raw)).map((f) => f.severity)).toEqual(severities));
});

describe('SHOW GRANTS parsing', () => {
  it('reads privileges and scopes, never keeping the statement (MariaDB shows the password hash)', () => {
    const grants = parseGrants([
      "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `dms`@`%` IDENTIFIED BY PASSWORD '*B69027D44F6E5EDC07F1AEAD1477967B16F28227'",
      'GRANT SELECT ON `shop\\_%`.* TO `dms`@`%`',
      'GRANT SELECT (`User`, `Host`), INSERT ON `mysql`.`db` TO `dms`@`%`',
      'GRANT EXECUTE ON PROCEDURE `shop`.`add_points` TO `dms`@`%`',
      'GRANT `app_role` TO `dms`@`%`',
      "GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION",
      'GRANT ALL PRIVILEGES ON `we``ird`.* TO `dms`@`%` WITH GRANT OPTION',
    ]);
    expect(grants).toEqual([
      { privileges: ['REPLICATION SLAVE', 'BINLOG MONITOR'], scope: { level: 'global' } },
      { privileges: ['SELECT'], scope: { level: 'database', database: 'shop\\_%' } },
      { privileges: ['SELECT (`User`, `Host`)', 'INSERT'], scope: { level: 'table', database: 'mysql', table: 'db' } },
      { privileges: ['EXECUTE'], scope: { level: 'routine', database: 'shop', routine: 'add_points' } },
      { privileges: ['ALL PRIVILEGES'], scope: { level: 'database', database: 'we`ird' } },
    ]);
    expect(JSON.stringify(grants)).not.toContain('B69027D4');
  });

  it('matches database patterns as MySQL does', () => {
    expect(databasePatternMatches('shop\\_%', 'shop_eu')).toBe(true);
    expect(databasePatternMatches('shop\\_%', 'shopx')).toBe(false);
    expect(databasePatternMatches('shop_', 'shopx')).toBe(true);
    expect(databasePatternMatches('Shop', 'shop')).toBe(false);
  });

  it('reads migration users with or without a host', () => {
    expect(parseAccount('dms')).toEqual({ user: 'dms', host: '%' });
    expect(parseAccount('dms@10.0.%')).toEqual({ user: 'dms', host: '10.0.%' });
  });
});

describe('edge cases a MariaDB test server cannot reach', () => {
  it('server_id 0 (MySQL allows it; MariaDB clamps it to 1)', () => {
    expect(checkBinlog(facts({ server_id: '0' })).map((f) => f.id)).toEqual(['mysql.server-id']);
  });

  it('MySQL 8 binlog transaction compression', () => {
    const [f] = checkBinlog(facts({ binlog_transaction_compression: 'ON' }));
    expect(f).toMatchObject({ id: 'mysql.binlog-transaction-compression', severity: 'blocker', evidence: 'binlog_transaction_compression = ON' });
  });

  it('an RDS source with the binlog off needs backups, not my.cnf', () => {
    const [f] = checkBinlog(facts({ log_bin: 'OFF' }, { isRds: true }));
    expect(f!.fixLines).toEqual([{ kind: 'shell', lines: ['aws rds modify-db-instance --db-instance-identifier <instance> --backup-retention-period 7 --apply-immediately'] }]);
  });

  it('retention from expire_logs_days (MySQL 5.7), RDS hours, or never purged', () => {
    expect(binlogRetentionSeconds(facts({ binlog_expire_logs_seconds: '0', expire_logs_days: '3' }))).toEqual({ seconds: 259_200, source: 'expire_logs_days = 3' });
    expect(binlogRetentionSeconds(facts({ binlog_expire_logs_seconds: '0', expire_logs_days: '0' })).seconds).toBe(Infinity);
    expect(binlogRetentionSeconds(facts({ binlog_expire_logs_seconds: '2592000', binlog_expire_logs_auto_purge: 'OFF' })).seconds).toBe(Infinity);
    expect(binlogRetentionSeconds(facts({}, { isRds: true, rdsRetentionHours: 48 }))).toEqual({ seconds: 172_800, source: "RDS 'binlog retention hours' = 48" });
    expect(checkRetention(facts({ expire_logs_days: '0' }), inventory(1e9)).map((f) => `${f.id}:${f.severity}`)).toEqual(['mysql.binlog-no-expiry:info']);
  });

  it('an RDS source whose retention cannot be read (procedure refused to a non-master user): a warning, not a guess', () => {
    const [f] = checkRetention(facts({ basedir: '/rdsdbbin/mysql-8.0.36.R2/' }, { isRds: true, rdsRetentionHours: undefined }), inventory(0));
    expect(f).toMatchObject({ id: 'mysql.binlog-retention-unknown', severity: 'warning' });
    expect(f!.fixLines).toEqual([{ kind: 'rds-parameter-group', lines: ["CALL mysql.rds_set_configuration('binlog retention hours', 24);"] }]);
    expect(looksLikeRds({ basedir: '/rdsdbbin/mysql-8.0.36.R2/' })).toBe(true);
    expect(looksLikeRds({ basedir: '/usr/' })).toBe(false);
  });

  it('MySQL 5.7 gets expire_logs_days as the fix; RDS the procedure call in hours', () => {
    const old = checkRetention(facts({ expire_logs_days: '0.5' }, { version: parseMysqlVersion('5.7.44') }), inventory(0));
    expect(old[0]!.fixLines).toEqual([{ kind: 'my.cnf', lines: ['[mysqld]', 'expire_logs_days = 1'] }, { kind: 'sql', lines: ['SET GLOBAL expire_logs_days = 1;'] }]);
    const rds = checkRetention(facts({}, { isRds: true, rdsRetentionHours: 12 }), inventory(400 * 1024 ** 3));
    // 400 GiB at 5 MiB/s = 81,920 s; ×2 + 3,600 = 167,440 s → 47 hours.
    expect(rds[0]!.fixLines).toEqual([{ kind: 'rds-parameter-group', lines: ["CALL mysql.rds_set_configuration('binlog retention hours', 47);"] }]);
  });

  it('MySQL 8.0.26+ replicas are told log_replica_updates; an unreadable replica status is an info only when it matters', () => {
    const mysql8 = parseMysqlVersion('8.0.36');
    expect(checkReplica(facts({ log_replica_updates: 'OFF', log_slave_updates: 'OFF' }, { isReplica: true, version: mysql8 }))[0]!.fixLines).toEqual([{ kind: 'my.cnf', lines: ['[mysqld]', 'log_replica_updates = ON'] }]);
    expect(checkReplica(facts({ log_slave_updates: 'OFF' }, { isReplica: undefined })).map((f) => f.id)).toEqual(['mysql.replica-unknown']);
    expect(checkReplica(facts({ log_slave_updates: 'ON' }, { isReplica: undefined }))).toEqual([]);
  });

  it('UTC spelled any way is UTC; a zone without TIMESTAMP columns is only an info', () => {
    for (const [time_zone, system_time_zone] of [['SYSTEM', 'UTC'], ['+00:00', 'KST'], ['SYSTEM', 'Etc/UTC'], ['UTC', 'CET']]) {
      expect(checkTimeZone(facts({ time_zone: time_zone!, system_time_zone: system_time_zone! }), inventory(0))).toEqual([]);
    }
    expect(checkTimeZone(facts({ time_zone: 'SYSTEM', system_time_zone: 'KST' }), inventory(0))[0]!.severity).toBe('info');
  });

  it('upper-case table names on a case-insensitive source (lower_case_table_names = 2) are blockers per table', () => {
    const table = { schema: 'shop', name: 'Orders', rows: 0, bytes: 0, columns: [], uniqueKeys: [] };
    const findings = checkMixedCase([table], '2');
    expect(findings).toEqual([expect.objectContaining({ id: 'table.mixed-case:shop.Orders', severity: 'blocker' })]);
    expect(findings[0]!.fixLines).toEqual([{ kind: 'sql', lines: ['RENAME TABLE `shop`.`Orders` TO `shop`.`orders`;'] }]);
  });
});
