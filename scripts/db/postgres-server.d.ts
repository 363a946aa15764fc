// Types for postgres-server.js (plain JS so bench/ can use it without a build).
export const ADMIN_USER: 'promigrate_admin';
export const DEFAULT_SETTINGS: Readonly<Record<string, string | number>>;

export interface PostgresServerInfo {
  engine: 'postgres';
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  version: string;
  dataDir: string;
}
export interface PostgresServer extends PostgresServerInfo {
  stop(): Promise<void>;
}
export interface StartPostgresOptions {
  settings?: Record<string, string | number | null>;
  port?: number;
}

export function findPostgresBin(): string;
export function startPostgresServer(opts?: StartPostgresOptions): Promise<PostgresServer>;
