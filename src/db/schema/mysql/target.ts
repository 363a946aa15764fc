/**
 * openTarget(): one session on the target, opened on first use. Every name in a statement is
 * qualified, so the connection needs no default database; `USE` still sets the statement's
 * database first, because a routine, trigger or event resolves the unqualified names of its
 * body there. Foreign key checks stay on: adding a foreign key must validate the loaded rows.
 */
import type { ConnectionSpec } from '../../types.js';
import type { DdlStatement, ObjectRef, SchemaTarget } from '../types.js';
import { existing } from './existing.js';
import { openSession, sessionOf, type Session } from './session.js';
import { q } from './sql-text.js';

/** The server's message, with what to do when RDS refuses a function for lack of SUPER. */
function failure(statement: DdlStatement, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | null)?.code;
  const hint =
    code === 'ER_BINLOG_UNSAFE_ROUTINE' || code === 'ER_BINLOG_CREATE_ROUTINE_NEED_SUPER'
      ? ' Set log_bin_trust_function_creators = 1 in the target\'s DB parameter group, or declare the function DETERMINISTIC, NO SQL or READS SQL DATA on the source.'
      : '';
  return new Error(`${statement.id} failed on the target: ${message}.${hint}`, { cause: err });
}

export async function openTarget(target: (database: string) => Promise<ConnectionSpec>): Promise<SchemaTarget> {
  let session: Session | undefined;
  let current: { database?: string; sqlMode?: string; timeZone?: string } = {};
  const connect = async (database: string) => (session ??= await openSession(await target(database)));

  return {
    async existing(objects: ObjectRef[]) {
      if (objects.length === 0) return new Set();
      return existing(await connect(objects[0]!.schema), objects);
    },

    async execute(statement: DdlStatement) {
      const s = await connect(statement.database);
      const settings = sessionOf(statement.sql);
      try {
        // Statements without settings run as they were read: SHOW CREATE output of a session with an empty sql_mode.
        const sqlMode = settings.sqlMode ?? '';
        if (current.sqlMode !== sqlMode) await s.conn.query('SET SESSION sql_mode = ?', [sqlMode]);
        current.sqlMode = sqlMode;
        const timeZone = settings.timeZone ?? 'DEFAULT';
        if (current.timeZone !== timeZone) {
          await (timeZone === 'DEFAULT' ? s.conn.query('SET SESSION time_zone = DEFAULT') : s.conn.query('SET SESSION time_zone = ?', [timeZone]));
        }
        current.timeZone = timeZone;
        if (statement.object.kind !== 'database' && current.database !== statement.database) {
          await s.conn.query(`USE ${q(statement.database)}`);
          current.database = statement.database;
        }
        // One query even for a compound body: without multipleStatements the server parses BEGIN … END whole.
        await s.conn.query(statement.sql);
      } catch (err) {
        // The session state is unknown after a failure: set everything again next time.
        current = {};
        throw failure(statement, err);
      }
    },

    async close() {
      await session?.close();
      session = undefined;
    },
  };
}
