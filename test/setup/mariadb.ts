/**
 * vitest globalSetup: one default MariaDB server (a correctly configured DMS source) for the
 * whole run, provided to tests as `inject('mariadb')`; stopped after the suite.
 */
import type { TestProject } from 'vitest/node';
import { startMariadb } from '../helpers/db/mariadb.js';
import type { DbServerInfo } from '../helpers/db/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mariadb: DbServerInfo;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const server = await startMariadb();
  const { stop, ...info } = server;
  provide('mariadb', info);
  return stop;
}
