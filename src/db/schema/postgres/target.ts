/**
 * openTarget(): one client per target database, opened when first needed. Each statement
 * runs in a transaction of its own with `check_function_bodies = off` (a SQL routine may
 * name a table created after it, as pg_dump allows for) and `search_path = pg_catalog`
 * (every name in the statements is qualified), both SET LOCAL so nothing outlives the
 * statement — on PGlite, whose one backend session all clients share, neither leaks.
 * CREATE DATABASE cannot run in a transaction block and runs on its own.
 */
import type pg from 'pg';
import { errorMessage } from '../../../errors.js';
import { openPgClient } from '../../postgres-connect.js';
import type { ConnectionSpec } from '../../types.js';
import { objectKey, type DdlStatement, type ObjectRef, type SchemaTarget } from '../types.js';
import { existingDatabases, existingIn } from './existing.js';
import { databaseOf } from './refs.js';

export const MAINTENANCE_DATABASE = 'postgres';

export interface PostgresTargetOptions {
  /**
   * The target database existing() looks in, for objects that do not name it themselves
   * (refs.ts: extract()'s and positions()' objects do). Default: the objects' own database.
   */
  database?: string;
}

interface Session {
  client: pg.Client;
  spec: ConnectionSpec;
  /** PGlite: one database, `postgres`, whatever a client asks for. */
  singleDatabase: boolean;
  /** The connection failed or ended: the session is of no more use. */
  broken: boolean;
}

export async function openPostgresTarget(target: (database: string) => Promise<ConnectionSpec>, options: PostgresTargetOptions = {}): Promise<SchemaTarget> {
  const sessions = new Map<string, Promise<Session>>();

  const open = async (database: string): Promise<Session> => {
    const spec = await target(database);
    const client = await openPgClient(spec);
    try {
      const { rows } = await client.query<{ db: string; version: string }>('SELECT current_database() AS db, version() AS version');
      const db = rows[0]?.db;
      // PGlite over its socket serves one database whatever the client asks for.
      if (db !== spec.database) {
        throw new Error(
          `${spec.label}: asked for database ${spec.database}, the server put the session in database ${db}; this server serves only that one database (PGlite does), so migrate into a database of that name.`,
        );
      }
      const s: Session = { client, spec, singleDatabase: /\bPGlite\b/.test(rows[0]?.version ?? ''), broken: false };
      const broke = () => {
        s.broken = true;
      };
      client.on('error', broke);
      client.on('end', broke);
      return s;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  };
  const session = (database: string): Promise<Session> => {
    let s = sessions.get(database);
    if (!s) {
      s = open(database);
      sessions.set(database, s);
      s.catch(() => sessions.delete(database));
    }
    return s;
  };

  const drop = (database: string, opened: Promise<Session>, s: Session) => {
    if (sessions.get(database) === opened) sessions.delete(database);
    void s.client.end().catch(() => undefined);
  };
  /** Runs `use` on the database's session; one whose connection broke is dropped, and opened again on the next call. */
  const using = async <T>(database: string, use: (s: Session) => Promise<T>): Promise<T> => {
    let opened = session(database);
    let s = await opened;
    if (s.broken) {
      drop(database, opened, s);
      opened = session(database);
      s = await opened;
    }
    try {
      return await use(s);
    } finally {
      if (s.broken) drop(database, opened, s);
    }
  };

  return {
    async existing(objects: ObjectRef[]): Promise<Set<string>> {
      const databases = objects.filter((o) => o.kind === 'database');
      const others = objects.filter((o) => o.kind !== 'database');
      const where = new Set(others.map(databaseOf).filter((d): d is string => d !== undefined));
      if (options.database !== undefined) where.add(options.database);
      if (where.size === 0 && databases.length === 1) where.add(databases[0]!.name);
      if (others.length > 0 && where.size !== 1) {
        throw new Error(
          `existing() on a PostgreSQL target needs the one database its objects are in, found ${where.size === 0 ? 'none' : [...where].join(', ')}: pass the objects of one plan, or open the target with openPostgresTarget(target, { database }).`,
        );
      }
      const [database] = where;
      const asked = [...databases.map((d) => d.name), ...(database !== undefined ? [database] : [])];
      const present = await using(MAINTENANCE_DATABASE, (s) => existingDatabases(s.client, asked));
      const found = new Set(databases.filter((d) => present.has(d.name)).map(objectKey));
      // A database not created yet holds nothing (and cannot be connected to).
      if (database === undefined || others.length === 0 || !present.has(database)) return found;
      for (const key of await using(database, (s) => existingIn(s.client, others))) found.add(key);
      return found;
    },

    async execute(statement: DdlStatement): Promise<void> {
      await using(statement.database, async ({ client, spec, singleDatabase }) => {
        if (statement.object.kind === 'database' && singleDatabase) {
          // It would succeed, and leave a database no client of this server can ever reach.
          throw new Error(
            `${statement.id}: ${spec.label} is PGlite, which serves only its database ${MAINTENANCE_DATABASE}; migrate a source database named ${MAINTENANCE_DATABASE} into it (no CREATE DATABASE needed).`,
          );
        }
        try {
          if (statement.object.kind === 'database') {
            await client.query(statement.sql);
            return;
          }
          try {
            await client.query('BEGIN');
            await client.query('SET LOCAL check_function_bodies = off');
            await client.query('SET LOCAL search_path = pg_catalog');
            await client.query(statement.sql);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw err;
          }
        } catch (err) {
          throw new Error(`${statement.id} failed on ${spec.label}: ${errorMessage(err)}`, { cause: err });
        }
      });
    },

    async close(): Promise<void> {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(all.map(async (s) => (await s).client.end()));
    },
  };
}
