import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adminSql, createDatabase, sharedServer, uniqueRole } from './support.js';
import { assessPostgres, blockers, finding, linesOf } from './support-checks.js';

const CLEAN = `CREATE TABLE items (id bigint PRIMARY KEY, name varchar(100) NOT NULL, body text, price numeric(10,2));
  INSERT INTO items VALUES (1, 'one', 'short body', 1.50);`;

describe('PostgreSQL source checks on the shared DMS-ready server', () => {
  const server = sharedServer();

  it('a correctly configured source yields no blockers', async () => {
    const db = await createDatabase(server, 'clean', CLEAN);
    const findings = await assessPostgres(server, [db]);
    expect(blockers(findings)).toEqual([]);
    expect(finding(findings, 'postgres.logical-decoding-plugin')).toMatchObject({ severity: 'info', title: 'DMS will decode with test_decoding' });
    expect(finding(findings, 'postgres.dms-engine-version').severity).toBe('info');
    expect(finding(findings, 'postgres.lob-columns').evidence).toContain('1 LOB column(s)');
    expect(findings.some((f) => f.id.startsWith('postgres.replication') || f.id.startsWith('postgres.max-'))).toBe(false);
  });

  it('the HYBRID-BTS fixture: its log table, ENUM and INET columns are the blockers', async () => {
    const fixture = readFileSync(new URL('../../fixtures/sql/hybridbts-postgres.sql', import.meta.url), 'utf8');
    const db = await createDatabase(server, 'bts', fixture);
    const findings = await assessPostgres(server, [db]);
    expect(blockers(findings)).toEqual([
      'column.unsupported-type:public.orders.client_ip',
      'column.unsupported-type:public.orders.status',
      'table.no-primary-key:public.access_log',
    ]);
    expect(finding(findings, 'postgres.sequences').evidence).toContain('public.members');
  });

  it('a table without a primary key → blocker with REPLICA IDENTITY FULL; after the fix only a warning', async () => {
    const db = await createDatabase(server, 'nopk', `${CLEAN} CREATE TABLE logs (at timestamptz NOT NULL, msg varchar(200));`);
    const before = await assessPostgres(server, [db]);
    expect(blockers(before)).toEqual(['table.no-primary-key:public.logs']);
    const f = finding(before, 'table.no-primary-key:public.logs');
    expect(f.evidence).toContain('REPLICA IDENTITY DEFAULT');
    expect(linesOf(f, 'sql')).toEqual(['ALTER TABLE public.logs REPLICA IDENTITY FULL;']);
    await adminSql(server, db, linesOf(f, 'sql').join('\n'));
    const after = await assessPostgres(server, [db]);
    expect(blockers(after)).toEqual([]);
    expect(finding(after, 'table.no-primary-key:public.logs').severity).toBe('warning');
  });

  it('quotes reserved and mixed-case names in its queries and in the SQL it proposes', async () => {
    const db = await createDatabase(server, 'quoting', `CREATE SCHEMA "Sales"; CREATE TABLE "Sales"."Order" ("user" text, note text);
      INSERT INTO "Sales"."Order" VALUES (repeat('u', 17 * 1024), 'n');`);
    const findings = await assessPostgres(server, [db]);
    expect(blockers(findings)).toEqual(['column.lob-truncated:Sales.Order.user', 'table.no-primary-key:Sales.Order']);
    const fix = linesOf(finding(findings, 'table.no-primary-key:Sales.Order'), 'sql');
    expect(fix).toEqual(['ALTER TABLE "Sales"."Order" REPLICA IDENTITY FULL;']);
    await adminSql(server, db, fix.join('\n'));
    expect(finding(await assessPostgres(server, [db]), 'table.no-primary-key:Sales.Order').severity).toBe('warning');
  });

  it('an ENUM column and an INET column → column.unsupported-type blockers', async () => {
    const db = await createDatabase(server, 'types', `CREATE TYPE mood AS ENUM ('ok', 'sad');
      CREATE TABLE people (id int PRIMARY KEY, mood mood);
      CREATE TABLE hosts (id int PRIMARY KEY, addr inet NOT NULL, net cidr);`);
    const findings = await assessPostgres(server, [db]);
    expect(blockers(findings)).toEqual(['column.unsupported-type:public.hosts.addr', 'column.unsupported-type:public.people.mood']);
    expect(finding(findings, 'column.unsupported-type:public.people.mood').title).toContain('ENUM type mood');
    expect(finding(findings, 'column.unsupported-type:public.hosts.addr').title).toContain('INET');
  });

  it('an ARRAY column without a primary key is its own blocker (REPLICA IDENTITY FULL does not help)', async () => {
    const db = await createDatabase(server, 'arr', 'CREATE TABLE tags (label text[]); ALTER TABLE tags REPLICA IDENTITY FULL;');
    const findings = await assessPostgres(server, [db]);
    expect(blockers(findings)).toEqual(['table.array-without-primary-key:public.tags']);
  });

  it('LOBs larger than lobMaxSizeKb in limited mode → blocker with the size to configure', async () => {
    const db = await createDatabase(server, 'lobs', `CREATE TABLE docs (id int PRIMARY KEY, data bytea, note text);
      INSERT INTO docs VALUES (1, decode(repeat('ab', 40 * 1024), 'hex'), repeat('x', 20 * 1024)), (2, '\\x00', 'small');`);
    const limited = await assessPostgres(server, [db], { lobMode: 'limited', lobMaxSizeKb: 32 });
    expect(blockers(limited)).toEqual(['column.lob-truncated:public.docs.data', 'column.lob-truncated:public.docs.note']);
    const data = finding(limited, 'column.lob-truncated:public.docs.data');
    expect(data.evidence).toBe('largest value 40.0 KB > dms.lobMaxSizeKb 32');
    expect(finding(limited, 'column.lob-truncated:public.docs.note').evidence).toContain('NCLOB for DMS: up to 40.0 KB');
    expect(linesOf(data, 'config')).toEqual(['dms:', '  lobMaxSizeKb: 40']);
    expect(blockers(await assessPostgres(server, [db], { lobMode: 'limited', lobMaxSizeKb: 40 }))).toEqual([]);
    expect(blockers(await assessPostgres(server, [db], { lobMode: 'full' }))).toEqual([]);
  });

  it('a user without REPLICATION → blocker with ALTER ROLE; missing SELECT → GRANT script', async () => {
    const db = await createDatabase(server, 'grants', CLEAN);
    const plain = uniqueRole('dms_plain');
    await adminSql(server, db, `CREATE ROLE ${plain} LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${plain};`);
    const noRepl = await assessPostgres(server, [db], { migrationUser: plain });
    expect(blockers(noRepl)).toEqual(['postgres.replication-privilege']);
    expect(linesOf(finding(noRepl, 'postgres.replication-privilege'), 'sql')).toEqual([`ALTER ROLE ${plain} WITH REPLICATION;`]);

    const repl = uniqueRole('dms_repl');
    await adminSql(server, db, `CREATE ROLE ${repl} LOGIN REPLICATION;`);
    const noSelect = await assessPostgres(server, [db], { migrationUser: repl });
    expect(blockers(noSelect)).toEqual(['postgres.select-privilege:public']);
    expect(linesOf(finding(noSelect, 'postgres.select-privilege:public'), 'sql')).toEqual([
      `GRANT USAGE ON SCHEMA public TO ${repl};`, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${repl};`,
    ]);
    expect(finding(noSelect, 'postgres.ddl-capture-privilege').severity).toBe('warning');

    const missing = await assessPostgres(server, [db], { migrationUser: 'nobody_here' });
    expect(blockers(missing)).toEqual(['postgres.migration-user']);
  });

  it('idle_in_transaction_session_timeout → warning, unless the migration user is exempt', async () => {
    const db = await createDatabase(server, 'idle', CLEAN);
    const user = uniqueRole('dms_idle');
    await adminSql(server, 'postgres', `ALTER DATABASE ${db} SET idle_in_transaction_session_timeout = '1min'; CREATE ROLE ${user} LOGIN SUPERUSER;`);
    const f = finding(await assessPostgres(server, [db], { migrationUser: user }), 'postgres.idle-in-transaction-timeout');
    expect(f).toMatchObject({ severity: 'warning', evidence: `idle_in_transaction_session_timeout = 60000 ms, no override for ${user}` });
    await adminSql(server, 'postgres', linesOf(f, 'sql').join('\n'));
    const after = await assessPostgres(server, [db], { migrationUser: user });
    expect(after.some((x) => x.id === 'postgres.idle-in-transaction-timeout')).toBe(false);
  });

  it('several databases: ids and SQL name the database', async () => {
    const a = await createDatabase(server, 'two_a', CLEAN);
    const b = await createDatabase(server, 'two_b', 'CREATE TABLE logs (msg varchar(10)); CREATE TABLE docs (id int PRIMARY KEY, data bytea); INSERT INTO docs VALUES (1, decode(repeat(\'ab\', 33 * 1024), \'hex\'));');
    const findings = await assessPostgres(server, [a, b]);
    expect(blockers(findings)).toEqual([`column.lob-truncated:${b}.public.docs.data`, `table.no-primary-key:${b}.public.logs`]);
    expect(linesOf(finding(findings, `table.no-primary-key:${b}.public.logs`), 'sql')).toEqual([`ALTER TABLE public.logs REPLICA IDENTITY FULL;  -- in database ${b}`]);
  });
});
