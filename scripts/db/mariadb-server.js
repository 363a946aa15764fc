// Throwaway MariaDB servers for tests and benchmarks: `mariadb-install-db` into a fresh temp
// dir, `mariadbd` on a free loopback port, an admin user with a random password. Plain JS so
// that the TypeScript test helpers and the benchmarks (which never import TypeScript) share it.
//
// Servers never outlive the process that started them: stop() shuts one down and removes its
// dir; a process 'exit' hook kills what is left; and every start first reaps servers whose
// owning process died without either (kill -9, a crashed worker).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from './free-port.js';

export const ADMIN_USER = 'promigrate_admin';
export const NOT_INSTALLED = 'mariadb-server is not installed: `apt-get install mariadb-server` (.ci/run does this)';
const DIR_PREFIX = 'promigrate-mariadb-';
const START_ATTEMPTS = 3;

/** A correctly configured DMS source: ROW binlog with full row images, a server id, 7 days of binlog. */
export const DMS_SOURCE_SETTINGS = {
  log_bin: 'mysql-bin',
  binlog_format: 'ROW',
  binlog_row_image: 'FULL',
  server_id: 1,
  binlog_expire_logs_seconds: 7 * 24 * 3600,
};

// Small and fast: throwaway servers on tmpfs that start in well under a second.
const BASE_SETTINGS = {
  bind_address: '127.0.0.1',
  skip_name_resolve: true,
  innodb_buffer_pool_size: '32M',
  innodb_log_file_size: '8M',
  innodb_flush_method: 'fsync', // tmpfs has no O_DIRECT
  innodb_flush_log_at_trx_commit: 2,
  sync_binlog: 0,
  performance_schema: 'OFF',
  character_set_server: 'utf8mb4',
  collation_server: 'utf8mb4_general_ci',
};
// Owned by the harness: not overridable through settings.
const OWNED = new Set(['datadir', 'socket', 'port', 'pid_file', 'log_error', 'user']);

const live = new Map(); // pid -> { child, dir }
let exitHookInstalled = false;

function findBinary(name, candidates) {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const path of [...candidates, ...dirs.map((d) => join(d, name))]) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // next candidate
    }
  }
  return undefined;
}

function baseDir() {
  // tmpfs makes install, start and bulk DDL several times faster; fall back to the OS temp dir.
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Servers left behind by a process that died without stopping them. */
function reapOrphans(base) {
  let entries = [];
  try {
    entries = readdirSync(base).filter((name) => name.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(base, name);
    const owner = readPid(join(dir, 'owner.pid'));
    if (owner === undefined || isAlive(owner)) continue;
    const server = readPid(join(dir, 'mysqld.pid'));
    if (server !== undefined) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${server}/cmdline`, 'utf8');
      } catch {
        // gone already
      }
      if (cmdline.includes('mariadbd') && cmdline.includes(dir)) process.kill(server, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [pid, { dir }] of live) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function cnfLine(key, value) {
  if (value === true) return key;
  if (value === false) return `${key}=0`;
  return `${key}=${value}`;
}

/** Settings merged: base, then the DMS source defaults, then the caller's (null removes). */
export function mergeSettings(overrides = {}) {
  const merged = new Map();
  const put = (key, value) => {
    const k = key.replace(/-/g, '_');
    if (OWNED.has(k)) throw new Error(`startMariadb: ${key} is set by the harness`);
    if (value === null || value === undefined) merged.delete(k);
    else merged.set(k, value);
  };
  for (const source of [BASE_SETTINGS, DMS_SOURCE_SETTINGS, overrides]) {
    for (const [key, value] of Object.entries(source)) put(key, value);
  }
  return merged;
}

function tail(file, lines = 15) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no error log)';
  }
}

async function waitUntilReady(child, socketPath, errorLog, deadline) {
  let exited;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = signal ?? `code ${code}`))));
  for (;;) {
    if (exited) throw new Error(`mariadbd exited (${exited}) before accepting connections:\n${tail(errorLog)}`);
    if (Date.now() > deadline) throw new Error(`mariadbd did not accept connections in time:\n${tail(errorLog)}`);
    if (existsSync(socketPath)) {
      try {
        const probe = await createConnection({ socketPath, user: 'root', connectTimeout: 1000 });
        await probe.end();
        return;
      } catch {
        // not ready yet
      }
    }
    // Poll the child's socket; wake at once if the child dies.
    await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 25))]);
  }
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(force);
}

/**
 * Starts a throwaway MariaDB server.
 * @param {{ settings?: Record<string, string | number | boolean | null>, timeoutMs?: number }} [options]
 */
export async function startMariadbServer(options = {}) {
  const mariadbd = findBinary('mariadbd', ['/usr/sbin/mariadbd', '/usr/libexec/mariadbd']);
  const installDb = findBinary('mariadb-install-db', ['/usr/bin/mariadb-install-db']);
  if (!mariadbd || !installDb) throw new Error(NOT_INSTALLED);
  const settings = mergeSettings(options.settings);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const base = baseDir();
  reapOrphans(base);
  installExitHook();

  const dir = mkdtempSync(join(base, DIR_PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const dataDir = join(dir, 'data');
  const socketPath = join(dir, 'mysqld.sock');
  const errorLog = join(dir, 'error.log');
  const asRoot = process.getuid?.() === 0;
  let child;
  try {
    await promisify(execFile)(installDb, [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=normal',
      ...(asRoot ? ['--user=root'] : []),
      '--skip-test-db',
      '--skip-name-resolve',
      `--innodb-log-file-size=${settings.get('innodb_log_file_size') ?? '8M'}`,
      `--innodb-buffer-pool-size=${settings.get('innodb_buffer_pool_size') ?? '32M'}`,
    ], { timeout: Math.max(1000, deadline - Date.now()) });

    let port;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const owned = { datadir: dataDir, socket: socketPath, port, pid_file: join(dir, 'mysqld.pid'), log_error: errorLog, ...(asRoot ? { user: 'root' } : {}) };
      const lines = ['[mysqld]', ...Object.entries(owned).map(([k, v]) => cnfLine(k, v)), ...[...settings].map(([k, v]) => cnfLine(k, v))];
      writeFileSync(join(dir, 'my.cnf'), `${lines.join('\n')}\n`);
      child = spawn(mariadbd, [`--defaults-file=${join(dir, 'my.cnf')}`], { detached: true, stdio: 'ignore' });
      child.unref();
      live.set(child.pid, { child, dir });
      try {
        await waitUntilReady(child, socketPath, errorLog, deadline);
        break;
      } catch (err) {
        await stopChild(child);
        live.delete(child.pid);
        if (attempt < START_ATTEMPTS && /address already in use/i.test(tail(errorLog, 40))) continue;
        throw err;
      }
    }

    const adminPassword = randomBytes(18).toString('base64url');
    const root = await createConnection({ socketPath, user: 'root' });
    let version;
    try {
      for (const host of ['%', '127.0.0.1']) {
        await root.query('CREATE USER ?@? IDENTIFIED BY ?', [ADMIN_USER, host, adminPassword]);
        await root.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [ADMIN_USER, host]);
      }
      const [rows] = await root.query('SELECT VERSION() AS v');
      version = rows[0].v;
    } finally {
      await root.end();
    }

    const started = child;
    let stopped = false;
    return {
      engine: 'mariadb',
      host: '127.0.0.1',
      port,
      adminUser: ADMIN_USER,
      adminPassword,
      version,
      dataDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopChild(started);
        live.delete(started.pid);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child) {
      await stopChild(child);
      live.delete(child.pid);
    }
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
