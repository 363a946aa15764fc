export const ADMIN_USER: string;
export const NOT_INSTALLED: string;
export const DMS_SOURCE_SETTINGS: Record<string, string | number>;
export type MariadbSettings = Record<string, string | number | boolean | null>;
export function mergeSettings(overrides?: MariadbSettings): Map<string, string | number | boolean>;
export interface StartedMariadb {
  engine: 'mariadb';
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  version: string;
  dataDir: string;
  stop(): Promise<void>;
}
export function startMariadbServer(options?: { settings?: MariadbSettings; timeoutMs?: number }): Promise<StartedMariadb>;
