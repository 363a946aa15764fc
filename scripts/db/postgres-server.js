// Throwaway PostgreSQL servers for tests and benchmarks: initdb into a fresh temp dir,
// start on a loopback port, stop and delete everything afterwards. Plain JS (JSDoc types)
// so `bench/` can use it without a build; test/helpers/db/postgres.ts is the typed wrapper.
//
// initdb and postgres refuse to run as root, so when we are root every server binary runs
// as the `postgres` OS user (spawn's uid/gid options) with the temp dir chowned to it.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const execFileAsync = promisify(execFile);

export const ADMIN_USER = 'promigrate_admin';
const NOT_INSTALLED = 'postgresql is not installed: `apt-get install postgresql` (.ci/run does this)';

/**
 * A correctly configured AWS DMS source by default (logical WAL, free slots and senders,
 * wal_sender_timeout ≥ 10 s as DMS requires). fsync/full_page_writes/synchronous_commit
 * are off for speed: the server is thrown away after the run and never holds real data.
 * @type {Record<string, string | number>}
 */
export const DEFAULT_SETTINGS = {
  shared_buffers: '16MB',
  fsync: 'off',
  full_page_writes: 'off',
  synchronous_commit: 'off',
  wal_level: 'logical',
  max_replication_slots: 10,
  max_wal_senders: 10,
  wal_sender_timeout: '60s',
};

/** @typedef {{ engine: 'postgres', host: string, port: number, adminUser: string, adminPassword: string, version: string, dataDir: string }} PostgresServerInfo */
/** @typedef {PostgresServerInfo & { stop(): Promise<void> }} PostgresServer */
/** @typedef {{ settings?: Record<string, string | number | null>, port?: number }} StartPostgresOptions */

/** Stop functions of the servers still running, for the process 'exit' last resort. */
/** @type {Map<string, () => void>} */
const running = new Map();
let exitHookInstalled = false;

/** The bin dir of the highest installed PostgreSQL major (Debian layout), or throws. */
export function findPostgresBin() {
  const root = '/usr/lib/postgresql';
  const override = process.env.PROMIGRATE_PG_BIN;
  if (override) {
    if (!existsSync(join(override, 'initdb'))) throw new Error(`${NOT_INSTALLED} (PROMIGRATE_PG_BIN=${override} has no initdb)`);
    return override;
  }
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) throw new Error(NOT_INSTALLED);
  return join(root, /** @type {string} */ (majors[0]), 'bin');
}

/** uid/gid of the postgres OS user when we run as root, else {} (run as ourselves). */
function runAs() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('initdb refuses to run as root and there is no `postgres` OS user: install the postgresql package');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** @param {string} name @param {string | number} value */
function confLine(name, value) {
  return typeof value === 'number' ? `${name} = ${value}` : `${name} = '${String(value).replace(/'/g, "''")}'`;
}

/**
 * @param {string} file @param {string[]} args @param {{ uid?: number, gid?: number }} user @param {string} cwd
 */
async function run(file, args, user, cwd) {
  try {
    return await execFileAsync(file, args, { ...user, cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
  } catch (err) {
    const e = /** @type {Error & { stderr?: string, stdout?: string }} */ (err);
    throw new Error(`${file.split('/').pop()} ${args[0] ?? ''} failed: ${(e.stderr || e.stdout || e.message).trim().slice(-2000)}`);
  }
}

/**
 * A child process that outlives us only to clean up: if this process dies without stopping
 * the server (kill -9, a crashed worker), it stops the server and removes the temp dir.
 * @param {string} pgCtl @param {string} dataDir @param {string} dir @param {{ uid?: number, gid?: number }} user
 */
function startWatchdog(pgCtl, dataDir, dir, user) {
  const script = `
    const { spawnSync } = require('node:child_process'); const { rmSync, existsSync } = require('node:fs');
    const [parent, pgCtl, dataDir, dir, uid, gid] = process.argv.slice(1);
    const user = uid ? { uid: Number(uid), gid: Number(gid) } : {};
    const cleanUp = () => { spawnSync(pgCtl, ['-D', dataDir, '-m', 'immediate', 'stop'], { ...user, cwd: dir, stdio: 'ignore' }); rmSync(dir, { recursive: true, force: true }); process.exit(0); };
    process.on('SIGTERM', () => process.exit(0));
    setInterval(() => { if (!existsSync(dir)) process.exit(0); try { process.kill(Number(parent), 0); } catch { cleanUp(); } }, 500);`;
  const child = spawn(process.execPath, ['-e', script, String(process.pid), pgCtl, dataDir, dir, String(user.uid ?? ''), String(user.gid ?? '')], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child;
}

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const stop of running.values()) stop();
  });
}

