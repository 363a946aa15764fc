/**
 * Route 53 change batches, sent politely. Route 53 throttles per account (`Throttling`,
 * "Rate exceeded", HTTP 400) and rejects a change to a zone while it is still processing
 * the previous one (`PriorRequestNotComplete`, HTTP 400: "wait, in intervals of increasing
 * duration, before you try the request again" — Route 53 API reference). Neither applied
 * anything, so resending the same batch is safe; every other error is thrown at once (after
 * e.g. a network timeout the batch may have been applied, and a DELETE sent twice fails).
 *
 * This runs around the SDK's own retries (standard mode already retries both codes a few
 * times), so it only acts when the SDK has given up: full-jitter exponential backoff on the
 * injectable clock, a bounded number of attempts.
 */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  type ChangeBatch,
  type ChangeInfo,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { Clock } from '../clock.js';
import { isThrottling } from './errors.js';
import { waitFor, type WaitResult } from './wait.js';

export interface RetryOptions {
  clock: Clock;
  /** Total attempts, the first included. Default 6. */
  maxAttempts?: number;
  /** Backoff cap before jitter for the first retry; doubles each time. Default 1 s. */
  baseDelayMs?: number;
  /** Largest backoff cap. Default 20 s. */
  maxDelayMs?: number;
  /** [0, 1); injectable for tests. Default Math.random. */
  random?: () => number;
  signal?: AbortSignal;
  onRetry?(info: { attempt: number; delayMs: number; error: Error }): void;
}

type Route53Sender = Pick<Route53Client, 'send'>;

/** Throttling, PriorRequestNotComplete among it (the SDK's own list): nothing was applied. */
export const isRoute53Retryable = (err: unknown): boolean => isThrottling(err);

/** Full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog): uniform in [0, cap]. */
export function backoffDelay(retry: number, opts: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'> = {}): number {
  const base = opts.baseDelayMs ?? 1000;
  const cap = Math.min(opts.maxDelayMs ?? 20_000, base * 2 ** Math.max(0, retry - 1));
  return Math.floor((opts.random ?? Math.random)() * (cap + 1));
}

/** Calls `fn`, retrying Route 53 throttling and PriorRequestNotComplete. */
export async function withRoute53Retry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 6);
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      return await fn();
    } catch (err) {
      if (!isRoute53Retryable(err) || attempt >= maxAttempts) throw err;
      const delayMs = backoffDelay(attempt, opts);
      opts.onRetry?.({ attempt, delayMs, error: err as Error });
      await opts.clock.sleep(delayMs, opts.signal);
    }
  }
}

/** ChangeResourceRecordSets with retries; returns the change (`Id` like `/change/C…`, `Status`). */
export async function changeRecordSets(
  route53: Route53Sender,
  hostedZoneId: string,
  batch: ChangeBatch,
  opts: RetryOptions,
): Promise<ChangeInfo> {
  if (!batch.Changes?.length) throw new Error('promigrate bug: an empty Route 53 change batch');
  const out = await withRoute53Retry(
    () => route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, ChangeBatch: batch })),
    opts,
  );
  if (!out.ChangeInfo?.Id) throw new Error('Route 53 accepted the change batch but returned no change id');
  return out.ChangeInfo;
}

export const bareChangeId = (id: string): string => id.replace(/^\/?change\//, '');

/** Polls GetChange until the change is INSYNC (every DNS server answers with it); 5 min timeout. */
export async function waitInsync(
  route53: Route53Sender,
  changeId: string,
  clock: Clock,
  opts: { signal?: AbortSignal; pollMs?: number; onPoll?(info: ChangeInfo): void } = {},
): Promise<WaitResult<ChangeInfo>> {
  const Id = bareChangeId(changeId);
  return waitFor<ChangeInfo>({
    what: `Route 53 change ${Id}`,
    preset: 'route53Change',
    clock,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    describe: async () => {
      const out = await route53.send(new GetChangeCommand({ Id }));
      if (!out.ChangeInfo) throw new Error(`Route 53 returned no ChangeInfo for change ${Id}`);
      return out.ChangeInfo;
    },
    done: (c) => c.Status === 'INSYNC',
    status: (c) => c.Status,
    ...(opts.onPoll ? { onPoll: (c: ChangeInfo) => opts.onPoll!(c) } : {}),
  });
}
