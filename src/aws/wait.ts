/**
 * Waiting for AWS resources, through the injectable clock.
 *
 * Not the SDK waiters: their backoff grows to maxDelay (1800 s for RDS), so a 15-minute
 * create can be noticed up to ~29 minutes late. Here the cadence is a fixed poll interval:
 * 30 s for RDS and DMS instances detects completion at most 30 s late and makes at most
 * 51 describe calls in 25 minutes (targets: lag ≤ 60 s, ≤ 60 calls per 25 min). Throttling
 * and 5xx errors that outlast the SDK's own retries cost one poll, not the wait. Timeouts
 * are explicit, with a message naming the resource and its last status.
 */
import type { Clock } from '../clock.js';
import { ExitCode, PromigrateError } from '../errors.js';
import { isRetryable } from './errors.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export interface WaitPreset {
  timeoutMs: number;
  pollMs: number;
  /** What "done" is called in messages, e.g. `available`. */
  readyLabel: string;
  hint: string;
}

const RESUME = 're-run the same command — promigrate resumes the wait';

export const WAIT_PRESETS = {
  rdsInstance: { timeoutMs: 90 * MINUTE, pollMs: 30 * SECOND, readyLabel: 'available', hint: `Check the RDS console events for the instance, then ${RESUME}.` },
  dmsInstance: { timeoutMs: 30 * MINUTE, pollMs: 30 * SECOND, readyLabel: 'available', hint: `Check the DMS console for the replication instance, then ${RESUME}.` },
  dmsTask: { timeoutMs: 30 * MINUTE, pollMs: 15 * SECOND, readyLabel: 'ready', hint: `Check the DMS console for the task's last failure message, then ${RESUME}.` },
  route53Change: { timeoutMs: 5 * MINUTE, pollMs: 10 * SECOND, readyLabel: 'in sync', hint: `Check the Route 53 console for the hosted zone, then ${RESUME}.` },
  ec2: { timeoutMs: 15 * MINUTE, pollMs: 15 * SECOND, readyLabel: 'available', hint: `Check the EC2 console for the resource, then ${RESUME}.` },
} as const satisfies Record<string, WaitPreset>;

export type WaitPresetName = keyof typeof WAIT_PRESETS;

export interface WaitOptions<T> {
  /** Names the resource in messages, e.g. `RDS instance shop-db`. */
  what: string;
  describe: () => Promise<T>;
  done: (value: T) => boolean;
  /** A reason when the resource reached a state it will not leave (e.g. `failed`). */
  failed?: (value: T) => string | undefined;
  /** The status to report in progress and timeout messages. */
  status?: (value: T) => string | undefined;
  clock: Clock;
  signal?: AbortSignal;
  preset?: WaitPresetName | WaitPreset;
  timeoutMs?: number;
  pollMs?: number;
  readyLabel?: string;
  hint?: string;
  /** Before the first describe (e.g. a resource that was just requested). Default 0. */
  initialDelayMs?: number;
  /** Called after every describe that returned. */
  onPoll?(value: T, progress: { polls: number; elapsedMs: number }): void;
}

export interface WaitResult<T> {
  value: T;
  polls: number;
  elapsedMs: number;
}

export class WaitTimeoutError extends PromigrateError {
  constructor(message: string, hint: string, readonly lastStatus: string | undefined) {
    super(message, ExitCode.stepFailed, { hint });
  }
}

export class WaitFailedError extends PromigrateError {
  constructor(message: string, hint: string) {
    super(message, ExitCode.stepFailed, { hint });
  }
}

export async function waitFor<T>(opts: WaitOptions<T>): Promise<WaitResult<T>> {
  const preset: WaitPreset =
    typeof opts.preset === 'string' ? WAIT_PRESETS[opts.preset] : (opts.preset ?? WAIT_PRESETS.ec2);
  const timeoutMs = opts.timeoutMs ?? preset.timeoutMs;
  const pollMs = Math.max(1, opts.pollMs ?? preset.pollMs);
  const readyLabel = opts.readyLabel ?? preset.readyLabel;
  const hint = opts.hint ?? preset.hint;
  const { clock, signal } = opts;

  const start = clock.now();
  const deadline = start + timeoutMs;
  let polls = 0;
  let lastStatus: string | undefined;

  if (opts.initialDelayMs) await clock.sleep(Math.min(opts.initialDelayMs, timeoutMs), signal);
  for (;;) {
    signal?.throwIfAborted();
    let value: T | undefined;
    let got = false;
    try {
      value = await opts.describe();
      got = true;
    } catch (err) {
      if (!isRetryable(err)) throw err;
      lastStatus = `unknown (${(err as Error).name ?? 'error'} while polling)`;
    }
    polls++;
    if (got) {
      const v = value as T;
      const failure = opts.failed?.(v);
      if (failure !== undefined) throw new WaitFailedError(`${opts.what} failed: ${failure}`, hint);
      if (opts.done(v)) return { value: v, polls, elapsedMs: clock.now() - start };
      lastStatus = opts.status?.(v) ?? lastStatus;
      opts.onPoll?.(v, { polls, elapsedMs: clock.now() - start });
    }
    const now = clock.now();
    if (now >= deadline) {
      throw new WaitTimeoutError(
        `${opts.what} was not ${readyLabel} after ${formatDuration(timeoutMs)} (last status: ${lastStatus ?? 'unknown'})`,
        hint,
        lastStatus,
      );
    }
    await clock.sleep(Math.min(pollMs, deadline - now), signal);
  }
}

export function formatDuration(ms: number): string {
  if (ms >= 90 * MINUTE) {
    const h = Math.floor(ms / (60 * MINUTE));
    const m = Math.round((ms - h * 60 * MINUTE) / MINUTE);
    return `${h} h${m ? ` ${m} min` : ''}`;
  }
  if (ms >= 10 * MINUTE) return `${Math.round(ms / MINUTE)} minutes`;
  if (ms % MINUTE === 0 && ms >= MINUTE) {
    const m = ms / MINUTE;
    return m === 1 ? '1 minute' : `${m} minutes`;
  }
  const s = Math.round(ms / SECOND);
  return s === 1 ? '1 second' : `${s} seconds`;
}
