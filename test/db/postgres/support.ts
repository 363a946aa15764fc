import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { ConnectionSpec } from '../../../src/db/types.js';
import type { DbServerInfo } from '../../helpers/db/server.js';

/** The shared default (DMS-ready) server from test/setup/postgres.ts. */
export function sharedServer(): DbServerInfo {
  const info = inject('postgres');
  if (!info) throw new Error("no shared PostgreSQL server: add 'test/setup/postgres.ts' to globalSetup in vitest.config.ts");
  return info;
}

export function specFor(server: DbServerInfo, database: string, over: Partial<ConnectionSpec> = {}): ConnectionSpec {
  const user = over.user ?? server.adminUser;
  return {
    engine: 'postgres',
    host: server.host,
    port: server.port,
    user,
    password: server.adminPassword,
    database,
    tls: { mode: 'disable' },
    connectTimeoutMs: 5_000,
    label: `source database ${user}@${server.host}:${server.port}/${database}`,
    ...over,
  };
}

/** Runs SQL as the admin on `database` (multi-statement allowed). */
export async function adminSql(server: DbServerInfo, database: string, sql: string): Promise<void> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, database });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database with a unique name (tests share one server and run in parallel). */
export async function createDatabase(server: DbServerInfo, prefix: string, sql?: string): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await adminSql(server, 'postgres', `CREATE DATABASE ${name}`);
  if (sql) await adminSql(server, name, sql);
  return name;
}

/** A unique role name (roles are cluster-wide). */
export const uniqueRole = (prefix: string): string => `${prefix}_${randomBytes(3).toString('hex')}`;
