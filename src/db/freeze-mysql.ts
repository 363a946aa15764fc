/** The write freeze on MySQL/MariaDB: read_only / super_read_only, and its exact undo (see freeze.ts). */
import { ExitCode, PromigrateError, errorMessage } from '../errors.js';
import { connectMysql, type MysqlDatabase } from './mysql.js';
import { DEFAULT_LOCK_WAIT, MARIADB_NOTE, MYSQL_NOTE, isOn, permissionError, settingValue, type FreezeOptions, type FreezeResult, type MysqlFreezeRecord, type UnfreezeResult } from './freeze-shared.js';
import type { ConnectionSpec } from './types.js';


async function mysqlState(db: MysqlDatabase): Promise<{ read_only: string; super_read_only?: string }> {
  const vars = await db.variables(['read_only', 'super_read_only']);
  return {
    read_only: vars.read_only ?? 'OFF',
    ...(vars.super_read_only !== undefined ? { super_read_only: vars.super_read_only } : {}),
  };
}

export async function freezeMysql(spec: ConnectionSpec, opts: FreezeOptions): Promise<FreezeResult> {
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
export function restoreOrderMysql(record: MysqlFreezeRecord): Array<'read_only' | 'super_read_only'> {
  return (['super_read_only', 'read_only'] as const).filter((v) => record.set.includes(v));
}

export async function unfreezeMysql(spec: ConnectionSpec, record: MysqlFreezeRecord): Promise<UnfreezeResult> {
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
