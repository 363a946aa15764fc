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
 */
import type pg from 'pg';
import { ExitCode, PromigrateError, UsageError, errorMessage } from '../errors.js';
import { connectMysql, type MysqlDatabase } from './mysql.js';
import { openPgClient } from './postgres-connect.js';
import type { ConnectionSpec } from './types.js';

export interface FreezeOptions {
  /** PostgreSQL: the databases to freeze. Default: the spec's database. */
  databases?: string[];
  /** MySQL/MariaDB: seconds `SET GLOBAL read_only` may wait for open transactions. Default 30. */
  lockWaitSeconds?: number;
  /** MySQL: also set super_read_only (default true where the server has it). */
  superReadOnly?: boolean;
  /** PostgreSQL: terminate other sessions (default true). */
  terminateSessions?: boolean;
  /** PostgreSQL: roles whose sessions are never terminated (e.g. a separate DMS user). */
  keepUsers?: string[];
}

export interface MysqlFreezeRecord {
  engine: 'mysql' | 'mariadb';
  /** Values before the freeze as the server reported them (e.g. `OFF`); absent variables omitted. */
  before: { read_only: string; super_read_only?: string };
  /** What promigrate changed, in the order it changed them. */
  set: Array<'read_only' | 'super_read_only'>;
}

export interface PostgresFreezeRecord {
  engine: 'postgres';
  /** The server's now() when the freeze took effect (ISO 8601). */
  frozenAt: string;
  databases: Array<{ name: string; before: string | null; set: boolean }>;
  keepUsers: string[];
  terminateSessions: boolean;
}

/** What `unfreeze` needs; JSON, kept in state so another process (rollback) can lift it. */
export type FreezeRecord = MysqlFreezeRecord | PostgresFreezeRecord;

export interface TerminatedSession {
  pid: number;
  user: string;
  database: string;
  application: string;
  /** The session had a transaction holding writes (rolled back); absent when not visible to our role. */
  writing?: boolean;
  terminated: boolean;
  /** Why it could not be terminated (e.g. a superuser's session). */
  error?: string;
}

export interface FreezeResult {
  record: FreezeRecord;
  /** Writes were already refused before promigrate (nothing to lift later). */
  alreadyFrozen: boolean;
  statements: string[];
  sessions: TerminatedSession[];
  notes: string[];
}

export interface UnfreezeResult {
  lifted: boolean;
  statements: string[];
  sessions: TerminatedSession[];
  notes: string[];
}

export interface FreezePlan {
  statements: string[];
  notes: string[];
}

const DEFAULT_LOCK_WAIT = 30;
const MARIADB_NOTE =
  'MariaDB: accounts with READ_ONLY ADMIN (part of SUPER before 11.0.1, and of ALL PRIVILEGES) can still write; make sure the application does not connect as one.';
const MYSQL_NOTE = 'MySQL without super_read_only: accounts with SUPER or CONNECTION_ADMIN can still write.';
const PG_GUARD_NOTE = 'default_transaction_read_only is a default, not a permission: a session that sets it off can still write.';

