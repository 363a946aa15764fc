/**
 * An embedded PostgreSQL for `promigrate demo`: PGlite (PostgreSQL 18 compiled to WASM, in this
 * process) served over the wire protocol by pglite-socket on a loopback port, so the normal
 * `pg` adapter talks to it like to any server. No system package, no child process.
 *
 * What PGlite over the socket is, and is not (measured with pglite 0.5.14 / pglite-socket 0.2.17):
 * - No authentication: any user name and password are accepted, and every session is the
 *   superuser `postgres` in the one database the instance holds, `postgres`, whatever the
 *   startup packet names. No TLS: an SSLRequest is answered `N` (use tls mode `disable`, or
 *   `prefer`, which falls back).
 * - Several clients at once through pglite-socket's multiplexer (`maxConnections`), but there
 *   is ONE backend session behind them: protocol messages from all clients are queued and run
 *   one at a time, and
 *   - while a client is inside an explicit transaction (BEGIN…COMMIT) the other clients'
 *     statements wait until it ends. A client that holds a transaction open on one connection
 *     and waits for a second connection to the same server deadlocks; the source and the
 *     target of a copy must therefore be two servers (two instances), never one;
 *   - session state is shared: a `SET search_path`/`SET TimeZone`, a temp table or a named
 *     prepared statement made by one client is seen by the others while both are connected.
 *     When a client connects to an otherwise idle server we run `DISCARD ALL`, so state left
 *     by clients that have gone does not leak into the next one (e.g. the full load's
 *     `SET search_path = pg_catalog` into verify).
 * - A client beyond `maxConnections` is accepted by the kernel and then dropped ("Connection
 *   terminated unexpectedly").
 * - A data dir survives a crash (kill -9): PostgreSQL's WAL recovery runs on the next open.
 *   PGlite itself does not stop a second process from opening the same data dir (both would
 *   write to it), so we hold a lock next to the cluster: `<dataDir>/lock` (taken over when its
 *   pid is dead), the cluster in `<dataDir>/pgdata` — outside it, so the lock is never copied
 *   into the template cache.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { LockedError } from '../errors.js';
import { acquireLock, readLock, type StateLock } from '../state/lock.js';
import { defaultCacheDir, dropTemplate, readTemplate, writeTemplate } from './pglite-template.js';

export interface EmbeddedPostgresOptions {
  /**
   * Folder for the cluster (`pgdata/`) and its lock; a cluster already there is reopened as
   * it is (a re-run resumes with the same data). Omitted: in memory.
   */
  dataDir?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port chosen by the OS. */
  port?: number;
  /** Clients connected at once (default 16); more are dropped. */
  maxConnections?: number;
  /** Folder caching the initdb'd cluster (default `~/.cache/promigrate`); false: no cache. */
  templateCache?: string | false;
  /**
   * Server settings given at start (`-c name=value`), e.g. `{ wal_level: 'logical' }`: also
   * the postmaster-level ones, which a running PGlite cannot change. Applied on every start.
   */
  settings?: Record<string, string | number>;
}

export interface EmbeddedPostgres {
  readonly host: string;
  readonly port: number;
  /** Always `postgres`: the server accepts any user name and password (see above). */
  readonly user: string;
  readonly database: string;
  /** `postgres://postgres@host:port/postgres?sslmode=disable` (no password needed). */
  readonly url: string;
  readonly dataDir: string | undefined;
  /**
   * The in-process instance, e.g. to seed without the wire protocol. Use it only while no
   * client is connected: it bypasses the socket's queue and would run inside a client's
   * transaction.
   */
  readonly db: PGlite;
  /** Closes the listener, drops the clients and closes PGlite; idempotent. */
  stop(): Promise<void>;
}

export const EMBEDDED_USER = 'postgres';
export const EMBEDDED_DATABASE = 'postgres';
const DEFAULT_MAX_CONNECTIONS = 16;

const hasCluster = (dir: string | undefined): boolean => dir !== undefined && existsSync(join(dir, 'PG_VERSION'));

