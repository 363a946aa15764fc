/**
 * One way to open a mysql2 connection from a ConnectionSpec, for every MySQL/MariaDB user in
 * promigrate (assess, the comparison engine, the sandbox's full load): TLS per `tls.mode`
 * (`prefer` falls back to plain when the server offers no TLS, as libpq's sslmode=prefer),
 * and connection errors turned into one-sentence usage errors without the password.
 */
import { readFile } from 'node:fs/promises';
import { createConnection, type Connection, type ConnectionOptions } from 'mysql2/promise';
import { UsageError } from '../errors.js';
import { connectError, errorCode, isTlsFailure } from './mysql-errors.js';
import type { ConnectionSpec } from './types.js';

async function tlsOptions(spec: ConnectionSpec): Promise<ConnectionOptions['ssl']> {
  switch (spec.tls.mode) {
    case 'disable':
      return undefined;
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full': {
      if (!spec.tls.caFile) return { rejectUnauthorized: true, verifyIdentity: true };
      try {
        return { ca: await readFile(spec.tls.caFile, 'utf8'), rejectUnauthorized: true, verifyIdentity: true };
      } catch (err) {
        throw new UsageError(`Cannot read the TLS CA file ${spec.tls.caFile} of the ${spec.label} (${errorCode(err) ?? String(err)}).`, {
          hint: 'Give the path of the PEM file of the CA that signed the server certificate.',
        });
      }
    }
  }
}

/** `extra`: driver options of the caller (charset, dateStrings…); host, user, password and TLS come from the spec. */
export async function openMysqlConnection(spec: ConnectionSpec, extra: ConnectionOptions = {}): Promise<Connection> {
  const options: ConnectionOptions = {
    ...extra,
    host: spec.host,
    port: spec.port,
    user: spec.user,
    ...(spec.password !== undefined ? { password: spec.password } : {}),
    database: spec.database,
    connectTimeout: spec.connectTimeoutMs,
  };
  const ssl = await tlsOptions(spec);
  let conn: Connection;
  try {
    conn = await createConnection(ssl ? { ...options, ssl } : options);
  } catch (err) {
    const fallback = spec.tls.mode === 'prefer' && (errorCode(err) === 'HANDSHAKE_NO_SSL_SUPPORT' || isTlsFailure(errorCode(err)));
    if (!fallback) throw connectError(err, spec);
    try {
      conn = await createConnection(options);
    } catch (plainErr) {
      throw connectError(plainErr, spec);
    }
  }
  // A dropped idle connection emits 'error'; the next query reports it, so do not crash here.
  conn.on('error', () => {});
  return conn;
}
