import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/aws/sandbox/clock.js';
import { makeSandbox } from '../helpers/sandbox.js';
import { localSimulators } from './local-simulators.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('VirtualClock', () => {
  it('advances by the longest of parallel sleeps, not their sum, without real waiting', async () => {
    const clock = new VirtualClock(0);
    const real = performance.now();
    const ends: number[] = [];
    await Promise.all([15 * MIN, 8 * MIN, 1 * MIN].map((ms) => clock.sleep(ms).then(() => ends.push(clock.now()))));
    expect(clock.now()).toBe(15 * MIN);
    expect(ends).toEqual([1 * MIN, 8 * MIN, 15 * MIN]);
    expect(performance.now() - real).toBeLessThan(200);
  });

  it('runs polling loops in parallel: each wakes on its own schedule', async () => {
    const clock = new VirtualClock(0);
    const poll = async (totalMs: number, everyMs: number): Promise<number> => {
      const start = clock.now();
      let polls = 0;
      while (clock.now() - start < totalMs) {
        await Promise.resolve(); // a "describe"
        polls++;
        await clock.sleep(everyMs);
      }
      return polls;
    };
    const polls = await Promise.all([poll(15 * MIN, 30_000), poll(8 * MIN, 30_000), poll(1 * MIN, 10_000)]);
    expect(clock.now()).toBe(15 * MIN);
    expect(polls).toEqual([30, 16, 6]);
  });

  it('simulates hours of polling through the sandbox in well under a second', async () => {
    const { sandbox, clients } = await makeSandbox({ simulators: localSimulators });
    const ec2 = await clients.ec2;
    const start = sandbox.clock.now();
    const real = performance.now();
    const loop = async (hours: number): Promise<number> => {
      let calls = 0;
      while (sandbox.clock.now() - start < hours * HOUR) {
        await ec2.send(new DescribeVpcsCommand({}));
        calls++;
        await sandbox.clock.sleep(60_000);
      }
      return calls;
    };
    const calls = await Promise.all([loop(3), loop(2), loop(1)]);
    expect(sandbox.clock.now() - start).toBe(3 * HOUR);
    expect(calls).toEqual([180, 120, 60]);
    expect(performance.now() - real).toBeLessThan(1000);
  });

  it('sequential sleeps add up; advance() wakes due sleepers; elapsedSince', async () => {
    const clock = new VirtualClock(1_000);
    await clock.sleep(5_000);
    await clock.sleep(5_000);
    expect(clock.elapsedSince(1_000)).toBe(10_000);
    let woke = false;
    const p = clock.sleep(60_000).then(() => (woke = true));
    clock.advance(30_000);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.advance(30_000);
    await p;
    expect(woke).toBe(true);
    expect(clock.now()).toBe(71_000);
  });

  it('rejects an aborted sleep with the signal reason and forgets it', async () => {
    const clock = new VirtualClock(0);
    const controller = new AbortController();
    const long = clock.sleep(HOUR, controller.signal);
    const short = clock.sleep(MIN);
    controller.abort(new Error('stop'));
    await expect(long).rejects.toThrow('stop');
    await short;
    expect(clock.now()).toBe(MIN);
    expect(clock.pending).toBe(0);
    await expect(clock.sleep(1, controller.signal)).rejects.toThrow('stop');
  });

  it('does not move while held', async () => {
    const clock = new VirtualClock(0);
    const release = clock.hold();
    let woke = false;
    const slept = clock.sleep(MIN).then(() => (woke = true));
    // Many idle event-loop turns: an unheld clock would have advanced after a few.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(woke).toBe(false);
    expect(clock.now()).toBe(0);
    release();
    await slept;
    expect(clock.now()).toBe(MIN);
  });
});
