/** Checks against the shared, correctly configured server: table-level findings, privileges, LOBs. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Finding } from '../../../src/steps/assess/finding.js';
import { adminConnection } from '../../helpers/db/mariadb.js';
import { finding, ids, linesOf, runChecks } from './check-helpers.js';
import { EXTRAS_SQL, HYBRIDBTS_SQL, loadDatabase } from './fixtures.js';

const server = () => inject('mariadb');

const MYISAM_WITH_PK = 'CREATE TABLE counters (id INT NOT NULL PRIMARY KEY, n INT NOT NULL) ENGINE=MyISAM;';
const NO_PK = 'CREATE TABLE visits (member_id CHAR(15) NOT NULL, at DATETIME NOT NULL, page VARCHAR(200) NULL) ENGINE=InnoDB;';
const LOB = `CREATE TABLE documents (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, body LONGTEXT NOT NULL) ENGINE=InnoDB;
INSERT INTO documents (body) VALUES (REPEAT('x', 40 * 1024)), (REPEAT('y', 1000));`;
const MIXED_CASE = 'CREATE TABLE MemberLog (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB;';

beforeAll(async () => {
  await Promise.all([
    loadDatabase(server(), 'chk_good', HYBRIDBTS_SQL),
    loadDatabase(server(), 'chk_extras', HYBRIDBTS_SQL, EXTRAS_SQL),
    loadDatabase(server(), 'chk_myisam', HYBRIDBTS_SQL, MYISAM_WITH_PK),
    loadDatabase(server(), 'chk_nopk', HYBRIDBTS_SQL, NO_PK),
    loadDatabase(server(), 'chk_lob', HYBRIDBTS_SQL, LOB),
    loadDatabase(server(), 'chk_case', HYBRIDBTS_SQL, MIXED_CASE),
    loadDatabase(server(), 'chk_fixme', HYBRIDBTS_SQL, EXTRAS_SQL),
  ]);
  const conn = await adminConnection(server());
  await conn.query(`DROP USER IF EXISTS 'dms_ro'@'%'; CREATE USER 'dms_ro'@'%' IDENTIFIED BY 'dms-ro-pass';
    GRANT SELECT ON chk_good.* TO 'dms_ro'@'%';
    DROP USER IF EXISTS 'dms_ok'@'%'; CREATE USER 'dms_ok'@'%' IDENTIFIED BY 'dms-ok-pass';
    GRANT SELECT ON \`chk\\_g%\`.* TO 'dms_ok'@'%'; GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'dms_ok'@'%';`);
  await conn.end();
});

afterAll(async () => {
  const conn = await adminConnection(server());
  await conn.query("DROP USER IF EXISTS 'dms_ro'@'%'; DROP USER IF EXISTS 'dms_ok'@'%'; DROP USER IF EXISTS 'dms_fix'@'%';");
  for (const db of ['chk_good', 'chk_extras', 'chk_myisam', 'chk_nopk', 'chk_lob', 'chk_case', 'chk_fixme']) await conn.query(`DROP DATABASE ${db}`);
  await conn.end();
});

describe('a correctly configured source', () => {
  it('HYBRID-BTS on a DMS-ready MariaDB: no blockers, no warnings; AUTO_INCREMENT and the TEXT column noted', async () => {
    const { findings, queries } = await runChecks(server(), 'chk_good');
    expect(ids(findings)).toEqual(['mysql.auto-increment', 'mysql.lob-columns']);
    expect(finding(findings, 'mysql.auto-increment')).toMatchObject({ severity: 'info', evidence: 'chk_good.board, chk_good.members' });
    expect(finding(findings, 'mysql.auto-increment').fix).toContain('cutover sets each counter from the frozen source');
    expect(finding(findings, 'mysql.lob-columns').evidence).toMatch(/^largest value 0 B in chk_good\.board\.content; dms\.lobMode = limited, dms\.lobMaxSizeKb = 32/);
    // variables, RDS probe, replica status, grants, LOB sizes: a fixed handful.
    expect(queries).toBe(5);
  });

  it('a migration user with exactly the DMS grants (database pattern, replication) passes', async () => {
    const { findings } = await runChecks(server(), 'chk_good', { migrationUser: 'dms_ok' }, { user: 'dms_ok', password: 'dms-ok-pass' });
    expect(ids(findings, 'blocker')).toEqual([]);
  });
});

describe('one problem at a time', () => {
  it('a user with only SELECT: both replication privileges missing, with the MariaDB ≥ 10.5.2 name and the GRANT lines', async () => {
    const { findings } = await runChecks(server(), 'chk_good', { migrationUser: 'dms_ro' }, { user: 'dms_ro', password: 'dms-ro-pass' });
    expect(ids(findings, 'blocker')).toEqual(['mysql.privilege.replication-client', 'mysql.privilege.replication-slave']);
    const client = finding(findings, 'mysql.privilege.replication-client');
    expect(client.title).toContain('BINLOG MONITOR');
    expect(client.evidence).toBe('no BINLOG MONITOR ON *.* for dms_ro@%');
    expect(linesOf(client, 'sql')).toEqual(["GRANT BINLOG MONITOR ON *.* TO 'dms_ro'@'%';"]);
    expect(linesOf(finding(findings, 'mysql.privilege.replication-slave'), 'sql')).toEqual(["GRANT REPLICATION SLAVE ON *.* TO 'dms_ro'@'%';"]);
  });

  it("the same user's grants read by an administrator (SHOW GRANTS FOR), and a missing SELECT", async () => {
    const { findings } = await runChecks(server(), 'chk_extras', { migrationUser: 'dms_ro' });
    expect(ids(findings, 'blocker')).toEqual(expect.arrayContaining(['mysql.privilege.replication-client', 'mysql.privilege.replication-slave', 'mysql.privilege.select:chk_extras']));
    expect(linesOf(finding(findings, 'mysql.privilege.select:chk_extras'), 'sql')).toEqual(["GRANT SELECT ON `chk_extras`.* TO 'dms_ro'@'%';"]);
  });

  it('a migration user that does not exist', async () => {
    const { findings } = await runChecks(server(), 'chk_good', { migrationUser: 'dms_ghost@10.0.%' });
    const f = finding(findings, 'mysql.privilege.no-user');
    expect(f.severity).toBe('blocker');
    expect(linesOf(f, 'sql')).toEqual([
      "CREATE USER 'dms_ghost'@'10.0.%' IDENTIFIED BY '<password>';",
      "GRANT SELECT ON `chk_good`.* TO 'dms_ghost'@'10.0.%';",
      "GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'dms_ghost'@'10.0.%';",
    ]);
  });

  it('a MyISAM table (with a primary key): a warning with the ALTER TABLE', async () => {
    const { findings } = await runChecks(server(), 'chk_myisam');
    expect(ids(findings, 'blocker')).toEqual([]);
    expect(ids(findings, 'warning')).toEqual(['table.storage-engine:chk_myisam.counters']);
    const f = finding(findings, 'table.storage-engine:chk_myisam.counters');
    expect(f.evidence).toBe('ENGINE = MyISAM');
    expect(linesOf(f, 'sql')).toEqual(['ALTER TABLE `chk_myisam`.`counters` ENGINE = InnoDB;']);
  });

  it('a table without a primary key: a blocker with an invisible surrogate key as the fix', async () => {
    const { findings } = await runChecks(server(), 'chk_nopk');
    expect(ids(findings, 'blocker')).toEqual(['table.no-primary-key:chk_nopk.visits']);
    const f = finding(findings, 'table.no-primary-key:chk_nopk.visits');
    expect(f.evidence).toBe('no PRIMARY KEY; no UNIQUE key; ~0 rows');
    expect(linesOf(f, 'sql')).toEqual(['ALTER TABLE `chk_nopk`.`visits` ADD COLUMN `promigrate_row_id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT INVISIBLE PRIMARY KEY;']);
  });

  it('without CDC (full load only) a table without a primary key is no blocker', async () => {
    const { findings } = await runChecks(server(), 'chk_nopk', { migrationType: 'full-load' });
    expect(ids(findings, 'blocker')).toEqual([]);
  });

  it('a LOB larger than lobMaxSizeKb in limited mode: a blocker with the size to configure', async () => {
    const { findings } = await runChecks(server(), 'chk_lob', { lobMode: 'limited', lobMaxSizeKb: 32 });
    expect(ids(findings, 'blocker')).toEqual(['table.lob-too-large:chk_lob.documents.body']);
    const f = finding(findings, 'table.lob-too-large:chk_lob.documents.body');
    // 40 KiB of one-byte characters: DMS moves LONGTEXT as an NCLOB, 80 KiB.
    expect(f.evidence).toBe('largest value 80.0 KiB (longtext, an NCLOB for DMS: 2 bytes a character); dms.lobMode = limited, dms.lobMaxSizeKb = 32');
    expect(linesOf(f, 'config')).toEqual(['dms:', '  lobMaxSizeKb: 80']);
    expect(finding(findings, 'mysql.lob-columns').evidence).toMatch(/^largest value 80\.0 KiB in chk_lob\.documents\.body;/);
  });

  it('the same LOB fits an 80 KB limit, and full or inline mode', async () => {
    for (const options of [{ lobMaxSizeKb: 80 }, { lobMode: 'full' as const }, { lobMode: 'inline' as const }]) {
      const { findings } = await runChecks(server(), 'chk_lob', options);
      expect(ids(findings, 'blocker')).toEqual([]);
    }
  });

  it('a mixed-case table name with lower_case_table_names = 0: a warning naming it', async () => {
    const { findings } = await runChecks(server(), 'chk_case');
    expect(ids(findings, 'warning')).toEqual(['mysql.mixed-case-names']);
    expect(finding(findings, 'mysql.mixed-case-names').evidence).toBe('lower_case_table_names = 0; chk_case.MemberLog');
  });

  it('the extras fixture: every table-level problem at once', async () => {
    const { findings } = await runChecks(server(), 'chk_extras');
    expect(ids(findings)).toEqual([
      'mysql.auto-increment',
      'mysql.lob-columns',
      'mysql.mixed-case-names',
      'table.no-primary-key:chk_extras.audit_trail',
      'table.no-primary-key:chk_extras.legacy_log',
      'table.storage-engine:chk_extras.legacy_log',
    ]);
    expect(finding(findings, 'table.no-primary-key:chk_extras.audit_trail').evidence).toBe('no PRIMARY KEY; unique key(s) (actor, at) allow NULLs; ~0 rows');
  });
});

describe('the proposed SQL fixes work', () => {
  /** Runs every `sql` fix line of the given findings as the administrator. */
  async function apply(findings: Finding[]): Promise<void> {
    const conn = await adminConnection(server());
    try {
      for (const line of findings.flatMap((f) => linesOf(f, 'sql') ?? [])) await conn.query(line);
    } finally {
      await conn.end();
    }
  }

  it('ALTER TABLE for engines and missing keys clears those findings', async () => {
    const before = await runChecks(server(), 'chk_fixme');
    await apply(before.findings.filter((f) => f.id.startsWith('table.')));
    const after = await runChecks(server(), 'chk_fixme');
    expect(ids(after.findings)).toEqual(['mysql.auto-increment', 'mysql.lob-columns', 'mysql.mixed-case-names']);
    // The surrogate key is invisible: SELECT * still returns the original columns.
    const conn = await adminConnection(server());
    const [, fields] = await conn.query('SELECT * FROM chk_fixme.audit_trail LIMIT 0');
    await conn.end();
    expect(fields.map((f) => f.name)).toEqual(['at', 'actor', 'note']);
  });

  it('the GRANT script gives a new migration user everything DMS needs', async () => {
    const conn = await adminConnection(server());
    await conn.query("DROP USER IF EXISTS 'dms_fix'@'%'; CREATE USER 'dms_fix'@'%' IDENTIFIED BY 'dms-fix-pass';");
    await conn.end();
    const before = await runChecks(server(), 'chk_good', { migrationUser: 'dms_fix' });
    expect(ids(before.findings, 'blocker')).toEqual(['mysql.privilege.replication-client', 'mysql.privilege.replication-slave', 'mysql.privilege.select:chk_good']);
    await apply(before.findings);
    const after = await runChecks(server(), 'chk_good', { migrationUser: 'dms_fix' }, { user: 'dms_fix', password: 'dms-fix-pass' });
    expect(ids(after.findings, 'blocker')).toEqual([]);
  });
});
