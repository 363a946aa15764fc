import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMysql } from '../../../src/db/mysql.js';
import { resolvePassword } from '../../../src/db/password.js';
import type { ConnectionSpec } from '../../../src/db/types.js';
import { UsageError } from '../../../src/errors.js';
import { adminConnection, mariadbSpec } from '../../helpers/db/mariadb.js';
import { freePort } from '../../helpers/db/server.js';

const WRONG_PASSWORD = 'Wr0ng-but-Secret-42';

/** Connecting fails with a UsageError (exit 2) whose text names the problem and never the password. */
async function connectFailure(spec: ConnectionSpec): Promise<UsageError> {
  const err = await connectMysql(spec).then(
    async (db) => {
      await db.close();
      throw new Error('expected the connection to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  const usage = err as UsageError;
  expect(usage.exitCode).toBe(2);
  expect(usage.message).toContain(spec.label);
  for (const secret of [spec.password, inject('mariadb').adminPassword].filter(Boolean) as string[]) {
    expect(`${usage.message} ${usage.hint} ${JSON.stringify(usage)} ${String(usage.stack)}`).not.toContain(secret);
  }
  return usage;
}

describe('connection errors → one UsageError naming the problem and the fix', () => {
  const server = inject('mariadb');

  beforeAll(async () => {
    const conn = await adminConnection(server);
    await conn.query("DROP USER IF EXISTS 'ce_nobody'@'%'; CREATE USER 'ce_nobody'@'%' IDENTIFIED BY 'ce-pass-1'; CREATE DATABASE IF NOT EXISTS ce_private;");
    await conn.end();
  });
  afterAll(async () => {
    const conn = await adminConnection(server);
    await conn.query("DROP USER IF EXISTS 'ce_nobody'@'%'; DROP DATABASE IF EXISTS ce_private;");
    await conn.end();
  });

  it('nothing listening on the port', async () => {
    const port = await freePort();
    const err = await connectFailure(mariadbSpec(server, { port }));
    expect(err.message).toContain(`nothing is listening on 127.0.0.1:${port} — is the server running and is the port right?`);
    expect(err.hint).toMatch(/connectVia/);
  });

  it('wrong password', async () => {
    const err = await connectFailure(mariadbSpec(server, { password: WRONG_PASSWORD }));
    expect(err.message).toMatch(/access denied for user promigrate_admin — wrong user name or password\.$/);
    expect(err.hint).toMatch(/passwordEnv/);
  });

  it('no password at all', async () => {
    const err = await connectFailure(mariadbSpec(server, { password: undefined }));
    expect(err.message).toMatch(/wrong user name or password \(no password was given\)/);
  });

  it('unknown database', async () => {
    const err = await connectFailure(mariadbSpec(server, { database: 'no_such_db' }));
    expect(err.message).toMatch(/the database no_such_db does not exist\.$/);
    expect(err.hint).toMatch(/source\.databases/);
  });

  it('a database the user may not use', async () => {
    const err = await connectFailure(mariadbSpec(server, { user: 'ce_nobody', password: 'ce-pass-1', database: 'ce_private' }));
    expect(err.message).toMatch(/user ce_nobody may not use the database ce_private/);
    expect(err.message).toMatch(/, or it does not exist/);
    expect(err.hint).toBe("Check source.databases; if the name is right, grant it on the source: GRANT SELECT ON `ce_private`.* TO 'ce_nobody'@'%';");
  });

  it('an address that never answers (firewall dropping packets, missing VPN)', async () => {
    // A listener that accepts and stays silent: deterministic, unlike an unrouted address
    // whose fate (timeout, refusal, unreachable) depends on the machine's network.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const err = await connectFailure(mariadbSpec(server, { port, connectTimeoutMs: 300 }));
      expect(err.message).toContain(`127.0.0.1:${port} is unreachable (no answer within 300 ms).`);
      expect(err.hint).toMatch(/firewalls, security groups and the VPN/);
    } finally {
      silent.close();
    }
  });

  it('a host name that does not resolve', async () => {
    const err = await connectFailure(mariadbSpec(server, { host: 'no-such-host.invalid' }));
    expect(err.message).toMatch(/the host name no-such-host\.invalid does not resolve/);
  });

  it('TLS required but the server offers none', async () => {
    const err = await connectFailure(mariadbSpec(server, { tls: { mode: 'require' } }));
    expect(err.message).toMatch(/the server does not offer TLS, but source\.tls\.mode is require/);
    expect(err.hint).toMatch(/ssl_cert/);
  });

  it('TLS verify-full with an unreadable CA file', async () => {
    const spec = mariadbSpec(server, { tls: { mode: 'verify-full', caFile: '/nonexistent/ca.pem' } });
    await expect(connectMysql(spec)).rejects.toMatchObject({
      exitCode: 2,
      message: `Cannot read the TLS CA file /nonexistent/ca.pem of the ${spec.label} (ENOENT).`,
    });
  });

  it('TLS prefer falls back to a plain connection when the server offers none', async () => {
    const db = await connectMysql(mariadbSpec(server, { tls: { mode: 'prefer' } }));
    expect((await db.version()).flavor).toBe('mariadb');
    await db.close();
  });

  it('a missing password environment variable is a usage error before any connection', async () => {
    delete process.env.PROMIGRATE_TEST_UNSET_PASSWORD;
    await expect(resolvePassword({ passwordEnv: 'PROMIGRATE_TEST_UNSET_PASSWORD' }, 'source')).rejects.toMatchObject({
      exitCode: 2,
      message: 'source.passwordEnv: the environment variable PROMIGRATE_TEST_UNSET_PASSWORD is not set.',
    });
  });

  it('the password from the environment connects', async () => {
    process.env.PROMIGRATE_TEST_MYSQL_PASSWORD = server.adminPassword;
    const password = await resolvePassword({ passwordEnv: 'PROMIGRATE_TEST_MYSQL_PASSWORD' }, 'source');
    const db = await connectMysql(mariadbSpec(server, { password }));
    expect(db.label).toBe(`source database promigrate_admin@127.0.0.1:${server.port}/mysql`);
    await db.close();
    delete process.env.PROMIGRATE_TEST_MYSQL_PASSWORD;
  });
});
