/**
 * Throwaway MariaDB servers for integration tests (the start logic lives in plain JS in
 * scripts/db/mariadb-server.js so the benchmarks share it), plus small helpers to reach them.
 */
import { createConnection, type Connection } from 'mysql2/promise';
import { startMariadbServer, type MariadbSettings } from '../../../scripts/db/mariadb-server.js';
import type { ConnectionSpec } from '../../../src/db/types.js';
import type { DbServer, DbServerInfo } from './server.js';

export { DMS_SOURCE_SETTINGS } from '../../../scripts/db/mariadb-server.js';

/**
 * Starts MariaDB in a fresh temp dir on a free loopback port, configured by default as a
 * correct DMS source (ROW binlog, FULL row image, server_id 1, 7 days of binlog). `settings`
 * override `[mysqld]` lines; null removes one (e.g. `{ log_bin: null }` turns the binlog off).
 */
export function startMariadb(opts: { settings?: MariadbSettings } = {}): Promise<DbServer> {
  return startMariadbServer(opts);
}

/** A connection spec for the server's admin user (override user/password/database/tls as needed). */
export function mariadbSpec(server: DbServerInfo, overrides: Partial<ConnectionSpec> = {}): ConnectionSpec {
  const spec: ConnectionSpec = {
    engine: 'mariadb',
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    database: 'mysql',
    tls: { mode: 'disable' },
    connectTimeoutMs: 5000,
    label: '',
    ...overrides,
  };
  return { ...spec, label: spec.label || `source database ${spec.user}@${spec.host}:${spec.port}/${spec.database}` };
}

/** An admin connection for test setup: multi-statement scripts, DDL, SET GLOBAL. */
export function adminConnection(server: DbServerInfo): Promise<Connection> {
  return createConnection({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    multipleStatements: true,
  });
}
