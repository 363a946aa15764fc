/**
 * PostgreSQL as an AWS DMS source (full load + CDC through logical replication). Facts come
 * from the AWS DMS User Guide, "Using a PostgreSQL database as an AWS DMS source" (cited as
 * [DMS-PG]) and its "PostgreSQL assessments" premigration checks. This file: the version and
 * the server settings; replication capacity, privileges and tables live in the sibling files.
 */
import type { PostgresDatabase } from '../../db/postgres.js';
import type { Inventory } from '../../db/types.js';
import type { Finding } from './finding.js';
import { quoteIdent, serverFix, settingText, settingValue, sqlFix, type PgCheckContext, type PostgresCheckOptions } from './postgres-fixes.js';
import { privilegeFindings, selectGrantFindings } from './postgres-privilege-checks.js';
import { decodingPluginFindings, replicationCapacityFindings, walRetentionFindings } from './postgres-replication-checks.js';
import { checkPostgresTables } from './postgres-table-checks.js';

export type { PgCheckContext, PostgresCheckOptions };

/** [DMS-PG] source versions: 9.4 and later; each newer major needs a minimum DMS engine. */
const OLDEST_SUPPORTED = 90400;
const DMS_ENGINE_FOR_MAJOR: Record<number, string> = { 13: '3.4.3', 14: '3.4.7', 15: '3.5.1', 16: '3.5.3', 17: '3.6.1' };
const NEWEST_DOCUMENTED_MAJOR = 17;
/** [DMS-PG]: a non-zero wal_sender_timeout below 10 s makes DMS fail; keep it under 5 min. */
const MIN_WAL_SENDER_TIMEOUT_MS = 10_000;
const MAX_WAL_SENDER_TIMEOUT_MS = 300_000;

const SETTINGS = [
  'wal_level', 'max_replication_slots', 'max_wal_senders', 'wal_sender_timeout', 'idle_in_transaction_session_timeout',
  'shared_preload_libraries', 'max_worker_processes', 'max_logical_replication_workers', 'autovacuum_max_workers',
  'max_parallel_workers', 'max_slot_wal_keep_size',
];

/**
 * Every finding for a PostgreSQL source. DMS runs one task per database (a PostgreSQL
 * endpoint names one database), so slots and WAL senders are counted per configured database.
 */
export async function checkPostgresSource(db: PostgresDatabase, inventory: Inventory, options: PostgresCheckOptions): Promise<Finding[]> {
  const settings = await db.settings(SETTINGS);
  const role = await db.role(options.migrationUser);
  const rds = options.isRds ?? role.rdsReplication !== null;
  const ctx: PgCheckContext = { db, inventory, options, rds, user: quoteIdent(options.migrationUser), role, settings };
  return [
    ...versionFindings(ctx),
    ...settingFindings(ctx),
    ...(await replicationCapacityFindings(ctx)),
    ...privilegeFindings(ctx),
    ...(await selectGrantFindings(ctx)),
    ...(await decodingPluginFindings(ctx)),
    ...(await walRetentionFindings(ctx)),
    ...(await checkPostgresTables(ctx)),
  ];
}

function versionFindings({ inventory }: PgCheckContext): Finding[] {
  const v = inventory.version;
  const num = v.major >= 10 ? v.major * 10000 + v.minor : v.major * 10000 + v.minor * 100 + v.patch;
  const base = { id: 'postgres.version', object: 'server', evidence: v.raw || `PostgreSQL ${v.major}.${v.minor}` };
  if (num < OLDEST_SUPPORTED) {
    return [{
      ...base,
      severity: 'blocker',
      title: 'PostgreSQL version not supported by AWS DMS',
      fix: 'AWS DMS supports PostgreSQL 9.4 and later as a source: upgrade the source (pg_upgrade) first, or migrate with pg_dump/pg_restore in a downtime window.',
    }];
  }
  if (v.major > NEWEST_DOCUMENTED_MAJOR) {
    return [{
      ...base,
      severity: 'warning',
      title: `PostgreSQL ${v.major} is newer than the versions AWS DMS documents`,
      fix: `AWS DMS documents sources up to PostgreSQL ${NEWEST_DOCUMENTED_MAJOR}: check the DMS release notes for an engine that supports ${v.major} before relying on CDC.`,
    }];
  }
  const engine = DMS_ENGINE_FOR_MAJOR[v.major];
  if (!engine) return [];
  return [{
    ...base,
    id: 'postgres.dms-engine-version',
    severity: 'info',
    title: `PostgreSQL ${v.major} needs AWS DMS engine ${engine} or later`,
    fix: `Use a DMS replication instance with engine version ${engine} or later.`,
  }];
}

