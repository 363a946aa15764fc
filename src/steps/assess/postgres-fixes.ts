/** What every PostgreSQL check works with, and builders for copy-pasteable fixes. */
import { quoteIdent, settingNumber, splitSchema, type PgRole, type PgSetting, type PostgresDatabase } from '../../db/postgres.js';
import type { Inventory } from '../../db/types.js';
import type { Finding } from './finding.js';

export interface PostgresCheckOptions {
  lobMode: 'limited' | 'full' | 'inline';
  lobMaxSizeKb: number;
  migrationUser: string;
  /** RDS/Aurora source; default: detected from RDS's own roles (rds_replication). */
  isRds?: boolean;
}

export interface PgCheckContext {
  db: PostgresDatabase;
  inventory: Inventory;
  options: PostgresCheckOptions;
  rds: boolean;
  /** The migration user as an SQL identifier. */
  user: string;
  role: PgRole;
  settings: Map<string, PgSetting>;
}

export type FixLines = NonNullable<Finding['fixLines']>;

export const settingText = (ctx: PgCheckContext, name: string): string | undefined => ctx.settings.get(name)?.setting;

/** In base units (ms, bytes); undefined when the server has no such setting. */
export function settingValue(ctx: PgCheckContext, name: string): number | undefined {
  const s = ctx.settings.get(name);
  return s ? settingNumber(s) : undefined;
}

/** Server settings: postgresql.conf lines for a self-managed source, parameter-group values on RDS. */
export function serverFix(rds: boolean, conf: string[], parameterGroup: string[] = conf): FixLines {
  return rds ? [{ kind: 'rds-parameter-group', lines: parameterGroup }] : [{ kind: 'postgresql.conf', lines: conf }];
}

export const sqlFix = (...lines: string[]): FixLines => [{ kind: 'sql', lines }];

/**
 * Where an inventory schema lives: the SQL name of a table in it, and a trailing comment
 * naming the database when several are migrated (each statement must run in its database).
 */
export function locate(inv: Inventory, schema: string): { database: string; schema: string; table: (name: string) => string; inDb: string } {
  const where = splitSchema(schema, inv.databases, inv.databases[0] ?? '');
  return {
    ...where,
    table: (name) => `${quoteIdent(where.schema)}.${quoteIdent(name)}`,
    inDb: inv.databases.length > 1 ? `  -- in database ${where.database}` : '',
  };
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export const mb = (bytes: number): string =>
  bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;

export { quoteIdent };
