import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SourceConfig } from '../config/schema.js';
import { resolvePassword } from './password.js';
import type { ConnectionSpec, Database } from './types.js';

/**
 * The source as promigrate itself reaches it: through `connectVia` (an SSH tunnel or VPN
 * address) when given, else the host/port DMS will use.
 */
export function sourceConnectionSpec(source: SourceConfig, database: string, password: string | undefined): ConnectionSpec {
  const host = source.connectVia?.host ?? source.host;
  const port = source.connectVia?.port ?? source.port;
  return {
    engine: source.engine,
    host,
    port,
    user: source.user,
    ...(password !== undefined ? { password } : {}),
    database,
    tls: source.tls,
    connectTimeoutMs: source.connectTimeoutMs,
    label: `source database ${source.user}@${host}:${port}/${database}`,
  };
}

export async function connectDatabase(spec: ConnectionSpec): Promise<Database> {
  if (spec.engine === 'postgres') return (await import('./postgres.js')).connectPostgres(spec);
  return (await import('./mysql.js')).connectMysql(spec);
}

/** Opens the configured source (its first database), resolving the password reference. */
export async function openSource(source: SourceConfig, secrets: () => Promise<SecretsManagerClient>): Promise<Database> {
  const password = await resolvePassword(source, 'source', secrets);
  return connectDatabase(sourceConnectionSpec(source, source.databases[0]!, password));
}
