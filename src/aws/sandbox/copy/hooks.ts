/**
 * Real data behind the sandbox's DMS: a source endpoint pointing at the configured source
 * holds the tables assess inventoried (names and estimated rows), and when sandbox.targetUrl
 * maps the RDS instance to a real local database, starting a task really copies the rows.
 * The sandbox runs on the operator's machine, so it reaches the source as promigrate itself
 * does (through connectVia when given), not as DMS would from inside the VPC. With a
 * PostgreSQL targetUrl, a target endpoint's TestConnection asks that server whether the
 * endpoint's database exists.
 */
import type { MigrationConfig } from '../../../config/schema.js';
import { UsageError } from '../../../errors.js';
import { sourceConnectionSpec } from '../../../db/connect.js';
import type { ConnectionSpec, Engine } from '../../../db/types.js';
import { assessedInventory } from '../../../reports/assess.js';
import type { SimHooks } from '../types.js';
import type { CopiedTable } from './full-load.js';

function envPassword(name: string | undefined, what: string): string | undefined {
  if (!name) return undefined;
  const value = process.env[name];
  if (value === undefined) {
    throw new UsageError(`The environment variable ${name} (${what}) is not set.`, { hint: `Export ${name} with the password, then run the same command again.` });
  }
  return value;
}

const PROTOCOL_ENGINE: Record<string, Engine> = { 'mysql:': 'mysql', 'mariadb:': 'mariadb', 'postgres:': 'postgres', 'postgresql:': 'postgres' };

/** sandbox.targetUrl as a connection (password from sandbox.targetPasswordEnv, else target.passwordEnv). */
export function sandboxTargetSpec(config: MigrationConfig): ConnectionSpec | undefined {
  const raw = config.sandbox.targetUrl;
  if (!raw) return undefined;
  const url = new URL(raw);
  const engine = PROTOCOL_ENGINE[url.protocol] ?? config.target.engine;
  const port = Number(url.port) || (engine === 'postgres' ? 5432 : 3306);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || config.source.databases[0]!;
  const user = decodeURIComponent(url.username) || config.target.masterUsername;
  const passwordEnv = config.sandbox.targetPasswordEnv ?? config.target.passwordEnv;
  const password = envPassword(passwordEnv, 'the password of sandbox.targetUrl');
  return {
    engine, host, port, user, database,
    ...(password !== undefined ? { password } : {}),
    tls: { mode: 'disable' },
    connectTimeoutMs: config.source.connectTimeoutMs,
    label: `sandbox target database ${user}@${host}:${port}/${database}`,
  };
}

const sameHost = (config: MigrationConfig, serverName: string | undefined) =>
  serverName !== undefined && serverName.toLowerCase() === config.source.host.toLowerCase();

export function realDataHooks(config: MigrationConfig, stateDir: string): SimHooks {
  return {
    sourceTables(_arn, endpoint) {
      if (!sameHost(config, endpoint.serverName)) return undefined;
      const inventory = assessedInventory(stateDir);
      return inventory?.tables.map((t) => ({ schema: t.schema, table: t.name, rows: Math.max(0, Math.round(t.rows)) }));
    },
    async fullLoad(load) {
      if (!config.sandbox.targetUrl || !sameHost(config, load.source.serverName)) return undefined;
      const standIn = sandboxTargetSpec(config)!;
      // A PostgreSQL target endpoint names its database (the source's), as the RDS instance
      // holds it; a MySQL sandbox target is the one database standing in for all of them.
      const database = standIn.engine === 'postgres' ? load.target.databaseName ?? config.source.databases[0]! : standIn.database;
      const target = database === standIn.database ? standIn : { ...standIn, database, label: standIn.label.replace(/\/[^/]*$/, `/${database}`) };
      const password = config.source.passwordEnv ? envPassword(config.source.passwordEnv, 'source.passwordEnv') : undefined;
      if (config.source.secretArn && !config.source.passwordEnv) {
        throw new UsageError('The sandbox copies real rows only with source.passwordEnv: it does not read Secrets Manager secrets of a real account.', {
          hint: 'For a rehearsal, set source.passwordEnv (the password stays in the environment), or leave sandbox.targetUrl out.',
        });
      }
      const { copyTables } = await import('./full-load.js');
      const bySchema = new Map<string, Array<{ schema: string; table: string }>>();
      for (const t of load.tables) bySchema.set(t.schema, [...(bySchema.get(t.schema) ?? []), t]);
      const copied: CopiedTable[] = [];
      // MySQL schemas are databases: connect to each; PostgreSQL schemas live in one database.
      for (const [schema, tables] of bySchema) {
        const database = config.source.engine === 'postgres' ? config.source.databases[0]! : schema;
        try {
          copied.push(...(await copyTables({
            source: sourceConnectionSpec(config.source, database, password),
            target,
            tables,
            prepMode: load.prepMode,
            ...(load.lobMaxSizeKb !== undefined ? { lobMaxSizeKb: load.lobMaxSizeKb } : {}),
          })));
        } catch (err) {
          const failed = /^Full load of (\S+) /.exec((err as Error).message)?.[1];
          throw Object.assign(err as Error, failed ? { table: failed } : {});
        }
      }
      return copied;
    },
    targetDatabaseExists(endpoint) {
      if (!config.sandbox.targetUrl || !endpoint.engineName.includes('postgres')) return undefined;
      const target = sandboxTargetSpec(config)!;
      if (target.engine !== 'postgres') return undefined;
      return (async () => {
        const { openPgClient } = await import('../../../db/postgres-connect.js');
        // Asked from targetUrl's own database (pg_database is shared by the whole server).
        const client = await openPgClient(target);
        try {
          const found = await client.query('SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1', [endpoint.databaseName]);
          return (found.rowCount ?? 0) > 0;
        } finally {
          await client.end().catch(() => undefined);
        }
      })();
    },
  };
}
