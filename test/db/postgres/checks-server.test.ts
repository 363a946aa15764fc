import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../../helpers/db/postgres.js';
import type { DbServer } from '../../helpers/db/server.js';
import { adminSql } from './support.js';
import { assessPostgres, blockers, finding, linesOf } from './support-checks.js';

/** One misconfiguration per throwaway server; everything else is the DMS-ready default. */
const MISCONFIGURED = {
  walLevel: { wal_level: 'replica' },
  slots: { max_replication_slots: 1 },
  senders: { max_wal_senders: 0 },
  timeout: { wal_sender_timeout: '5s' },
  slotWalLimit: { max_slot_wal_keep_size: '1MB' },
} satisfies Record<string, Record<string, string | number>>;

describe('PostgreSQL server settings, one misconfiguration at a time', () => {
  const servers = {} as Record<keyof typeof MISCONFIGURED, DbServer>;

  beforeAll(async () => {
    await Promise.all(
      Object.entries(MISCONFIGURED).map(async ([key, settings]) => {
        servers[key as keyof typeof MISCONFIGURED] = await startPostgres({ settings });
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  });

  it('wal_level=replica → postgres.wal-level with the postgresql.conf line', async () => {
    const findings = await assessPostgres(servers.walLevel, ['postgres']);
    expect(blockers(findings)).toEqual(['postgres.wal-level']);
    const f = finding(findings, 'postgres.wal-level');
    expect(f.evidence).toBe('wal_level = replica');
    expect(linesOf(f, 'postgresql.conf')).toEqual(['wal_level = logical']);
  });

  it('no free replication slot → postgres.max-replication-slots; the unused slot is named', async () => {
    await adminSql(servers.slots, 'postgres', "SELECT pg_create_physical_replication_slot('old_standby')");
    const findings = await assessPostgres(servers.slots, ['postgres']);
    expect(blockers(findings)).toEqual(['postgres.max-replication-slots']);
    const f = finding(findings, 'postgres.max-replication-slots');
    expect(f.evidence).toBe('max_replication_slots = 1; 1 slot(s) exist (old_standby); DMS needs 1 more (one per task)');
    expect(linesOf(f, 'postgresql.conf')).toEqual(['max_replication_slots = 10']);
    expect(linesOf(finding(findings, 'postgres.inactive-replication-slot:old_standby'), 'sql')[0]).toContain("pg_drop_replication_slot('old_standby')");
  });

  it('max_wal_senders=0 → postgres.max-wal-senders; on RDS the fix is a parameter-group value', async () => {
    const findings = await assessPostgres(servers.senders, ['postgres']);
    expect(blockers(findings)).toEqual(['postgres.max-wal-senders']);
    expect(linesOf(finding(findings, 'postgres.max-wal-senders'), 'postgresql.conf')).toEqual(['max_wal_senders = 10']);
    // RDS is recognised by its own roles; the migration user here is still the superuser.
    await adminSql(servers.senders, 'postgres', 'CREATE ROLE rds_superuser; CREATE ROLE rds_replication;');
    const rds = await assessPostgres(servers.senders, ['postgres']);
    expect(blockers(rds)).toEqual(['postgres.max-wal-senders']);
    const f = finding(rds, 'postgres.max-wal-senders');
    expect(f.fixLines).toEqual([{ kind: 'rds-parameter-group', lines: ['max_wal_senders = 10'] }]);
  });

  it('wal_sender_timeout below 10 s → postgres.wal-sender-timeout', async () => {
    const findings = await assessPostgres(servers.timeout, ['postgres']);
    expect(blockers(findings)).toEqual(['postgres.wal-sender-timeout']);
    const f = finding(findings, 'postgres.wal-sender-timeout');
    expect(f.evidence).toBe('wal_sender_timeout = 5000 ms');
    expect(linesOf(f, 'postgresql.conf')).toEqual(["wal_sender_timeout = '60s'"]);
  });

  it('max_slot_wal_keep_size smaller than the WAL of the full load → postgres.wal-retention', async () => {
    await adminSql(servers.slotWalLimit, 'postgres', 'CREATE TABLE churn (id int PRIMARY KEY, v text); INSERT INTO churn SELECT g, md5(g::text) FROM generate_series(1, 50000) g');
    const findings = await assessPostgres(servers.slotWalLimit, ['postgres']);
    expect(blockers(findings)).toEqual(['postgres.wal-retention']);
    expect(linesOf(finding(findings, 'postgres.wal-retention'), 'postgresql.conf')).toEqual(['max_slot_wal_keep_size = -1']);
  });
});
