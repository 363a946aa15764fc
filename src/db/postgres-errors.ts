import { UsageError, errorMessage, scrubSecret } from '../errors.js';
import type { ConnectionSpec } from './types.js';
import { TLS_CERT_ERROR_CODES } from './tls-errors.js';

/** Node's TLS verification failures (the server's certificate, not the transport). */
interface ErrorLike {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** The error's code; Node 20 wraps per-address connect failures in an AggregateError. */
function codeOf(err: unknown): string {
  const e = err as ErrorLike | undefined;
  if (typeof e?.code === 'string') return e.code;
  if (Array.isArray(e?.errors)) {
    for (const inner of e.errors) {
      const code = (inner as ErrorLike | undefined)?.code;
      if (typeof code === 'string') return code;
    }
  }
  return '';
}

/**
 * Maps a failure to connect into one UsageError (exit 2): what went wrong with which
 * connection, and what to do. The message never contains the password.
 */
export function connectionError(err: unknown, spec: ConnectionSpec): UsageError {
  const where = `${spec.host}:${spec.port}`;
  const code = codeOf(err);
  const serverText = errorMessage(err);
  const sentence = ((): { text: string; hint?: string } => {
    switch (code) {
      case 'ECONNREFUSED':
        return { text: `connection refused at ${where}; start PostgreSQL or fix the host/port (listen_addresses, firewall, or connectVia for an SSH tunnel)` };
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return { text: `${where} is unreachable (${code}); check the address, the route/VPN and the firewall, or set connectVia to reach it through a tunnel` };
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'EAI_NONAME':
        return { text: `the host name ${spec.host} cannot be resolved (${code}); fix the host or your DNS/VPN` };
      case '28P01':
        return { text: `password authentication failed for user "${spec.user}"; check the password that source.passwordEnv or source.secretArn provides` };
      case '28000':
        return /does not exist/.test(serverText)
          ? { text: `the role "${spec.user}" does not exist on the server; fix the user name or create the role` }
          : {
              text: `the server refused the login (${serverText}); add a pg_hba.conf entry for this client and user, then reload PostgreSQL`,
              hint: `e.g. \`hostssl ${spec.database} ${spec.user} <your-ip>/32 scram-sha-256\` in pg_hba.conf, then \`SELECT pg_reload_conf();\``,
            };
      case '3D000':
        return { text: `the database "${spec.database}" does not exist; fix source.databases or create it` };
      case '42501':
        return { text: `the user "${spec.user}" may not connect to "${spec.database}" (${serverText}); run GRANT CONNECT ON DATABASE ${spec.database} TO ${spec.user}` };
      case '53300':
      case '53400':
        return { text: `the server has no free connection slots (${serverText}); close idle sessions or raise max_connections, then retry` };
      case '57P03':
        return { text: `the server is not accepting connections yet (${serverText}); wait until it has started, then retry` };
    }
    if (TLS_CERT_ERROR_CODES.has(code)) {
      return {
        text: `TLS certificate verification failed (${code}); set source.tls.caFile to the CA that signed the server certificate, or use tls.mode require to encrypt without verifying`,
      };
    }
    if (/does not support SSL/i.test(serverText)) {
      return { text: `TLS is required (tls.mode ${spec.tls.mode}) but the server does not support SSL connections; enable ssl on the server or set source.tls.mode to prefer or disable` };
    }
    if (/timeout/i.test(serverText)) {
      return { text: `no answer from ${where} within ${spec.connectTimeoutMs} ms; check the address, the firewall and the VPN/tunnel, or raise source.connectTimeoutMs` };
    }
    if (/terminated unexpectedly|ECONNRESET/i.test(`${serverText} ${code}`)) {
      return { text: `the server at ${where} closed the connection during the handshake; check that this port is a PostgreSQL server and that pg_hba.conf allows this client` };
    }
    if (/SASL|password must be a string/i.test(serverText)) {
      return { text: `the server asks for a password but none was given; set source.passwordEnv or source.secretArn` };
    }
    if (code.startsWith('ERR_SSL') || code === 'EPROTO' || /SSL|TLS/.test(serverText)) {
      return { text: `the TLS handshake failed (${serverText}); check source.tls (mode, caFile) against the server's ssl settings` };
    }
    return { text: `${serverText}${code ? ` (${code})` : ''}; check the host, port, user, database and TLS settings` };
  })();
  const message = scrubSecret(`Cannot connect to ${spec.label}: ${sentence.text}.`, spec.password);
  return new UsageError(message, sentence.hint === undefined ? {} : { hint: scrubSecret(sentence.hint, spec.password) });
}
