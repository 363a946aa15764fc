/**
 * Server-level MySQL/MariaDB checks: version support, binary log settings DMS CDC needs,
 * the retention budget, replicas, and the time zone.
 */
import { versionAtLeast } from '../../db/mysql-version.js';
import type { Inventory, ServerVersion } from '../../db/types.js';
import { BUDGET_MARGIN_SECONDS, BUDGET_SAFETY_FACTOR, estimateFullLoadSeconds, FULL_LOAD_BYTES_PER_SECOND, MIN_RETENTION_SECONDS, requiredRetentionSeconds } from './budget.js';
import type { Finding } from './finding.js';
import { formatBytes, formatDuration, myCnf, rdsParameters, shell, sql } from './mysql-fix.js';

export const SERVER_VARIABLES = [
  'log_bin', 'binlog_format', 'binlog_row_image', 'server_id', 'binlog_expire_logs_seconds', 'expire_logs_days',
  'binlog_expire_logs_auto_purge', 'binlog_transaction_compression', 'log_slave_updates', 'log_replica_updates',
  'lower_case_table_names', 'time_zone', 'system_time_zone', 'basedir',
];

/** RDS and Aurora MySQL install under /rdsdbbin; the procedure probe may be refused to a non-master user. */
export const looksLikeRds = (vars: Record<string, string | undefined>) => /^\/rdsdbbin\//.test(vars.basedir ?? '');

export interface ServerFacts {
  version: ServerVersion;
  vars: Record<string, string | undefined>;
  isRds: boolean;
  /** RDS `binlog retention hours` (null: not set, binlogs purged as soon as possible). */
  rdsRetentionHours: number | null | undefined;
  isReplica: boolean | undefined;
}

const on = (value: string | undefined) => value !== undefined && /^(ON|1|TRUE|YES)$/i.test(value);
const RESTART = 'then restart the server (a maintenance window)';
const RDS_REBOOT = 'in the DB parameter group of the instance (static parameters apply after a reboot)';

/**
 * Versions AWS DMS lists as MySQL-compatible sources (docs "Sources for AWS DMS" and
 * "Using a MySQL-compatible database as a source"): MySQL 5.5–8.0 and 8.4, MariaDB
 * 10.0.24 onwards through 10.6 and 10.11. Listed but end-of-life versions are warned about.
 */
export function checkVersion(v: ServerVersion): Finding[] {
  const at = (severity: Finding['severity'], title: string, fix: string): Finding[] => [
    { id: 'mysql.version', severity, object: 'server', title, evidence: `${v.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${v.major}.${v.minor}.${v.patch} (${v.raw})`, fix },
  ];
  const upgrade = 'Upgrade the source to a supported release first, or migrate with a dump instead of DMS.';
  if (v.flavor === 'mariadb') {
    if (!versionAtLeast(v, 10, 0, 24)) return at('blocker', 'MariaDB release not supported by AWS DMS', `AWS DMS supports MariaDB 10.0.24 and later. ${upgrade}`);
    if (!versionAtLeast(v, 10, 4)) return at('warning', 'End-of-life MariaDB release', 'DMS still lists it, but it gets no fixes; rehearse the migration on a copy first, and plan the upgrade the target brings.');
    if (v.major === 10 && [7, 8, 9, 10].includes(v.minor)) return at('warning', 'Short-term MariaDB release not listed by AWS DMS', 'DMS lists the long-term releases 10.4, 10.5, 10.6 and 10.11; rehearse the migration on a copy first.');
    if (v.major >= 11) return at('warning', 'MariaDB release newer than the ones AWS DMS lists', 'DMS lists MariaDB up to 10.11; rehearse the migration on a copy first.');
    return [];
  }
  if (!versionAtLeast(v, 5, 5)) return at('blocker', 'MySQL release not supported by AWS DMS', `AWS DMS supports MySQL 5.5 and later. ${upgrade}`);
  if (!versionAtLeast(v, 5, 7)) return at('warning', 'End-of-life MySQL release', 'DMS still lists it, but it gets no fixes (and RDS MySQL 5.5 has no CDC); rehearse on a copy and plan the upgrade.');
  if (v.major === 8 && v.minor > 0 && v.minor < 4) return at('warning', 'MySQL innovation release not listed by AWS DMS', 'DMS lists MySQL 5.7, 8.0 and 8.4; rehearse the migration on a copy first.');
  if (v.major > 8) return at('warning', 'MySQL release newer than the ones AWS DMS lists', 'DMS lists MySQL up to 8.4; rehearse the migration on a copy first.');
  return [];
}

