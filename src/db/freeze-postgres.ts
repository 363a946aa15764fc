/** The write freeze on PostgreSQL: default_transaction_read_only plus terminating writers, and its exact undo (see freeze.ts). */
import type pg from 'pg';
import { UsageError, errorMessage } from '../errors.js';
import { openPgClient } from './postgres-connect.js';
import { PG_GUARD_NOTE, isOn, permissionError, qPg, settingValue, type FreezeOptions, type FreezeResult, type PostgresFreezeRecord, type TerminatedSession, type UnfreezeResult } from './freeze-shared.js';
import type { ConnectionSpec } from './types.js';


export function restoreStatementPg(db: string, before: string | null): string {
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

export async function freezePostgres(spec: ConnectionSpec, opts: FreezeOptions): Promise<FreezeResult> {
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

export async function unfreezePostgres(spec: ConnectionSpec, record: PostgresFreezeRecord): Promise<UnfreezeResult> {
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