/** A PGlite instance: the existing cluster in dataDir, else a copy of the cached template, else initdb. */
async function openPglite(pgdata: string | undefined, cache: string | false, settings: Record<string, string | number>): Promise<PGlite> {
  const startParams = [...PGlite.defaultStartParams, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const base = { ...(pgdata ? { dataDir: pgdata } : {}), startParams };
  if (hasCluster(pgdata) || cache === false) return PGlite.create(base);
  if (pgdata) mkdirSync(pgdata, { recursive: true });
  const template = readTemplate(cache);
  if (template) {
    try {
      return await PGlite.create({ ...base, loadDataDir: template });
    } catch {
      // A corrupt or foreign cache file: forget it and initialise from scratch.
      dropTemplate(cache);
    }
  }
  const db = await PGlite.create(base);
  await writeTemplate(db, cache);
  return db;
}

async function lockDataDir(dataDir: string): Promise<StateLock> {
  try {
    return await acquireLock(dataDir, 'demo (embedded database)');
  } catch (err) {
    if (!(err instanceof LockedError)) throw err;
    const holder = await readLock(dataDir).catch(() => undefined);
    throw new LockedError(
      `The embedded database in ${dataDir} is open in another process${holder ? ` (pid ${holder.pid} on ${holder.host})` : ''}; stop that one first.`,
      { hint: `A PGlite cluster must never be opened twice. If no such process runs, delete ${join(dataDir, 'lock')}.` },
    );
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const cache = options.templateCache ?? defaultCacheDir();
  const lock = options.dataDir ? await lockDataDir(options.dataDir) : undefined;
  let db: PGlite;
  try {
    db = await openPglite(options.dataDir && join(options.dataDir, 'pgdata'), cache, options.settings ?? {});
  } catch (err) {
    await lock?.release();
    throw err;
  }
  const server = new PGLiteSocketServer({
    db,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
  });
  server.addEventListener('connection', () => {
    // Runs before the new client's startup packet: the socket queues it behind this. Best
    // effort: a client that left a moment ago may still be counted.
    if (server.getStats().activeConnections === 1 && !db.isInTransaction()) void db.exec('DISCARD ALL').catch(() => undefined);
  });
  try {
    await server.start();
  } catch (err) {
    await db.close().catch(() => undefined);
    await lock?.release();
    throw err;
  }
  const conn = server.getServerConn();
  const sep = conn.lastIndexOf(':');
  const host = conn.slice(0, sep);
  const port = Number(conn.slice(sep + 1));
  let stopping: Promise<void> | undefined;
  const instance: EmbeddedPostgres = {
    host,
    port,
    user: EMBEDDED_USER,
    database: EMBEDDED_DATABASE,
    url: `postgres://${EMBEDDED_USER}@${host}:${port}/${EMBEDDED_DATABASE}?sslmode=disable`,
    dataDir: options.dataDir,
    db,
    stop: () =>
      (stopping ??= (async () => {
        try {
          // Resolves once every client socket is closed (each detach rolls back its open transaction).
          await server.stop();
        } finally {
          await db.close().catch(() => undefined);
          await lock?.release();
          untrack(instance);
        }
      })()),
  };
  track(instance, lock);
  return instance;
}

// --- cleanup on exit, Ctrl-C and SIGTERM -------------------------------------------------------
// The port closes with the process and a cluster recovers from an unclean exit (WAL replay), so
// 'exit' only removes the data-dir locks (synchronously; a dead pid's lock would be taken over
// anyway). A signal is different: when no one else listens for it, Node's default is to die at
// once, mid-write; we stop the servers first, then die of the same signal. When the CLI's engine
// listens too, it owns the shutdown (it aborts the run; the demo's finally calls stop()).

const running = new Map<EmbeddedPostgres, StateLock | undefined>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
const STOP_ON_SIGNAL_MS = 3_000;

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  const all = Promise.allSettled([...running.keys()].map((s) => s.stop()));
  const timeout = new Promise((resolve) => setTimeout(resolve, STOP_ON_SIGNAL_MS).unref());
  void Promise.race([all, timeout]).then(() => {
    for (const s of SIGNALS) process.off(s, onSignal);
    process.kill(process.pid, signal);
  });
}

function onExit(): void {
  for (const lock of running.values()) lock?.releaseSync();
}

function track(instance: EmbeddedPostgres, lock: StateLock | undefined): void {
  if (running.size === 0) {
    for (const s of SIGNALS) process.on(s, onSignal);
    process.on('exit', onExit);
  }
  running.set(instance, lock);
}

function untrack(instance: EmbeddedPostgres): void {
  if (!running.delete(instance) || running.size > 0) return;
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', onExit);
}

/** Stops every embedded server of this process (tests, the demo's shutdown path). */
export async function stopAllEmbeddedPostgres(): Promise<void> {
  await Promise.allSettled([...running.keys()].map((s) => s.stop()));
}
