import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres } from '../../../src/db/postgres.js';
import { resolvePassword } from '../../../src/db/password.js';
import type { ConnectionSpec } from '../../../src/db/types.js';
import { UsageError } from '../../../src/errors.js';
import { startPostgres } from '../../helpers/db/postgres.js';
import type { DbServer } from '../../helpers/db/server.js';
import { freePort } from '../../helpers/db/server.js';
import { sharedServer, specFor } from './support.js';

const SECRET = 'Sup3r-Secret-pw!';

async function connectError(spec: ConnectionSpec): Promise<UsageError> {
  const err = await connectPostgres(spec).then(
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
  for (const text of [usage.message, usage.hint ?? '', usage.stack ?? '']) expect(text).not.toContain(spec.password ?? SECRET);
  return usage;
}

describe('PostgreSQL connection errors → one UsageError naming the connection and the fix', () => {
  const server = sharedServer();

  it('refused: nothing listens on the port', async () => {
    const port = await freePort();
    const err = await connectError(specFor(server, 'postgres', { port, password: SECRET, label: `source database app@127.0.0.1:${port}/shop` }));
    expect(err.message).toMatch(/connection refused at 127\.0\.0\.1:\d+; start PostgreSQL or fix the host\/port/);
  });

  it('timeout: the port accepts but never answers', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const err = await connectError(specFor(server, 'postgres', { port, password: SECRET, connectTimeoutMs: 300 }));
      expect(err.message).toContain('no answer from 127.0.0.1');
      expect(err.message).toContain('within 300 ms');
    } finally {
      silent.close();
    }
  });

  it('DNS: the host name does not resolve', async () => {
    const err = await connectError(specFor(server, 'postgres', { host: 'db.promigrate-test.invalid', password: SECRET }));
    expect(err.message).toMatch(/the host name db\.promigrate-test\.invalid cannot be resolved \((ENOTFOUND|EAI_AGAIN)\)/);
  });

  it('wrong password', async () => {
    const err = await connectError(specFor(server, 'postgres', { password: SECRET }));
    expect(err.message).toContain(`password authentication failed for user "${server.adminUser}"`);
    expect(err.message).toContain('passwordEnv');
  });

  it('unknown database', async () => {
    const err = await connectError(specFor(server, 'no_such_db'));
    expect(err.message).toContain('the database "no_such_db" does not exist');
  });

  it('TLS required but the server has no SSL; prefer falls back to plain', async () => {
    const err = await connectError(specFor(server, 'postgres', { tls: { mode: 'require' } }));
    expect(err.message).toContain('the server does not support SSL connections');
    const db = await connectPostgres(specFor(server, 'postgres', { tls: { mode: 'prefer' } }));
    expect((await db.version()).major).toBeGreaterThanOrEqual(10);
    await db.close();
  });

  it('a missing password environment variable is a UsageError naming it', async () => {
    delete process.env.PROMIGRATE_TEST_UNSET_PW;
    const err = await resolvePassword({ passwordEnv: 'PROMIGRATE_TEST_UNSET_PW' }, 'source').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain('PROMIGRATE_TEST_UNSET_PW is not set');
  });
});

describe('PostgreSQL TLS against a server with a certificate', () => {
  let server: DbServer;
  let dir: string;
  const ca = () => join(dir, 'ca.crt');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'promigrate-pgtls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=promigrate test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
    const ext = join(dir, 'san.ext');
    execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1\\n' > ${ext}`]);
    ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', 'server.crt');
    if (process.getuid?.() === 0) {
      const [, , uid, gid] = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))!.split(':');
      for (const f of ['', 'server.key', 'server.crt']) chownSync(join(dir, f), Number(uid), Number(gid));
    }
    server = await startPostgres({ settings: { ssl: 'on', ssl_cert_file: join(dir, 'server.crt'), ssl_key_file: join(dir, 'server.key') } });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verify-full with the right CA connects; without it the certificate is rejected', async () => {
    const db = await connectPostgres(specFor(server, 'postgres', { tls: { mode: 'verify-full', caFile: ca() } }));
    const [row] = await db.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(row?.ssl).toBe(true);
    await db.close();
    const err = await connectError(specFor(server, 'postgres', { tls: { mode: 'verify-full' } }));
    expect(err.message).toContain('TLS certificate verification failed');
    expect(err.message).toContain('tls.caFile');
  });

  it('require encrypts without verifying; an unreadable caFile is named', async () => {
    const db = await connectPostgres(specFor(server, 'postgres', { tls: { mode: 'require' } }));
    await db.close();
    const err = await connectError(specFor(server, 'postgres', { tls: { mode: 'verify-full', caFile: join(dir, 'missing.crt') } }));
    expect(err.message).toContain('cannot read tls.caFile');
    expect(err.message).toContain('ENOENT');
  });
});
