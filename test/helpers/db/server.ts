/** What a throwaway database server started by the test harness looks like (MariaDB or PostgreSQL). */
export interface DbServerInfo {
  engine: 'mariadb' | 'postgres';
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  version: string;
  dataDir: string;
}

export interface DbServer extends DbServerInfo {
  /** Shuts the server down, waits for it to exit and removes its temp dir. */
  stop(): Promise<void>;
}

export { freePort } from '../../../scripts/db/free-port.js';
