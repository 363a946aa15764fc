/**
 * Write freeze on the source for the cutover, and its exact undo.
 *
 * MySQL/MariaDB: `SET GLOBAL read_only = ON`. MySQL waits (up to the session's
 * lock_wait_timeout, set here) for open write transactions and table locks to end; MariaDB
 * returns at once and refuses the COMMIT of a transaction still open. Either way no write
 * lands after it returns. read_only does not stop accounts with SUPER/CONNECTION_ADMIN (MySQL) or
 * READ_ONLY ADMIN (MariaDB; included in SUPER before 11.0.1). On MySQL (5.7.8+) promigrate
 * therefore sets `super_read_only = ON` (which implies read_only): an application that runs
 * as root would otherwise keep writing to a database DMS has stopped reading from. MariaDB
 * has no equivalent; the result carries a note saying who can still write there.
 *
 * PostgreSQL: `ALTER DATABASE … SET default_transaction_read_only = on` for every frozen
 * database. That default applies to sessions opened afterwards only, so every OTHER client
 * session of those databases is terminated (pg_stat_activity, backend_type 'client backend',
 * pid ≠ pg_backend_pid()): an application's pooled connections, idle or not, would
 * otherwise keep their read-write default for their lifetime, and a transaction holding
 * writes is rolled back. Not terminated: our own session, background processes and
 * walsenders (DMS's logical replication stays connected), and roles in `keepUsers`.
 * Terminating needs superuser or pg_signal_backend (never a superuser's session unless we
 * are one); pg_read_all_stats lets the report say which sessions were writing.
 * The setting is a guard against applications, not a permission: a session may still
 * `SET default_transaction_read_only = off`.
 *
 * `unfreeze` lifts only what `freeze` set (a read_only that was already on stays on), puts
 * the previous values back exactly, and — PostgreSQL — terminates the sessions opened while
 * frozen, which would otherwise stay read-only until they reconnect.
 */import { freezeMysql, restoreOrderMysql, unfreezeMysql } from './freeze-mysql.js';
import { freezePostgres, restoreStatementPg, unfreezePostgres } from './freeze-postgres.js';
import { DEFAULT_LOCK_WAIT, MARIADB_NOTE, MYSQL_NOTE, PG_GUARD_NOTE, qPg, type FreezeOptions, type FreezePlan, type FreezeRecord, type FreezeResult, type UnfreezeResult } from './freeze-shared.js';
import type { ConnectionSpec } from './types.js';

export type * from './freeze-shared.js';

// ---------- plan (no connection) ----------

/** The SQL freeze would run, for --dry-run; connects to nothing. */
export function freezePlan(spec: ConnectionSpec, opts: FreezeOptions = {}): FreezePlan {
  if (spec.engine === 'postgres') {
    const dbs = opts.databases ?? [spec.database];
    const statements = dbs.map((d) => `ALTER DATABASE ${qPg(d)} SET default_transaction_read_only = on`);
    const notes = [PG_GUARD_NOTE];
    if (opts.terminateSessions !== false) {
      const keep = opts.keepUsers?.length ? ` AND usename NOT IN (${opts.keepUsers.map((u) => `'${u.replace(/'/g, "''")}'`).join(', ')})` : '';
      statements.push(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IN (${dbs.map((d) => `'${d.replace(/'/g, "''")}'`).join(', ')}) AND backend_type = 'client backend' AND pid <> pg_backend_pid()${keep}`,
      );
      notes.push('Every other client session of the frozen databases is terminated: sessions opened before the freeze would keep writing.');
    }
    return { statements, notes };
  }
  const superRo = spec.engine === 'mysql' && opts.superReadOnly !== false;
  return {
    statements: [
      `SET SESSION lock_wait_timeout = ${opts.lockWaitSeconds ?? DEFAULT_LOCK_WAIT}`,
      superRo ? 'SET GLOBAL super_read_only = ON' : 'SET GLOBAL read_only = ON',
    ],
    notes: [
      'Waits for open write transactions to finish; skipped when writes are already refused.',
      superRo ? 'super_read_only implies read_only; on a server without it (before 5.7.8) read_only is set instead.' : spec.engine === 'mariadb' ? MARIADB_NOTE : MYSQL_NOTE,
    ],
  };
}

/** The SQL unfreeze would run for this record, for `rollback --dry-run`. */
export function unfreezePlan(record: FreezeRecord): FreezePlan {
  if (record.engine === 'postgres') {
    const set = record.databases.filter((d) => d.set);
    return {
      statements: set.map((d) => restoreStatementPg(d.name, d.before)),
      notes: set.length
        ? ['Sessions opened while frozen are terminated so they reconnect read-write.']
        : ['Nothing to lift: the databases were read-only before promigrate froze them.'],
    };
  }
  return {
    statements: restoreOrderMysql(record).map((v) => `SET GLOBAL ${v} = ${record.before[v]}`),
    notes: record.set.length ? [] : ['Nothing to lift: read_only was on before promigrate.'],
  };
}

// ---------- entry points ----------

export function freeze(spec: ConnectionSpec, opts: FreezeOptions = {}): Promise<FreezeResult> {
  return spec.engine === 'postgres' ? freezePostgres(spec, opts) : freezeMysql(spec, opts);
}

export function unfreeze(spec: ConnectionSpec, record: FreezeRecord): Promise<UnfreezeResult> {
  return record.engine === 'postgres' ? unfreezePostgres(spec, record) : unfreezeMysql(spec, record);
}
