import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LockedError } from '../../../src/errors.js';
import { acquireLock, readLock, removeLock, type LockInfo } from '../../../src/state/lock.js';
import { statePaths } from '../../../src/state/paths.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';
import { builtStateModules } from './built-state.js';

const LOCKER = fileURLToPath(new URL('../../fixtures/state/locker.mjs', import.meta.url));

afterEach(removeTempDirs);

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(child.stdout);
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  return pid;
}

function writeLock(dir: string, info: Partial<LockInfo>): LockInfo {
  const full = { pid: info.pid ?? deadPid(), host: hostname(), command: 'promigrate run', acquiredAt: '2026-01-01T00:00:00.000Z', ...info };
  writeFileSync(statePaths(dir).lock, JSON.stringify(full));
  return full;
}

async function lockedError(p: Promise<unknown>): Promise<LockedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LockedError);
  expect((err as LockedError).exitCode).toBe(3);
  return err as LockedError;
}

describe('acquireLock in one process', () => {
  it('writes who holds the lock and removes it on release', async () => {
    const dir = tempDir();
    const lock = await acquireLock(dir, 'promigrate run');
    const onDisk = JSON.parse(readFileSync(statePaths(dir).lock, 'utf8'));
    expect(onDisk).toEqual({ pid: process.pid, host: hostname(), command: 'promigrate run', acquiredAt: lock.info.acquiredAt });
    expect(await readLock(dir)).toEqual(onDisk);
    await lock.release();
    expect(existsSync(statePaths(dir).lock)).toBe(false);
    expect(await readLock(dir)).toBeUndefined();
    await lock.release(); // twice is fine
  });

  it('refuses a live holder on this host, naming pid, host, command and time', async () => {
    const dir = tempDir();
    const holder = writeLock(dir, { pid: process.ppid, command: 'promigrate run' });
    const err = await lockedError(acquireLock(dir, 'promigrate run'));
    expect(err.message).toBe(
      `state is locked by pid ${process.ppid} on host ${hostname()} (promigrate run, since ${holder.acquiredAt}); wait for it to finish or run \`promigrate unlock\` if it is gone.`,
    );
  });

  it('takes over the lock of a dead pid on this host and reports it', async () => {
    const dir = tempDir();
    const stale = writeLock(dir, {});
    const onStaleTakeover = vi.fn();
    const lock = await acquireLock(dir, 'promigrate run', { onStaleTakeover });
    expect(onStaleTakeover).toHaveBeenCalledExactlyOnceWith(stale);
    expect((await readLock(dir))?.pid).toBe(process.pid);
    await lock.release();
  });

  it('never takes over a lock from another host, even with a dead pid', async () => {
    const dir = tempDir();
    const onStaleTakeover = vi.fn();
    writeLock(dir, { host: 'build-server-7' });
    const err = await lockedError(acquireLock(dir, 'promigrate run', { onStaleTakeover }));
    expect(err.message).toContain('on host build-server-7');
    expect(err.hint).toMatch(/another host/);
    expect(onStaleTakeover).not.toHaveBeenCalled();
    expect((await readLock(dir))?.host).toBe('build-server-7');
  });

  it('treats an unreadable lock as held for a minute (its holder may be writing it), then as stale', async () => {
    const dir = tempDir();
    const { lock: path } = statePaths(dir);
    writeFileSync(path, '{"pid": 12');
    const err = await lockedError(acquireLock(dir, 'promigrate run'));
    expect(err.message).toMatch(/unreadable/);
    expect(await readLock(dir)).toMatchObject({ unreadable: true, pid: 0 });

    const old = new Date(Date.now() - 2 * 60_000);
    utimesSync(path, old, old);
    const onStaleTakeover = vi.fn();
    const lock = await acquireLock(dir, 'promigrate run', { onStaleTakeover });
    expect(onStaleTakeover).toHaveBeenCalledWith(expect.objectContaining({ unreadable: true }));
    expect((await readLock(dir))?.pid).toBe(process.pid);
    await lock.release();
  });

  it('clears a takeover guard abandoned by a killed process', async () => {
    const dir = tempDir();
    writeLock(dir, {});
    const guard = `${statePaths(dir).lock}.takeover`;
    writeFileSync(guard, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(guard, old, old);
    const lock = await acquireLock(dir, 'promigrate run');
    expect(existsSync(guard)).toBe(false);
    await lock.release();
  });

  it('release() and releaseSync() leave a lock that is no longer ours', async () => {
    const dir = tempDir();
    for (const release of ['release', 'releaseSync'] as const) {
      const lock = await acquireLock(dir, 'promigrate run');
      const someoneElse = writeLock(dir, { pid: process.ppid });
      await lock[release]();
      expect(await readLock(dir)).toEqual(someoneElse);
      await removeLock(dir);
    }
    const lock = await acquireLock(dir, 'promigrate run');
    lock.releaseSync();
    expect(await readLock(dir)).toBeUndefined();
  });

  it('removeLock removes whoever holds it and returns who that was', async () => {
    const dir = tempDir();
    expect(await removeLock(dir)).toBeUndefined();
    const holder = writeLock(dir, { pid: process.ppid, host: 'elsewhere' });
    expect(await removeLock(dir)).toEqual(holder);
    expect(existsSync(statePaths(dir).lock)).toBe(false);
    await (await acquireLock(dir, 'promigrate run')).release();
  });

  it('lets exactly one of many racers take over a stale lock', async () => {
    const dead = deadPid();
    // A naive unlink-then-create lets two win in about half of the rounds.
    for (let round = 0; round < 10; round++) {
      const dir = tempDir();
      writeLock(dir, { pid: dead });
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireLock(dir, 'promigrate run')));
      expect(results.filter((r) => r.status === 'fulfilled'), `round ${round}`).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LockedError);
    }
  });
});

describe('acquireLock across processes', () => {
  let modules: Awaited<ReturnType<typeof builtStateModules>>;
  beforeAll(async () => {
    modules = await builtStateModules();
  });
  afterAll(() => modules?.cleanup());

  function runLocker(dir: string, startAt: number): Promise<{ code: number | null; result: { won: boolean; pid: number; message?: string } }> {
    const child = spawn(process.execPath, [LOCKER, modules.dir, dir, String(startAt), '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, result: JSON.parse(out) })));
  }

  it.each([1, 2, 3])('two processes racing for the lock: exactly one wins, the other exits 3 naming it (round %i)', async () => {
    const dir = tempDir();
    const startAt = Date.now() + 400; // both are running and waiting by then
    const [a, b] = await Promise.all([runLocker(dir, startAt), runLocker(dir, startAt)]);
    const winners = [a, b].filter((r) => r.result.won);
    const losers = [a, b].filter((r) => !r.result.won);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(winners[0]!.code).toBe(0);
    expect(losers[0]!.code).toBe(3);
    expect(losers[0]!.result.message).toContain(`locked by pid ${winners[0]!.result.pid} on host ${hostname()} (promigrate run`);
    expect(await readLock(dir)).toBeUndefined(); // the winner released it
  });

  it('four processes racing to take over a stale lock: exactly one wins', async () => {
    const dir = tempDir();
    writeLock(dir, {});
    const startAt = Date.now() + 500;
    const results = await Promise.all(Array.from({ length: 4 }, () => runLocker(dir, startAt)));
    expect(results.filter((r) => r.result.won)).toHaveLength(1);
    expect(results.map((r) => r.code).sort()).toEqual([0, 3, 3, 3]);
  });
});
