/**
 * `promigrate demo --source mysql://user@host:port/db`: the user's own MySQL/MariaDB server
 * as the demo's source. Its sandbox target is a second database on the same server
 * (`<db>_promigrate_target`, created if missing); the password comes from an environment variable.
 */
import { createConnection, type Connection } from 'mysql2/promise';
import { UsageError, errorMessage } from '../errors.js';
import type { MysqlDemoSource } from './workspace.js';

export const SOURCE_PASSWORD_ENV = 'PROMIGRATE_SOURCE_PASSWORD';

export function parseDemoSource(raw: string, passwordEnv = SOURCE_PASSWORD_ENV): Omit<MysqlDemoSource, 'engine'> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--source ${raw} is not a URL.`, { hint: 'Give it as mysql://user@host:3306/database (the password in the environment variable PROMIGRATE_SOURCE_PASSWORD).' });
  }
  if (!['mysql:', 'mariadb:'].includes(url.protocol)) {
    throw new UsageError(`--source must be a mysql:// or mariadb:// URL, not ${url.protocol}//…; the embedded PostgreSQL is the demo's default source.`, { hint: 'Leave --source out for the embedded PostgreSQL shop.' });
  }
  if (url.password) throw new UsageError('--source must not contain a password.', { hint: `Put it in the environment variable ${passwordEnv} instead.` });
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || !url.username) throw new UsageError(`--source ${raw} needs a user and a database: mysql://user@host:3306/database.`);
  return { host: url.hostname, port: Number(url.port) || 3306, user: decodeURIComponent(url.username), database, targetDatabase: `${database}_promigrate_target`, passwordEnv };
}

/** Checks the server and tells MariaDB from MySQL; changes nothing. */
export async function probeDemoSource(src: Omit<MysqlDemoSource, 'engine'>): Promise<MysqlDemoSource> {
  return withServer(src, async (conn) => {
    const [[row]] = (await conn.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
    return { ...src, engine: /mariadb/i.test(row.v) ? 'mariadb' : 'mysql' };
  });
}

/** Creates the sandbox's target database on the --source server (if missing). */
export async function createDemoTarget(src: MysqlDemoSource): Promise<void> {
  await withServer(src, async (conn) => {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${src.targetDatabase.replace(/`/g, '``')}\``).catch((err: unknown) => {
      throw new UsageError(`The demo needs a target database ${src.targetDatabase} on the --source server and cannot create it: ${errorMessage(err)}.`, {
        hint: `Create it (CREATE DATABASE ${src.targetDatabase}) and grant ${src.user} all privileges on it, then run the demo again.`,
      });
    });
  });
}

async function withServer<T>(src: Omit<MysqlDemoSource, 'engine'>, body: (conn: Connection) => Promise<T>): Promise<T> {
  const password = process.env[src.passwordEnv];
  let conn: Connection;
  try {
    conn = await createConnection({ host: src.host, port: src.port, user: src.user, ...(password !== undefined ? { password } : {}), connectTimeout: 10_000 });
  } catch (err) {
    throw new UsageError(`Cannot connect to the --source server ${src.user}@${src.host}:${src.port}: ${errorMessage(err)}.`, {
      hint: `Check the URL, that the server runs, and the password in ${src.passwordEnv}.`,
    });
  }
  try {
    return await body(conn);
  } finally {
    await conn.end();
  }
}
