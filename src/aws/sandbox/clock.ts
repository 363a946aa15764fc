/**
 * Simulated time for the sandbox: `sleep()` never waits in real time.
 *
 * Sleepers are kept in a queue ordered by wake-up time. Time jumps to the earliest wake-up
 * only once the process has been quiet for a few event-loop turns: no new sleeper, no
 * sandbox call in progress (`hold()`), no file-system request in flight. That quiet period
 * lets every task woken at instant T run its continuation (a describe call, the next
 * `sleep`) before time moves on, so N waits started together advance the clock by the
 * longest of them, not by their sum.
 */
import type { Clock } from '../../clock.js';

interface Sleeper {
  wakeAt: number;
  seq: number;
  resolve: () => void;
}

/** Event-loop turns without activity before time may jump. */
const QUIET_TURNS = 3;
/** Real milliseconds to wait between checks while file-system I/O is in flight. */
const IO_RECHECK_MS = 1;

export class VirtualClock implements Clock {
  private t: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;
  private holds = 0;
  private armed = false;
  private quiet = 0;
  private activity = 0;
  private seenActivity = -1;
  private readonly listeners = new Set<(now: number, previous: number) => void>();

  constructor(start: number = Date.now()) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  elapsedSince(t: number): number {
    return this.t - t;
  }

  /** Number of pending sleepers (for tests and diagnostics). */
  get pending(): number {
    return this.sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const sleeper: Sleeper = {
        wakeAt: this.t + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.insert(sleeper);
      this.poke();
    });
  }

  /**
   * Moves time forward by `ms` at once (tests), waking every sleeper due by then in order.
   * Sleepers' continuations run after this returns (they are promise callbacks).
   */
  advance(ms: number): void {
    this.advanceTo(this.t + Math.max(0, ms));
  }

  /**
   * Keeps time still until the returned function is called: the sandbox holds the clock
   * while it answers a call, so a caller's continuation is never overtaken by time.
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.poke();
    };
  }

  /** Called with (now, previous) whenever time moves. Returns an unsubscribe function. */
  onAdvance(listener: (now: number, previous: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private insert(sleeper: Sleeper): void {
    // Stable order: by wake-up time, then by registration.
    let i = this.sleepers.length;
    while (i > 0 && this.sleepers[i - 1]!.wakeAt > sleeper.wakeAt) i--;
    this.sleepers.splice(i, 0, sleeper);
  }

  /** Records activity and makes sure a settle check is scheduled. */
  private poke(): void {
    this.activity++;
    if (this.armed || this.sleepers.length === 0) return;
    this.armed = true;
    setImmediate(this.tick);
  }

  private readonly tick = (): void => {
    this.armed = false;
    if (this.sleepers.length === 0 || this.holds > 0) return; // release() or sleep() re-arms
    if (ioInFlight()) {
      this.quiet = 0;
      this.armed = true;
      setTimeout(this.tick, IO_RECHECK_MS);
      return;
    }
    if (this.seenActivity !== this.activity) {
      this.seenActivity = this.activity;
      this.quiet = 0;
    }
    if (++this.quiet < QUIET_TURNS) {
      this.armed = true;
      setImmediate(this.tick);
      return;
    }
    this.quiet = 0;
    this.advanceTo(Math.max(this.t, this.sleepers[0]!.wakeAt));
    if (this.sleepers.length > 0) this.poke();
  };

  private advanceTo(target: number): void {
    const previous = this.t;
    if (target > this.t) this.t = target;
    const due: Sleeper[] = [];
    while (this.sleepers.length > 0 && this.sleepers[0]!.wakeAt <= this.t) due.push(this.sleepers.shift()!);
    if (this.t !== previous) for (const listener of this.listeners) listener(this.t, previous);
    for (const sleeper of due) sleeper.resolve();
  }
}

/** True while a libuv file-system request is pending (a state or world write, a read). */
function ioInFlight(): boolean {
  const info = process.getActiveResourcesInfo?.();
  return info !== undefined && info.some((r) => r === 'FSReqCallback' || r === 'FSReqPromise');
}
