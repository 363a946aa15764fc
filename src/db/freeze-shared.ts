/** Types and small helpers shared by the MySQL/MariaDB and PostgreSQL write freezes (see freeze.ts). */
import { UsageError, errorMessage } from '../errors.js';
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

export const DEFAULT_LOCK_WAIT = 30;
export const MARIADB_NOTE =
  'MariaDB: accounts with READ_ONLY ADMIN (part of SUPER before 11.0.1, and of ALL PRIVILEGES) can still write; make sure the application does not connect as one.';
export const MYSQL_NOTE = 'MySQL without super_read_only: accounts with SUPER or CONNECTION_ADMIN can still write.';
export const PG_GUARD_NOTE = 'default_transaction_read_only is a default, not a permission: a session that sets it off can still write.';

export const qPg = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Anything but an explicit off counts as on (MariaDB 11's read_only also takes NO_LOCK…). */
export const isOn = (v: string | null | undefined) => v !== null && v !== undefined && !/^(off|false|no|0)$/i.test(v.trim());
/** A server-reported setting value, safe to write back unquoted (ON, OFF, NO_LOCK…). */
export const settingValue = (v: string) => {
  if (!/^[A-Za-z0-9_]+$/.test(v)) throw new Error(`unexpected setting value ${JSON.stringify(v)}`);
  return v;
};

export function permissionError(spec: ConnectionSpec, what: string, err: unknown, hint: string): UsageError {
  return new UsageError(`The ${spec.label}: user ${spec.user} may not ${what} (${errorMessage(err)}).`, { hint });
}