/**
 * Starts a throwaway server. `settings` override DEFAULT_SETTINGS; null removes one (the
 * server default applies, e.g. `{ wal_level: null }` gives `replica`).
 * @param {StartPostgresOptions} [opts]
 * @returns {Promise<PostgresServer>}
 */
export async function startPostgresServer(opts = {}) {
  const bin = findPostgresBin();
  const user = runAs();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(bin, user, opts.port ?? (await freePort()), opts.settings ?? {});
    } catch (err) {
      // Another process may take the free port between freePort() and the server's bind.
      const portTaken = /could not bind|address already in use/i.test(String(/** @type {Error} */ (err).message));
      if (!portTaken || opts.port !== undefined || attempt >= 3) throw err;
    }
  }
}

/**
 * @param {string} bin @param {{ uid?: number, gid?: number }} user @param {number} port
 * @param {Record<string, string | number | null>} overrides
 * @returns {Promise<PostgresServer>}
 */
async function startOnce(bin, user, port, overrides) {
  const dir = mkdtempSync(join(tmpdir(), 'promigrate-pg-'));
  const dataDir = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  const adminPassword = randomBytes(18).toString('base64url');
  const pgCtl = join(bin, 'pg_ctl');
  try {
    chmodSync(dir, 0o700);
    writeFileSync(pwfile, `${adminPassword}\n`, { mode: 0o600 });
    if (user.uid !== undefined) {
      chownSync(dir, user.uid, /** @type {number} */ (user.gid));
      chownSync(pwfile, user.uid, /** @type {number} */ (user.gid));
    }
    await run(join(bin, 'initdb'), ['-D', dataDir, '-U', ADMIN_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'], user, dir);
    rmSync(pwfile, { force: true });

    /** @type {Record<string, string | number | null>} */
    const settings = { listen_addresses: '127.0.0.1', port, unix_socket_directories: dir, ...DEFAULT_SETTINGS, ...overrides };
    const lines = Object.entries(settings).flatMap(([k, v]) => (v === null ? [] : [confLine(k, v)]));
    appendFileSync(join(dataDir, 'postgresql.conf'), `\n# promigrate throwaway test server\n${lines.join('\n')}\n`);

    await run(pgCtl, ['-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'], user, dir).catch((err) => {
      const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8').slice(-1500) : '';
      throw new Error(`${err.message}\n${log}`);
    });
  } catch (err) {
    spawnSync(pgCtl, ['-D', dataDir, '-m', 'immediate', 'stop'], { ...user, cwd: dir, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const { stdout } = await run(join(bin, 'postgres'), ['--version'], user, dir);
  const version = /(\d+(?:\.\d+)+)/.exec(stdout)?.[1] ?? stdout.trim();
  const watchdog = startWatchdog(pgCtl, dataDir, dir, user);

  const stopNow = () => {
    running.delete(dir);
    spawnSync(pgCtl, ['-D', dataDir, '-m', 'immediate', 'stop'], { ...user, cwd: dir, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
    watchdog.kill();
  };
  running.set(dir, stopNow);
  installExitHook();

  /** @type {Promise<void> | undefined} */
  let stopping;
  return {
    engine: 'postgres',
    host: '127.0.0.1',
    port,
    adminUser: ADMIN_USER,
    adminPassword,
    version,
    dataDir,
    stop() {
      stopping ??= (async () => {
        running.delete(dir);
        await run(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop'], user, dir).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
        watchdog.kill();
      })();
      return stopping;
    },
  };
}
