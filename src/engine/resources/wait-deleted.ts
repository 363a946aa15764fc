import type { Clock } from '../../clock.js';
import { waitFor, type WaitPreset, type WaitPresetName } from '../../aws/wait.js';

export interface WaitDeleted<T> {
  /** Names the resource in messages, e.g. `DMS endpoint shop-source`. */
  what: string;
  /** The resource, or undefined once AWS no longer knows it. */
  describe: () => Promise<T | undefined>;
  /** For a resource AWS keeps listing for a while after it is gone (EC2: `deleted`, `terminated`). */
  gone?: (value: T) => boolean;
  status: (value: T) => string | undefined;
  clock: Clock;
  signal?: AbortSignal;
  /** The poll interval and timeout: the service's preset (see WAIT_PRESETS). */
  preset: WaitPresetName | WaitPreset;
  pollMs?: number;
  /** What "gone" is called in the timeout message. Default `deleted`. */
  goneLabel?: string;
}

/** Polls (on the given clock) until the resource is gone; a timeout names its last status. */
export async function waitDeleted<T>(opts: WaitDeleted<T>): Promise<void> {
  const { gone } = opts;
  await waitFor<T | undefined>({
    what: opts.what,
    describe: opts.describe,
    done: (x) => x === undefined || (gone?.(x) ?? false),
    status: (x) => (x === undefined ? undefined : opts.status(x)),
    clock: opts.clock,
    ...(opts.signal ? { signal: opts.signal } : {}),
    preset: opts.preset,
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    readyLabel: opts.goneLabel ?? 'deleted',
  });
}