const qPg = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Anything but an explicit off counts as on (MariaDB 11's read_only also takes NO_LOCK…). */
const isOn = (v: string | null | undefined) => v !== null && v !== undefined && !/^(off|false|no|0)$/i.test(v.trim());
/** A server-reported setting value, safe to write back unquoted (ON, OFF, NO_LOCK…). */
const settingValue = (v: string) => {
  if (!/^[A-Za-z0-9_]+$/.test(v)) throw new Error(`unexpected setting value ${JSON.stringify(v)}`);
  return v;
};

function permissionError(spec: ConnectionSpec, what: string, err: unknown, hint: string): UsageError {
  return new UsageError(`The ${spec.label}: user ${spec.user} may not ${what} (${errorMessage(err)}).`, { hint });
}

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

// ---------- MySQL / MariaDB ----------

async function mysqlState(db: MysqlDatabase): Promise<{ read_only: string; super_read_only?: string }> {
  const vars = await db.variables(['read_only', 'super_read_only']);
  return {
    read_only: vars.read_only ?? 'OFF',
    ...(vars.super_read_only !== undefined ? { super_read_only: vars.super_read_only } : {}),
  };
}

async function freezeMysql(spec: ConnectionSpec, opts: FreezeOptions): Promise<FreezeResult> {
  const db = await connectMysql(spec);
  try {
    const flavor = (await db.version()).flavor === 'mariadb' ? 'mariadb' : 'mysql';
    const before = await mysqlState(db);
    const useSuper = flavor === 'mysql' && before.super_read_only !== undefined && opts.superReadOnly !== false;
    const set: MysqlFreezeRecord['set'] = [];
    const statements: string[] = [];
    const run = async (sql: string) => {
      statements.push(sql);
      await db.rows(sql);
    };
    const wanted = useSuper ? !isOn(before.super_read_only) : !isOn(before.read_only);
    if (wanted) {
      await run(`SET SESSION lock_wait_timeout = ${Math.max(1, Math.floor(opts.lockWaitSeconds ?? DEFAULT_LOCK_WAIT))}`);
      try {
        if (useSuper) {
          await run('SET GLOBAL super_read_only = ON');
          set.push('super_read_only');
          if (!isOn(before.read_only)) set.push('read_only');
        } else {
          await run('SET GLOBAL read_only = ON');
          set.push('read_only');
        }
      } catch (err) {
        throw mysqlFreezeError(spec, err, opts);
      }
    }
    const notes = [flavor === 'mariadb' ? MARIADB_NOTE : useSuper ? 'super_read_only is on: SUPER accounts are refused too.' : MYSQL_NOTE];
    return {
      record: { engine: flavor, before, set },
      alreadyFrozen: !wanted,
      statements,
      sessions: [],
      notes,
    };
  } finally {
    await db.close();
  }
}

function mysqlFreezeError(spec: ConnectionSpec, err: unknown, opts: FreezeOptions): PromigrateError {
  const code = (err as { code?: string }).code ?? '';
  if (/ACCESS_DENIED/.test(code)) {
    return permissionError(spec, 'set read_only', err, `GRANT SUPER (MariaDB, MySQL 5.7) or SYSTEM_VARIABLES_ADMIN (MySQL 8) ON *.* TO '${spec.user}'@'%', or freeze writes yourself and run cutover without --freeze-writes.`);
  }
  if (code === 'ER_LOCK_WAIT_TIMEOUT') {
    return new PromigrateError(
      `The ${spec.label}: read_only could not be set within ${opts.lockWaitSeconds ?? DEFAULT_LOCK_WAIT} s because open transactions or table locks did not finish; nothing was changed.`,
      ExitCode.stepFailed,
      { hint: 'Find the long transaction (SHOW PROCESSLIST / information_schema.INNODB_TRX), let it finish or kill it, then run cutover again.' },
    );
  }
  return err instanceof PromigrateError ? err : new PromigrateError(`The ${spec.label}: ${errorMessage(err)}`, ExitCode.stepFailed, { cause: err });
}

/** super_read_only first: turning read_only off would silently turn it off too. */
function restoreOrderMysql(record: MysqlFreezeRecord): Array<'read_only' | 'super_read_only'> {
  return (['super_read_only', 'read_only'] as const).filter((v) => record.set.includes(v));
}

async function unfreezeMysql(spec: ConnectionSpec, record: MysqlFreezeRecord): Promise<UnfreezeResult> {
  const statements: string[] = [];
  const notes: string[] = [];
  if (record.set.length === 0) return { lifted: false, statements, sessions: [], notes: ['read_only was on before promigrate; left on.'] };
  const db = await connectMysql(spec);
  try {
    const now = await mysqlState(db);
    for (const v of restoreOrderMysql(record)) {
      const previous = record.before[v];
      if (previous === undefined) continue;
      if (!isOn(now[v])) {
        notes.push(`${v} was already lifted by someone else.`);
        continue;
      }
      const sql = `SET GLOBAL ${v} = ${settingValue(previous)}`;
      statements.push(sql);
      try {
        await db.rows(sql);
      } catch (err) {
        if (/ACCESS_DENIED/.test((err as { code?: string }).code ?? '')) {
          throw permissionError(spec, `set ${v}`, err, `Run \`${sql}\` as an administrator.`);
        }
        throw err;
      }
    }
    return { lifted: statements.length > 0, statements, sessions: [], notes };
  } finally {
    await db.close();
  }
}

// ---------- PostgreSQL ----------

function restoreStatementPg(db: string, before: string | null): string {
  return before === null
    ? `ALTER DATABASE ${qPg(db)} RESET default_transaction_read_only`
    : `ALTER DATABASE ${qPg(db)} SET default_transaction_read_only = ${settingValue(before)}`;
}

/** The database-level value of default_transaction_read_only (ALTER DATABASE … SET), null when unset. */
async function dbSetting(client: pg.Client, spec: ConnectionSpec, name: string): Promise<string | null> {
  const res = await client.query<{ config: string[] | null }>(
    `SELECT (SELECT s.setconfig FROM pg_catalog.pg_db_role_setting s WHERE s.setdatabase = d.oid AND s.setrole = 0) AS config
       FROM pg_catalog.pg_database d WHERE d.datname = $1`,
    [name],
  );
  if (res.rows.length === 0) {
    throw new UsageError(`The ${spec.label}: there is no database ${JSON.stringify(name)} to freeze.`, { hint: 'Check source.databases.' });
  }
  const entry = (res.rows[0]!.config ?? []).find((c) => c.startsWith('default_transaction_read_only='));
  return entry === undefined ? null : entry.slice('default_transaction_read_only='.length);
}

interface SessionFilter {
  databases: string[];
  keepUsers: string[];
  /** Only sessions that started at or after this server time. */
  since?: string;
}

async function terminateSessions(client: pg.Client, filter: SessionFilter): Promise<TerminatedSession[]> {
  // Without superuser or pg_read_all_stats, other roles' sessions show NULL backend_type,
  // backend_start and backend_xid: such a session counts as a client unless it is a
  // walsender (pg_stat_replication lists its pid) or has no role (a background process).
  const res = await client.query<{ pid: number; usename: string | null; datname: string; application_name: string | null; writing: boolean | null }>(
    `SELECT pid, usename, datname, application_name,
            CASE WHEN backend_type IS NULL THEN NULL ELSE backend_xid IS NOT NULL END AS writing
       FROM pg_catalog.pg_stat_activity
      WHERE datname = ANY($1) AND pid <> pg_backend_pid()
        AND (backend_type = 'client backend'
             OR (backend_type IS NULL AND usename IS NOT NULL AND pid NOT IN (SELECT r.pid FROM pg_catalog.pg_stat_replication r WHERE r.pid IS NOT NULL)))
        AND NOT (COALESCE(usename, '') = ANY($2))
        AND ($3::timestamptz IS NULL OR backend_start IS NULL OR backend_start >= $3::timestamptz)
      ORDER BY pid`,
    [filter.databases, filter.keepUsers, filter.since ?? null],
  );
  const version = Number((await client.query<{ v: string }>('SHOW server_version_num')).rows[0]?.v ?? 0);
  const out: TerminatedSession[] = [];
  for (const row of res.rows) {
    const session: TerminatedSession = {
      pid: row.pid,
      user: row.usename ?? '',
      database: row.datname,
      application: row.application_name ?? '',
      ...(row.writing !== null ? { writing: row.writing } : {}),
      terminated: false,
    };
    try {
      // PostgreSQL 14+ waits (up to 5 s) until the backend is gone.
      const sql = version >= 140000 ? 'SELECT pg_terminate_backend($1, 5000) AS ok' : 'SELECT pg_terminate_backend($1) AS ok';
      session.terminated = (await client.query<{ ok: boolean }>(sql, [row.pid])).rows[0]?.ok === true;
    } catch (err) {
      session.error = errorMessage(err);
    }
    out.push(session);
  }
  return out;
}

function sessionNotes(sessions: TerminatedSession[]): string[] {
  const failed = sessions.filter((s) => !s.terminated);
  if (failed.length === 0) return [];
  return [
    `Could not terminate ${failed.length} session(s) (${failed.map((s) => `pid ${s.pid} of ${s.user || 'unknown'}${s.error ? `: ${s.error}` : ''}`).join('; ')}); they may still write until they reconnect.`,
  ];
}

/** Our own session must stay read-write even when the database's default no longer is. */
async function openReadWrite(spec: ConnectionSpec): Promise<pg.Client> {
  const client = await openPgClient(spec);
  try {
    await client.query('SET default_transaction_read_only = off');
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

async function freezePostgres(spec: ConnectionSpec, opts: FreezeOptions): Promise<FreezeResult> {
  const client = await openReadWrite(spec);
  try {
    const names = opts.databases ?? [spec.database];
    const statements: string[] = [];
    const databases: PostgresFreezeRecord['databases'] = [];
    // Taken before the ALTER: every session that can have started read-only starts after it.
    const frozenAt = (await client.query<{ t: string }>("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS t")).rows[0]!.t;
    for (const name of names) {
      const before = await dbSetting(client, spec, name);
      if (isOn(before)) {
        databases.push({ name, before, set: false });
        continue;
      }
      const sql = `ALTER DATABASE ${qPg(name)} SET default_transaction_read_only = on`;
      statements.push(sql);
      try {
        await client.query(sql);
      } catch (err) {
        if ((err as { code?: string }).code === '42501') {
          throw permissionError(spec, `ALTER DATABASE ${name}`, err, `Only the database owner or a superuser can; run \`${sql}\` as one, or freeze writes yourself and run cutover without --freeze-writes.`);
        }
        throw err;
      }
      databases.push({ name, before, set: true });
    }
    const keepUsers = opts.keepUsers ?? [];
    const terminate = opts.terminateSessions !== false;
    const sessions = terminate ? await terminateSessions(client, { databases: names, keepUsers }) : [];
    return {
      record: { engine: 'postgres', frozenAt, databases, keepUsers, terminateSessions: terminate },
      alreadyFrozen: databases.every((d) => !d.set),
      statements,
      sessions,
      notes: [PG_GUARD_NOTE, ...sessionNotes(sessions)],
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function unfreezePostgres(spec: ConnectionSpec, record: PostgresFreezeRecord): Promise<UnfreezeResult> {
  const ours = record.databases.filter((d) => d.set);
  if (ours.length === 0) {
    return { lifted: false, statements: [], sessions: [], notes: ['The databases were read-only before promigrate; left so.'] };
  }
  const client = await openReadWrite(spec);
  try {
    const statements: string[] = [];
    const notes: string[] = [];
    const lifted: string[] = [];
    for (const d of ours) {
      const now = await dbSetting(client, spec, d.name);
      if (!isOn(now)) {
        notes.push(`${d.name}: default_transaction_read_only was already lifted by someone else.`);
        continue;
      }
      const sql = restoreStatementPg(d.name, d.before);
      statements.push(sql);
      try {
        await client.query(sql);
      } catch (err) {
        if ((err as { code?: string }).code === '42501') {
          throw permissionError(spec, `ALTER DATABASE ${d.name}`, err, `Run \`${sql}\` as the database owner or a superuser.`);
        }
        throw err;
      }
      lifted.push(d.name);
    }
    // Sessions that connected while frozen started read-only and would stay so. One whose
    // start our role cannot see counts as such: older ones were terminated by the freeze.
    const sessions =
      record.terminateSessions && lifted.length
        ? await terminateSessions(client, { databases: lifted, keepUsers: record.keepUsers, since: record.frozenAt })
        : [];
    return { lifted: statements.length > 0, statements, sessions, notes: [...notes, ...sessionNotes(sessions)] };
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---------- entry points ----------

export function freeze(spec: ConnectionSpec, opts: FreezeOptions = {}): Promise<FreezeResult> {
  return spec.engine === 'postgres' ? freezePostgres(spec, opts) : freezeMysql(spec, opts);
}

export function unfreeze(spec: ConnectionSpec, record: FreezeRecord): Promise<UnfreezeResult> {
  return record.engine === 'postgres' ? unfreezePostgres(spec, record) : unfreezeMysql(spec, record);
}
