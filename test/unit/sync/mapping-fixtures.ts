/** Configs and inventories for the mappings/settings/templates tests. */
import { migrationConfigSchema, type MigrationConfig } from '../../../src/config/schema.js';
import type { DbColumn, DbTable, Engine, Inventory } from '../../../src/db/types.js';

export function config(dms: Record<string, unknown> = {}, source: Record<string, unknown> = {}): MigrationConfig {
  return migrationConfigSchema.parse({
    project: { name: 'shop' },
    aws: { region: 'us-east-1', mode: 'sandbox' },
    source: { engine: 'mysql', host: '10.20.0.5', user: 'dms', databases: ['shop'], passwordEnv: 'SRC_PW', ...source },
    dms,
  });
}

const col = (name: string, isLob = false): DbColumn => ({ name, dataType: isLob ? 'text' : 'int', columnType: isLob ? 'text' : 'int', nullable: false, isLob });

export function table(schema: string, name: string, lob = false): DbTable {
  return { schema, name, rows: 10, bytes: 1000, columns: [col('id'), ...(lob ? [col('body', true)] : [])], primaryKey: ['id'], uniqueKeys: [] };
}

export function inventory(tables: DbTable[], engine: Engine = 'mysql'): Inventory {
  const schemas = [...new Set(tables.map((t) => t.schema))];
  return {
    engine,
    version: { raw: '8.0.36', flavor: engine === 'postgres' ? 'postgres' : 'mysql', major: 8, minor: 0, patch: 36 },
    databases: schemas,
    schemas,
    tables,
    views: [],
    routines: [],
    triggers: [],
    foreignKeys: [],
    totals: { tables: tables.length, rows: 0, bytes: 0, lobColumns: tables.reduce((n, t) => n + t.columns.filter((c) => c.isLob).length, 0) },
  };
}
