import { startPostgresServer } from '../../../scripts/db/postgres-server.js';
import type { DbServer } from './server.js';

export interface StartPostgresOptions {
  /** postgresql.conf overrides of the DMS-ready defaults; null removes a setting. */
  settings?: Record<string, string | number | null>;
}

/**
 * A throwaway PostgreSQL server (initdb into a temp dir, loopback, free port), configured
 * by default as a correct AWS DMS source. `stop()` stops it and deletes its directory.
 * The port comes from the same freePort() as server.ts (scripts/db/free-port.js); the
 * start is retried on a new port if another process takes it first.
 */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<DbServer> {
  return startPostgresServer(opts);
}
