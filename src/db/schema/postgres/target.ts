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

export const MAINTENANCE_DATABASE = 'postgres';

export interface PostgresTargetOptions {
  /**
   * The target database the non-`database` objects live in, for an existing() call that
   * does not include the plan's `database` object. Default: that object's name.
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
      const found = new Set<string>();
      if (databases.length > 0) {
        const present = await using(MAINTENANCE_DATABASE, (s) => existingDatabases(s.client, databases.map((d) => d.name)));
        for (const d of databases) if (present.has(d.name)) found.add(objectKey(d));
      }
      if (others.length === 0) return found;
      const names = [...new Set(databases.map((d) => d.name))];
      const database = options.database ?? (names.length === 1 ? names[0] : undefined);
      if (database === undefined) {
        throw new Error(
          `existing() on a PostgreSQL target needs to know the target database: pass the plan's database object along (found ${names.length}), or open the target with openPostgresTarget(target, { database }).`,
        );
      }
      // A database not created yet holds nothing.
      if (options.database === undefined && !found.has(objectKey(databases[0]!))) return found;
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