export function checkBinlog(f: ServerFacts): Finding[] {
  const { vars, isRds } = f;
  const out: Finding[] = [];
  if (!on(vars.log_bin)) {
    out.push({
      id: 'mysql.log-bin', severity: 'blocker', object: 'server', title: 'Binary logging is off: DMS cannot capture changes (CDC)',
      evidence: `log_bin = ${vars.log_bin ?? 'OFF'}`,
      fix: isRds ? 'On RDS the binlog is on when automated backups are: set a backup retention period of at least 1 day.' : `Turn on the binary log in my.cnf, ${RESTART}.`,
      fixLines: isRds ? [shell('aws rds modify-db-instance --db-instance-identifier <instance> --backup-retention-period 7 --apply-immediately')] : [myCnf('log_bin = mysql-bin')],
    });
  }
  const dynamic = (name: string, want: string, id: string, title: string, extra = ''): void => {
    const value = vars[name];
    if (value === undefined || value.toUpperCase() === want) return;
    out.push({
      id, severity: 'blocker', object: 'server', title, evidence: `${name} = ${value}`,
      fix: isRds ? `Set ${name} = ${want} ${RDS_REBOOT}.${extra}` : `Set ${name} = ${want} in my.cnf so it survives restarts, and now with SET GLOBAL (sessions opened before keep the old value: reconnect the application or restart).${extra}`,
      fixLines: isRds ? [rdsParameters(`${name} = ${want}`)] : [myCnf(`${name} = ${want}`), sql(`SET GLOBAL ${name} = '${want}';`)],
    });
  };
  dynamic('binlog_format', 'ROW', 'mysql.binlog-format', 'binlog_format is not ROW: DMS reads row events only');
  dynamic('binlog_row_image', 'FULL', 'mysql.binlog-row-image', 'binlog_row_image is not FULL: DMS needs the whole row before and after each change');
  dynamic('binlog_transaction_compression', 'OFF', 'mysql.binlog-transaction-compression', 'Binary log transaction compression is on: DMS cannot read compressed transaction payloads');
  const serverId = Number(vars.server_id ?? '1');
  if (!(serverId >= 1)) {
    out.push({
      id: 'mysql.server-id', severity: 'blocker', object: 'server', title: 'server_id is 0: the server cannot serve a binlog reader',
      evidence: `server_id = ${vars.server_id}`,
      fix: 'Give the server a unique server_id of 1 or more in my.cnf, and now with SET GLOBAL.',
      fixLines: [myCnf('server_id = 1'), sql('SET GLOBAL server_id = 1;')],
    });
  }
  return out;
}

/** Seconds the source keeps binlogs; Infinity when nothing purges them. */
export function binlogRetentionSeconds(f: Pick<ServerFacts, 'vars' | 'isRds' | 'rdsRetentionHours'>): { seconds: number; source: string } {
  if (f.isRds) {
    const hours = f.rdsRetentionHours ?? null;
    return hours === null ? { seconds: 0, source: "RDS 'binlog retention hours' = NULL (purged as soon as possible)" } : { seconds: hours * 3600, source: `RDS 'binlog retention hours' = ${hours}` };
  }
  const { vars } = f;
  if (vars.binlog_expire_logs_auto_purge?.toUpperCase() === 'OFF') return { seconds: Infinity, source: 'binlog_expire_logs_auto_purge = OFF' };
  const seconds = Number(vars.binlog_expire_logs_seconds ?? 0);
  if (seconds > 0) return { seconds, source: `binlog_expire_logs_seconds = ${seconds}` };
  const days = Number(vars.expire_logs_days ?? 0);
  if (days > 0) return { seconds: Math.round(days * 86_400), source: `expire_logs_days = ${vars.expire_logs_days}` };
  return { seconds: Infinity, source: 'binlog_expire_logs_seconds = 0 and expire_logs_days = 0' };
}