function settingFindings(ctx: PgCheckContext): Finding[] {
  const out: Finding[] = [];
  const walLevel = settingText(ctx, 'wal_level');
  if (walLevel !== undefined && walLevel !== 'logical') {
    out.push({
      id: 'postgres.wal-level',
      severity: 'blocker',
      object: 'server',
      title: 'Logical decoding is off: DMS cannot capture changes',
      evidence: `wal_level = ${walLevel}`,
      fix: ctx.rds
        ? 'Set rds.logical_replication = 1 in the DB parameter group and reboot the instance (RDS then sets wal_level = logical).'
        : 'Set wal_level = logical in postgresql.conf and restart PostgreSQL.',
      fixLines: serverFix(ctx.rds, ['wal_level = logical'], ['rds.logical_replication = 1']),
    });
  }

  const timeout = settingValue(ctx, 'wal_sender_timeout');
  if (timeout !== undefined && timeout > 0 && timeout < MIN_WAL_SENDER_TIMEOUT_MS) {
    out.push({
      id: 'postgres.wal-sender-timeout',
      severity: 'blocker',
      object: 'server',
      title: 'wal_sender_timeout is too short for DMS',
      evidence: `wal_sender_timeout = ${timeout} ms`,
      fix: 'DMS fails when wal_sender_timeout is between 0 and 10 s: set it to 60s (or 0 to disable it), then reload the configuration.',
      fixLines: serverFix(ctx.rds, ["wal_sender_timeout = '60s'"], ['wal_sender_timeout = 60000']),
    });
  } else if (timeout !== undefined && timeout > MAX_WAL_SENDER_TIMEOUT_MS) {
    out.push({
      id: 'postgres.wal-sender-timeout',
      severity: 'info',
      object: 'server',
      title: 'wal_sender_timeout is longer than 5 minutes',
      evidence: `wal_sender_timeout = ${timeout} ms`,
      fix: 'AWS recommends less than 5 minutes so a Multi-AZ failover of the DMS replication instance is noticed quickly.',
    });
  }

  // [DMS-PG]: "Don't end idle transactions when you use AWS DMS."
  const idle = settingValue(ctx, 'idle_in_transaction_session_timeout');
  const exempt = ctx.role.settings.idle_in_transaction_session_timeout === '0';
  if (idle !== undefined && idle > 0 && !exempt) {
    out.push({
      id: 'postgres.idle-in-transaction-timeout',
      severity: 'warning',
      object: `user ${ctx.options.migrationUser}`,
      title: 'DMS sessions can be ended by idle_in_transaction_session_timeout',
      evidence: `idle_in_transaction_session_timeout = ${idle} ms, no override for ${ctx.options.migrationUser}`,
      fix: 'DMS keeps some transactions idle between uses and AWS says not to end them: exempt the migration user, keeping the limit for applications.',
      fixLines: sqlFix(`ALTER ROLE ${ctx.user} SET idle_in_transaction_session_timeout = 0;`),
    });
  } else if (idle === 0) {
    out.push({
      id: 'postgres.idle-in-transaction-timeout',
      severity: 'info',
      object: 'server',
      title: 'No limit on sessions idle in a transaction',
      evidence: 'idle_in_transaction_session_timeout = 0',
      fix: "A session left idle in a transaction holds back vacuum and keeps the slot's WAL during CDC: consider a server-wide limit (e.g. '10min') for applications, with ALTER ROLE … SET idle_in_transaction_session_timeout = 0 for the migration user.",
    });
  }

  // [DMS-PG], RDS CDC setup: max_worker_processes ≥ logical replication + autovacuum + parallel workers.
  const workers = settingValue(ctx, 'max_worker_processes');
  const needed = ['max_logical_replication_workers', 'autovacuum_max_workers', 'max_parallel_workers'].reduce((n, s) => n + (settingValue(ctx, s) ?? 0), 0);
  if (ctx.rds && workers !== undefined && workers < needed) {
    out.push({
      id: 'postgres.max-worker-processes',
      severity: 'warning',
      object: 'server',
      title: 'max_worker_processes is below what logical replication needs on RDS',
      evidence: `max_worker_processes = ${workers} < max_logical_replication_workers + autovacuum_max_workers + max_parallel_workers = ${needed}`,
      fix: 'Raise max_worker_processes to that sum in the parameter group and reboot (watch the load on small instances).',
      fixLines: serverFix(true, [], [`max_worker_processes = ${needed}`]),
    });
  }
  return out;
}
