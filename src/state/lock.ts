/**
 * The state lock: `<state-dir>/lock`, created with O_EXCL and holding who took it.
 *
 * Why hand-written rather than `proper-lockfile`: its staleness is mtime-based, kept fresh
 * by a refresh timer, so it cannot tell a dead holder from a slow or suspended one (a
 * crashed run looks alive until the timeout, a laptop woken from sleep looks dead), and it
 * records nothing about the holder, so "locked by whom, doing what?" has no answer. Here a
 * holder on this host is alive exactly when its pid is (`kill(pid, 0)`), like aws-cdk's
 * rwlock.ts, and the file carries Terraform-style LockInfo for the error message. A lock
 * taken on another host is never taken over automatically: we cannot see its process.
 * (A reused pid makes a dead holder look alive: the safe direction; `promigrate unlock` fixes it.)
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockedError } from '../errors.js';
import { statePaths } from './paths.js';
import { ensureStateDir } from './state-dir.js';

export interface LockInfo {
  pid: number;
  host: string;
  /** What the holder is doing, e.g. `promigrate run`. */
  command: string;
  acquiredAt: string;
  /** Set by readLock/removeLock when the file exists but cannot be parsed (pid is then 0). */
  unreadable?: boolean;
}

export interface AcquireLockOptions {
  /** Called after a stale lock (dead pid on this host, or an old unreadable file) was taken over, e.g. to warn. */
  onStaleTakeover?(old: LockInfo): void;
}

/** An unreadable lock younger than this may be one whose holder is still writing it. */
const UNREADABLE_STALE_MS = 60_000;
/** The takeover guard is held for milliseconds; one older than this was abandoned by a killed process. */
const GUARD_STALE_MS = 10_000;

export class StateLock {
  readonly path: string;
  readonly info: LockInfo;
  #released = false;

  constructor(path: string, info: LockInfo) {
    this.path = path;
    this.info = info;
  }

