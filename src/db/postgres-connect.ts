import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { UsageError } from '../errors.js';
import { connectionError } from './postgres-errors.js';
import type { ConnectionSpec } from './types.js';

type Ssl = false | ConnectionOptions;

function readCa(spec: ConnectionSpec): string | undefined {
  const file = spec.tls.caFile;
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`Cannot connect to ${spec.label}: cannot read tls.caFile ${file} (${code}); fix the path.`);
  }
}

/**
 * libpq's sslmode semantics on top of node-postgres: `require` encrypts without verifying
 * (verifies the CA, not the host name, when a caFile is given, like libpq's verify-ca);
 * `verify-full` checks the chain and the host name; `prefer` tries TLS, then plain.
 */
function sslFor(spec: ConnectionSpec): Ssl {
  const ca = readCa(spec);
  switch (spec.tls.mode) {
    case 'disable':
      return false;
    case 'prefer':
      return { rejectUnauthorized: false };
    case 'require':
      return ca ? { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined } : { rejectUnauthorized: false };
    case 'verify-full':
      return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
  }
}

async function tryConnect(spec: ConnectionSpec, ssl: Ssl): Promise<pg.Client> {
  const client = new pg.Client({
    host: spec.host,
    port: spec.port,
    user: spec.user,
    ...(spec.password !== undefined ? { password: spec.password } : {}),
    database: spec.database,
    ssl,
    connectionTimeoutMillis: spec.connectTimeoutMs,
    application_name: 'promigrate',
    keepAlive: true,
  });
  // An idle client whose server goes away emits 'error'; without a listener Node would crash.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

/** An open pg.Client for the spec, or a UsageError naming the connection and the fix. */
export async function openPgClient(spec: ConnectionSpec): Promise<pg.Client> {
  const ssl = sslFor(spec);
  try {
    return await tryConnect(spec, ssl);
  } catch (err) {
    if (spec.tls.mode === 'prefer' && /does not support SSL/i.test(String((err as Error)?.message))) {
      try {
        return await tryConnect(spec, false);
      } catch (plainErr) {
        throw connectionError(plainErr, spec);
      }
    }
    throw connectionError(err, spec);
  }
}
