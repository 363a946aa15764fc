/**
 * The MySQL/MariaDB source doctor: everything AWS DMS (full load + CDC) needs of the source,
 * read in a fixed handful of queries after the inventory, each problem a finding with a
 * copy-pasteable fix. A correctly configured source yields no blockers.
 */
import { errorCode } from '../../db/mysql-errors.js';
import type { Grant, LobColumnRef, MysqlDatabase } from '../../db/mysql.js';
import { MYSQL_NCLOB_TYPES } from '../../db/mysql-inventory.js';
import type { Inventory } from '../../db/types.js';
import type { Finding } from './finding.js';
import { parseAccount } from './mysql-fix.js';
import { checkPrivileges } from './mysql-checks-privileges.js';
import { checkBinlog, checkReplica, checkRetention, checkTimeZone, checkVersion, looksLikeRds, SERVER_VARIABLES, type ServerFacts } from './mysql-checks-server.js';
import { checkAutoIncrement, checkLobs, checkMixedCase, checkRowIdentity, checkStorageEngines } from './mysql-checks-tables.js';

export interface MysqlCheckOptions {
  lobMode: 'limited' | 'full' | 'inline';
  lobMaxSizeKb: number;
  /** The user DMS connects as: `dms`, or `dms@10.0.%` for a host-restricted account. */
  migrationUser: string;
  /** Amazon RDS source; detected (mysql.rds_show_configuration answers, or basedir under /rdsdbbin) when not given. */
  isRds?: boolean;
  /** dms.migrationType; binlog, retention and replication checks apply only with CDC. Default: with CDC. */
  migrationType?: 'full-load' | 'full-load-and-cdc';
  /** Measure the largest stored LOB (one scan per LOB-bearing table). Default: true. */
  measureLobs?: boolean;
}

async function migrationUserGrants(db: MysqlDatabase, user: string, host: string): Promise<Grant[] | 'no-such-user' | 'unreadable'> {
  const current = await db.currentAccount();
  if (current.user === user && (host === '%' || current.host === host)) return db.grants();
  try {
    return await db.grants({ user, host });
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ER_NONEXISTING_GRANT') return 'no-such-user';
    if (/ACCESS_DENIED/.test(code ?? '')) return 'unreadable';
    throw err;
  }
}

/** Sizes unknown (reported as "not measured") when the connecting user may not read every table. */
async function measureLobs(db: MysqlDatabase, columns: LobColumnRef[]): Promise<Map<string, number> | undefined> {
  try {
    return await db.largestLobBytes(columns);
  } catch (err) {
    if (/ACCESS_DENIED/.test(errorCode(err) ?? '')) return undefined;
    throw err;
  }
}

export async function checkMysqlSource(db: MysqlDatabase, inventory: Inventory, options: MysqlCheckOptions): Promise<Finding[]> {
  const cdc = (options.migrationType ?? 'full-load-and-cdc') === 'full-load-and-cdc';
  const version = await db.version();
  const vars = await db.variables(SERVER_VARIABLES);
  const rdsRetentionHours = options.isRds === false ? undefined : await db.rdsBinlogRetentionHours();
  const facts: ServerFacts = {
    version,
    vars,
    isRds: options.isRds ?? (rdsRetentionHours !== undefined || looksLikeRds(vars)),
    rdsRetentionHours,
    isReplica: cdc ? await db.isReplica() : false,
  };
  const account = parseAccount(options.migrationUser);
  const grants = await migrationUserGrants(db, account.user, account.host);
  const lobColumns = inventory.tables.flatMap((t) => t.columns.filter((c) => c.isLob).map((c) => ({
    schema: t.schema, table: t.name, column: c.name, ...(MYSQL_NCLOB_TYPES.has(c.dataType) ? { nclob: true } : {}),
  })));
  const largest = options.measureLobs !== false && lobColumns.length > 0 ? await measureLobs(db, lobColumns) : undefined;

  return [
    ...checkVersion(version),
    ...(cdc ? [...checkBinlog(facts), ...checkRetention(facts, inventory), ...checkReplica(facts)] : []),
    ...checkPrivileges(grants, { version, account, databases: inventory.databases, tables: inventory.tables, cdc }),
    ...checkStorageEngines(inventory.tables),
    ...(cdc ? checkRowIdentity(inventory.tables, version) : []),
    ...checkLobs(inventory.tables, { lobMode: options.lobMode, lobMaxSizeKb: options.lobMaxSizeKb, ...(largest ? { largest } : {}) }),
    ...checkMixedCase(inventory.tables, vars.lower_case_table_names),
    ...checkAutoIncrement(inventory),
    ...checkTimeZone(facts, inventory),
  ];
}