  /** Removes the lock file if it is still ours (it may have been forced away by `promigrate unlock`). */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    const seen = await inspect(this.path);
    if (seen.kind === 'held' && isSameHolder(seen.info, this.info)) await unlink(this.path).catch(ignoreMissing);
  }

  /** Synchronous release for `process.on('exit')` handlers. */
  releaseSync(): void {
    if (this.#released) return;
    this.#released = true;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return;
    }
    const info = parseLockInfo(text);
    if (info && isSameHolder(info, this.info)) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Takes the state lock for `command` (e.g. `promigrate run`), taking over a stale one.
 * Throws LockedError (exit 3) naming the holder when it is held.
 */
export async function acquireLock(stateDir: string, command: string, opts: AcquireLockOptions = {}): Promise<StateLock> {
  const path = statePaths(stateDir).lock;
  await ensureStateDir(stateDir);
  const info: LockInfo = { pid: process.pid, host: hostname(), command, acquiredAt: new Date().toISOString() };
  const deadline = Date.now() + GUARD_STALE_MS + 5_000;
  for (;;) {
    if (await tryCreate(path, info)) return new StateLock(path, info);
    const seen = await inspect(path);
    if (seen.kind !== 'gone') {
      if (!isStale(seen)) throw lockedError(path, seen);
      const outcome = await takeOver(path, info);
      if (outcome.kind === 'won') {
        opts.onStaleTakeover?.(outcome.old);
        return new StateLock(path, info);
      }
      if (outcome.kind === 'busy') await sleep(5 + Math.random() * 20);
    }
    // 'gone' or 'retry': look again. Only a lock that keeps changing hands for seconds gets here often.
    if (Date.now() > deadline) {
      throw new LockedError(`Could not take the state lock ${path}: other processes kept taking and releasing it; re-run the command.`);
    }
  }
}

/** The current holder, or undefined when the state is not locked. */
export async function readLock(stateDir: string): Promise<LockInfo | undefined> {
  const seen = await inspect(statePaths(stateDir).lock);
  return seen.kind === 'gone' ? undefined : describe(seen);
}

/** Removes the lock whoever holds it (`promigrate unlock`); returns what it removed. */
export async function removeLock(stateDir: string): Promise<LockInfo | undefined> {
  const path = statePaths(stateDir).lock;
  const seen = await inspect(path);
  if (seen.kind === 'gone') return undefined;
  await unlink(path).catch(ignoreMissing);
  return describe(seen);
}

type Seen =
  | { kind: 'gone' }
  | { kind: 'held'; info: LockInfo; mtimeMs: number }
  | { kind: 'unreadable'; mtimeMs: number };
type Present = Exclude<Seen, { kind: 'gone' }>;

/**
 * Creates the lock with its content in one step: the JSON is written and fsynced to a
 * private temp file, which is then hard-linked to the lock path. link() fails with EEXIST
 * when the lock exists, exactly like O_EXCL, but a competitor can never see the lock file
 * empty or half-written (as it could between open('wx') and write()).
 */
async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  // Unique per attempt (in-process racers share the pid); not a secret, so no crypto needed.
  const temp = `${path}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
  const fh = await open(temp, 'wx');
  try {
    await fh.writeFile(`${JSON.stringify(info)}\n`, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function inspect(path: string): Promise<Seen> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw err;
  }
  try {
    const { mtimeMs } = await fh.stat();
    const info = parseLockInfo(await fh.readFile('utf8'));
    return info ? { kind: 'held', info, mtimeMs } : { kind: 'unreadable', mtimeMs };
  } finally {
    await fh.close();
  }
}

function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo> | null;
    if (
      v &&
      Number.isInteger(v.pid) &&
      (v.pid as number) > 0 &&
      typeof v.host === 'string' &&
      typeof v.command === 'string' &&
      typeof v.acquiredAt === 'string'
    ) {
      return { pid: v.pid as number, host: v.host, command: v.command, acquiredAt: v.acquiredAt };
    }
  } catch {
    // unreadable
  }
  return undefined;
}

function isStale(seen: Present): boolean {
  if (seen.kind === 'unreadable') return Date.now() - seen.mtimeMs > UNREADABLE_STALE_MS;
  const { host, pid } = seen.info;
  return host === hostname() && pid !== process.pid && !isAlive(pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else. Anything but ESRCH counts as alive.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Replaces a stale lock with ours. Removing a file is not conditional on its content, so two
 * processes that both judged the lock stale could otherwise each remove it and one of them
 * would remove the other's fresh lock (renaming it aside and checking what was moved has the
 * same hole: while a wrongly moved live lock is put back, a third process can lock). So
 * takeovers are serialised by a guard file created with O_EXCL; inside it the lock is
 * inspected again and only a lock that is still stale is removed. Plain acquisitions need no
 * guard: they only ever create the lock with O_EXCL.
 */
async function takeOver(
  path: string,
  info: LockInfo,
): Promise<{ kind: 'won'; old: LockInfo } | { kind: 'busy' } | { kind: 'retry' }> {
  const guard = `${path}.takeover`;
  if (!(await tryCreate(guard, info))) {
    // Held for milliseconds; one older than GUARD_STALE_MS was left by a process killed mid-takeover.
    const st = await stat(guard).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > GUARD_STALE_MS) await unlink(guard).catch(ignoreMissing);
    return { kind: 'busy' };
  }
  try {
    const seen = await inspect(path);
    if (seen.kind === 'gone' || !isStale(seen)) return { kind: 'retry' };
    await unlink(path).catch(ignoreMissing);
    return (await tryCreate(path, info)) ? { kind: 'won', old: describe(seen) } : { kind: 'retry' };
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

function describe(seen: Present): LockInfo {
  if (seen.kind === 'held') return seen.info;
  return { pid: 0, host: 'unknown', command: 'unknown', acquiredAt: new Date(seen.mtimeMs).toISOString(), unreadable: true };
}

function lockedError(path: string, seen: Present): LockedError {
  if (seen.kind === 'unreadable') {
    return new LockedError(
      `state is locked: ${path} is unreadable and was written ${Math.round((Date.now() - seen.mtimeMs) / 1000)}s ago, so its holder may still be starting; wait a minute and re-run, or run \`promigrate unlock\` if no promigrate is running.`,
    );
  }
  const { pid, host, command, acquiredAt } = seen.info;
  const what = command.startsWith('promigrate') ? command : `promigrate ${command}`;
  const message = `state is locked by pid ${pid} on host ${host} (${what}, since ${acquiredAt}); wait for it to finish or run \`promigrate unlock\` if it is gone.`;
  if (host !== hostname()) {
    return new LockedError(message, {
      hint: `The lock was taken on another host, so promigrate cannot check whether that process still runs: unlock only once you are sure it has stopped.`,
    });
  }
  if (pid === process.pid) {
    return new LockedError(message, { hint: 'This process already holds the lock: it was acquired twice (a bug in promigrate).' });
  }
  return new LockedError(message);
}

function isSameHolder(a: LockInfo, b: LockInfo): boolean {
  return a.pid === b.pid && a.host === b.host && a.acquiredAt === b.acquiredAt;
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
