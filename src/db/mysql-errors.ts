/**
 * Driver errors at connect time → one UsageError naming the connection and the problem, with
 * the fix as the hint. The password never appears: messages are built from the spec's label,
 * host, port, user and database, and the driver's own text is only used (scrubbed) as a last
 * resort for codes not listed here.
 */
import { UsageError, scrubSecret } from '../errors.js';
import type { ConnectionSpec } from './types.js';
import { TLS_CERT_ERROR_CODES } from './tls-errors.js';

const TUNNEL = 'if you reach the database through an SSH tunnel or VPN, check that it is up and that source.connectVia points at it';

export function isTlsFailure(code: string | undefined): boolean {
  return code !== undefined && (TLS_CERT_ERROR_CODES.has(code) || code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'));
}

export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function connectError(err: unknown, spec: ConnectionSpec): UsageError {
  const code = errorCode(err);
  const at = `${spec.host}:${spec.port}`;
  const fail = (problem: string, hint: string) =>
    new UsageError(`Cannot connect to the ${spec.label}: ${problem}${/[?.]$/.test(problem) ? '' : '.'}`, { hint });
  switch (code) {
    case 'ECONNREFUSED':
      return fail(`nothing is listening on ${at} — is the server running and is the port right?`, `Start the server or correct the port; ${TUNNEL}.`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return fail(`${at} is unreachable (${code === 'ETIMEDOUT' ? `no answer within ${spec.connectTimeoutMs} ms` : code})`, `Check firewalls, security groups and the VPN between this machine and the database; ${TUNNEL} (or raise source.connectTimeoutMs on a slow link).`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(`the host name ${spec.host} does not resolve (DNS ${code === 'EAI_AGAIN' ? 'lookup timed out' : 'has no such name'})`, `Check the spelling of the host (source.host, or source.connectVia.host) and that this machine uses the DNS resolver (VPN) that knows it.`);
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return fail(`access denied for user ${spec.user} — wrong user name or password${spec.password === undefined ? ' (no password was given)' : ''}`, `Check source.user and the password in the environment variable named by source.passwordEnv (or the secret in source.secretArn); the server also checks the client host the user may connect from.`);
    case 'ER_DBACCESS_DENIED_ERROR':
      // The server does not say whether the database exists to a user without rights on it.
      return fail(
        `user ${spec.user} may not use the database ${spec.database}, or it does not exist`,
        `Check source.databases; if the name is right, grant it on the source: GRANT SELECT ON \`${spec.database}\`.* TO '${spec.user}'@'%';`,
      );
    case 'ER_BAD_DB_ERROR':
      return fail(`the database ${spec.database} does not exist`, 'Check source.databases (names are case-sensitive on Linux servers); `SHOW DATABASES` lists the ones this user can see.');
    case 'ER_HOST_NOT_PRIVILEGED':
      return fail(`the server does not let any user connect from this machine's address`, `Create the user for this client host (e.g. '${spec.user}'@'10.0.%'), or connect from an allowed host through source.connectVia.`);
    case 'ER_HOST_IS_BLOCKED':
      return fail('this machine is blocked after too many failed connections', 'Run `FLUSH HOSTS` (or `mariadb-admin flush-hosts`) on the server, or raise max_connect_errors.');
    case 'ER_CON_COUNT_ERROR':
      return fail('the server has too many connections', 'Retry when load is lower, or raise max_connections on the source.');
    case 'ER_MUST_CHANGE_PASSWORD_LOGIN':
      return fail(`the password of ${spec.user} has expired`, `Set a new password for ${spec.user} (ALTER USER) and update the secret or environment variable.`);
    case 'ER_NOT_SUPPORTED_AUTH_MODE':
      return fail(`the server asks for an authentication method this client does not support`, `Use mysql_native_password or caching_sha2_password for ${spec.user} (ALTER USER … IDENTIFIED WITH …).`);
    case 'HANDSHAKE_NO_SSL_SUPPORT':
      return fail(`the server does not offer TLS, but source.tls.mode is ${spec.tls.mode}`, 'Enable TLS on the server (ssl_cert and ssl_key under [mysqld]), or set source.tls.mode to prefer or disable if the network path is trusted.');
    case 'ER_SECURE_TRANSPORT_REQUIRED':
      return fail('the server only accepts TLS connections, but source.tls.mode is disable', 'Set source.tls.mode to require (or verify-full with source.tls.caFile).');
    case 'PROTOCOL_CONNECTION_LOST':
    case 'ECONNRESET':
      return fail(`the server at ${at} closed the connection during the handshake`, `Check that ${at} is a MySQL/MariaDB port, the server's error log, and any firewall in between; ${TUNNEL}.`);
  }
  if (isTlsFailure(code)) {
    const reason = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? `the certificate is not for ${spec.host}` : `the server certificate cannot be verified (${code})`;
    return fail(`TLS handshake failed — ${reason}`, 'Point source.tls.caFile at the CA that signed the server certificate (for RDS, the region\'s certificate bundle) and connect with the host name in the certificate; or set source.tls.mode to require to encrypt without verifying.');
  }
  const detail = err instanceof Error ? scrubSecret(err.message, spec.password) : String(err);
  return fail(`${code ? `${code}: ` : ''}${detail}`, `Check the connection settings of the source; ${TUNNEL}.`);
}
