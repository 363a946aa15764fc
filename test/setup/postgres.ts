// vitest globalSetup: one default (DMS-ready) PostgreSQL server for the whole run. Tests
// read its address with inject('postgres') and create their own databases and roles in it;
// tests that need a misconfigured server start their own with startPostgres({ settings }).
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../helpers/db/postgres.js';
import type { DbServerInfo } from '../helpers/db/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: DbServerInfo;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  const { stop, ...info } = server;
  provide('postgres', info);
  return () => stop();
}
