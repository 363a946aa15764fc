import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/aws/sandbox/clock.js';
import { formatDuration, waitFor, WaitFailedError, WaitTimeoutError } from '../../src/aws/wait.js';

const MIN = 60_000;

/** A resource that becomes available `readyAfter` ms after `t0` on `clock`. */
function resource(clock: VirtualClock, readyAfter: number) {
  const t0 = clock.now();
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    describe: async () => {
      calls++;
      return { status: clock.now() - t0 >= readyAfter ? 'available' : 'creating' };
    },
  };
}

describe('waitFor', () => {
  it('detects a 15-minute RDS create within 60 s, with at most 60 polls per 25 minutes', async () => {
    const clock = new VirtualClock(0);
    const db = resource(clock, 15 * MIN + 7_000);
    const result = await waitFor({
      what: 'RDS instance shop-db', preset: 'rdsInstance', clock,
      describe: db.describe, done: (d) => d.status === 'available', status: (d) => d.status,
    });
    const lag = result.elapsedMs - (15 * MIN + 7_000);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThanOrEqual(60_000);
    expect(result.polls).toBe(db.calls);

    const slow = new VirtualClock(0);
    const never = resource(slow, Number.POSITIVE_INFINITY);
    await expect(
      waitFor({ what: 'RDS instance x', preset: 'rdsInstance', timeoutMs: 25 * MIN, clock: slow, describe: never.describe, done: () => false }),
    ).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(never.calls).toBeLessThanOrEqual(60);
  });

  it('times out with a message naming the resource, its last status and what to do', async () => {
    const clock = new VirtualClock(0);
    const db = resource(clock, Number.POSITIVE_INFINITY);
    const err = (await waitFor({
      what: 'RDS instance shop-db', preset: 'rdsInstance', clock,
      describe: db.describe, done: (d) => d.status === 'available', status: (d) => d.status,
    }).catch((e: unknown) => e)) as WaitTimeoutError;
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.message).toBe('RDS instance shop-db was not available after 1 h 30 min (last status: creating)');
    expect(err.hint).toMatch(/RDS console events.*re-run.*resumes the wait/);
    expect(err.exitCode).toBe(1);
    expect(clock.now()).toBe(90 * MIN);
  });

  it('stops at once on a failed state', async () => {
    const clock = new VirtualClock(0);
    const err = await waitFor({
      what: 'DMS task full-load', preset: 'dmsTask', clock,
      describe: async () => ({ status: 'failed', reason: 'Last Error Table error' }),
      done: () => false, failed: (t) => (t.status === 'failed' ? t.reason : undefined),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(WaitFailedError);
    expect(err.message).toBe('DMS task full-load failed: Last Error Table error');
  });

  it('keeps polling through throttling but not through other errors', async () => {
    const clock = new VirtualClock(0);
    let n = 0;
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    const result = await waitFor({
      what: 'Route 53 change C1', preset: 'route53Change', clock,
      describe: async () => {
        n++;
        if (n <= 2) throw throttled;
        return { Status: n >= 4 ? 'INSYNC' : 'PENDING' };
      },
      done: (c) => c.Status === 'INSYNC',
    });
    expect(result.polls).toBe(4);
    expect(clock.now()).toBe(30_000);

    const denied = Object.assign(new Error('nope'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await expect(waitFor({ what: 'x', clock, describe: async () => Promise.reject(denied), done: () => true })).rejects.toBe(denied);
  });

  it('stops when the signal is aborted', async () => {
    const clock = new VirtualClock(0);
    const controller = new AbortController();
    let polls = 0;
    const describe = async (): Promise<number> => {
      if (++polls === 3) setImmediate(() => controller.abort(new Error('cancelled'))); // mid-sleep
      return polls;
    };
    await expect(waitFor({ what: 'x', clock, signal: controller.signal, describe, done: () => false })).rejects.toThrow('cancelled');
    expect(polls).toBe(3);
  });

  it('waits for independent resources in parallel: the longest wait, not the sum', async () => {
    const clock = new VirtualClock(0);
    const wait = (what: string, ms: number, preset: 'rdsInstance' | 'dmsInstance' | 'ec2') => {
      const r = resource(clock, ms);
      return waitFor({ what, preset, clock, describe: r.describe, done: (d) => d.status === 'available' });
    };
    const results = await Promise.all([wait('rds', 15 * MIN, 'rdsInstance'), wait('dms', 8 * MIN, 'dmsInstance'), wait('nat', 1 * MIN, 'ec2')]);
    expect(clock.now()).toBeLessThanOrEqual(15 * MIN * 1.05);
    expect(results.map((r) => r.elapsedMs)).toEqual([15 * MIN, 8 * MIN, 1 * MIN]);
  });

  it('formats durations for messages', () => {
    expect([formatDuration(90 * MIN), formatDuration(MIN), formatDuration(45_000), formatDuration(64 * MIN + 30_000), formatDuration(3 * 60 * MIN + 5 * MIN)]).toEqual(['1 h 30 min', '1 minute', '45 seconds', '65 minutes', '3 h 5 min']);
  });
});