export function checkRetention(f: ServerFacts, inventory: Inventory): Finding[] {
  const bytes = inventory.totals.bytes;
  const required = requiredRetentionSeconds(bytes);
  const estimate = estimateFullLoadSeconds(bytes);
  const budget =
    `needed ${formatDuration(required)} (${required} s): full load of ${formatBytes(bytes)} estimated at ${formatDuration(estimate)} ` +
    `at ${FULL_LOAD_BYTES_PER_SECOND / 1024 / 1024} MiB/s, ×${BUDGET_SAFETY_FACTOR} + ${formatDuration(BUDGET_MARGIN_SECONDS)}, at least ${formatDuration(MIN_RETENTION_SECONDS)}`;
  if (f.isRds && f.rdsRetentionHours === undefined) {
    return [{
      id: 'mysql.binlog-retention-unknown', severity: 'warning', object: 'server', title: "Could not read the RDS source's binlog retention",
      evidence: `mysql.rds_show_configuration was refused to this user; ${budget}`,
      fix: `Run CALL mysql.rds_show_configuration as the master user; keep binlogs at least ${Math.ceil(required / 3600)} hours.`,
      fixLines: [rdsParameters(`CALL mysql.rds_set_configuration('binlog retention hours', ${Math.ceil(required / 3600)});`)],
    }];
  }
  const { seconds, source } = binlogRetentionSeconds(f);
  if (seconds === Infinity) {
    return [{ id: 'mysql.binlog-no-expiry', severity: 'info', object: 'server', title: 'Binlogs are never purged automatically', evidence: `${source}; ${budget}`, fix: 'Enough for DMS; watch the disk, and set an expiry after the cutover.' }];
  }
  if (seconds >= required) return [];
  const hours = Math.ceil(required / 3600);
  const days = Math.ceil(required / 86_400);
  const modern = f.version.flavor === 'mariadb' ? versionAtLeast(f.version, 10, 6, 1) : versionAtLeast(f.version, 8, 0, 1);
  return [{
    id: 'mysql.binlog-retention', severity: 'blocker', object: 'server',
    title: 'Binlogs are purged before the full load can finish: CDC could not start from its position',
    evidence: `retention ${formatDuration(seconds)} (${source}); ${budget}`,
    fix: f.isRds
      ? `Keep binlogs for at least ${hours} hours on the RDS source (mysql.rds_set_configuration).`
      : `Keep binlogs for at least ${days} day(s): set it in my.cnf, and now with SET GLOBAL; make sure the binlog disk has room for that many days of changes.`,
    fixLines: f.isRds
      ? [rdsParameters(`CALL mysql.rds_set_configuration('binlog retention hours', ${hours});`)]
      : modern
        ? [myCnf(`binlog_expire_logs_seconds = ${days * 86_400}`), sql(`SET GLOBAL binlog_expire_logs_seconds = ${days * 86_400};`)]
        : [myCnf(`expire_logs_days = ${days}`), sql(`SET GLOBAL expire_logs_days = ${days};`)],
  }];
}

export function checkReplica(f: ServerFacts): Finding[] {
  const name = f.vars.log_replica_updates !== undefined && f.version.flavor === 'mysql' ? 'log_replica_updates' : 'log_slave_updates';
  const value = f.vars.log_replica_updates ?? f.vars.log_slave_updates;
  if (on(value)) return [];
  if (f.isReplica === undefined) {
    return [{ id: 'mysql.replica-unknown', severity: 'info', object: 'server', title: 'Could not tell whether the source is a replica', evidence: `the replica status is not readable by this user; ${name} = ${value ?? 'OFF'}`, fix: `If this server replicates from another, set ${name} = ON (DMS reads only what this server writes to its own binlog).` }];
  }
  if (!f.isReplica) return [];
  return [{
    id: 'mysql.log-replica-updates', severity: 'blocker', object: 'server',
    title: 'The source is a replica that does not log replicated changes: DMS would miss them',
    evidence: `replica; ${name} = ${value ?? 'OFF'}`,
    fix: f.isRds ? 'On an RDS read replica, turn on automated backups (this also logs replicated changes).' : `Set ${name} = ON in my.cnf, ${RESTART}; or point DMS at the primary.`,
    fixLines: f.isRds ? [shell('aws rds modify-db-instance --db-instance-identifier <replica> --backup-retention-period 7 --apply-immediately')] : [myCnf(`${name} = ON`)],
  }];
}

const UTC = /^(SYSTEM:)?(UTC|UCT|GMT|GMT0|Z|Zulu|Universal|Etc\/(UTC|UCT|GMT|GMT0|Universal|Zulu)|[+-]00:00)$/i;

/** DMS reads TIMESTAMP values as UTC unless the endpoint's ServerTimezone names the source's zone. */
export function checkTimeZone(f: ServerFacts, inventory: Inventory): Finding[] {
  const zone = f.vars.time_zone?.toUpperCase() === 'SYSTEM' ? f.vars.system_time_zone : f.vars.time_zone;
  if (zone === undefined || UTC.test(zone)) return [];
  const timestamps = inventory.tables.flatMap((t) => t.columns.filter((c) => c.dataType === 'timestamp').map((c) => `${t.schema}.${t.name}.${c.name}`));
  return [{
    id: 'mysql.time-zone', severity: timestamps.length > 0 ? 'warning' : 'info', object: 'server',
    title: 'The source does not run in UTC: TIMESTAMP values can shift on the target',
    evidence: `time_zone = ${f.vars.time_zone}, system_time_zone = ${f.vars.system_time_zone}; ${timestamps.length} TIMESTAMP column(s)${timestamps.length ? ` (${timestamps.slice(0, 5).join(', ')}${timestamps.length > 5 ? ', …' : ''})` : ''}`,
    fix: `Set the DMS source endpoint setting ServerTimezone to this zone's IANA name (e.g. Asia/Seoul for KST), so DMS converts TIMESTAMP values correctly; give the target the same time_zone parameter so the application sees the same times.`,
  }];
}
