import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  InvalidChangeBatch,
  PriorRequestNotComplete,
  Route53Client,
  ThrottlingException,
  type ChangeBatch,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backoffDelay,
  bareChangeId,
  changeRecordSets,
  isRoute53Retryable,
  waitInsync,
  withRoute53Retry,
} from '../../../src/aws/route53-retry.js';
import { WaitTimeoutError } from '../../../src/aws/wait.js';
import type { Clock } from '../../../src/clock.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // as the client factory does
const r53 = mockClient(Route53Client);
const client = new Route53Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const BATCH: ChangeBatch = {
  Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'www.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '198.51.100.7' }] } }],
};
const ACCEPTED = { ChangeInfo: { Id: '/change/C0ABC', Status: 'PENDING' as const, SubmittedAt: new Date(0) } };

/** A clock that never waits: sleeping moves its time, and every sleep is recorded. */
function fakeClock(): Clock & { slept: number[] } {
  let now = Date.UTC(2025, 0, 6, 9);
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } };
}
const throttling = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 } });
const prior = () => new PriorRequestNotComplete({ message: 'The request was rejected because Route 53 was still processing a prior request.', $metadata: {} });

beforeEach(() => r53.reset());
afterEach(() => r53.reset());

describe('changeRecordSets', () => {
  it('retries Throttling with backoff on the injected clock, then returns the change', async () => {
    const clock = fakeClock();
    r53.on(ChangeResourceRecordSetsCommand).rejectsOnce(throttling()).rejectsOnce(throttling()).resolves(ACCEPTED);
    const retries: number[] = [];
    const started = Date.now();
    const info = await changeRecordSets(client, 'Z0EXAMPLE', BATCH, { clock, random: () => 0.5, onRetry: (r) => retries.push(r.attempt) });
    expect(info).toMatchObject({ Id: '/change/C0ABC', Status: 'PENDING' });
    expect(retries).toEqual([1, 2]);
    expect(clock.slept).toEqual([500, 1000]); // half of the 1 s, 2 s caps
    expect(Date.now() - started).toBeLessThan(1000); // no wall-clock sleep
    const calls = r53.commandCalls(ChangeResourceRecordSetsCommand);
    expect(calls).toHaveLength(3);
    expect(calls[2]!.args[0].input).toEqual({ HostedZoneId: 'Z0EXAMPLE', ChangeBatch: BATCH });
  });

  it('retries PriorRequestNotComplete and ThrottlingException', async () => {
    const clock = fakeClock();
    r53.on(ChangeResourceRecordSetsCommand)
      .rejectsOnce(prior())
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves(ACCEPTED);
    await changeRecordSets(client, 'Z0EXAMPLE', BATCH, { clock, random: () => 1 - Number.EPSILON });
    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(3);
    expect(clock.slept).toEqual([1000, 2000]);
  });

  it('does not retry other errors (an InvalidChangeBatch, or a timeout after which the batch may have been applied)', async () => {
    const clock = fakeClock();
    r53.on(ChangeResourceRecordSetsCommand).rejects(new InvalidChangeBatch({ message: '[Tried to delete resource record set … but it was not found]', $metadata: {} }));
    await expect(changeRecordSets(client, 'Z0EXAMPLE', BATCH, { clock })).rejects.toThrow(/not found/);
    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1);

    r53.reset();
    r53.on(ChangeResourceRecordSetsCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(changeRecordSets(client, 'Z0EXAMPLE', BATCH, { clock })).rejects.toThrow(/socket hang up/);
    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1);
    expect(clock.slept).toEqual([]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const clock = fakeClock();
    r53.on(ChangeResourceRecordSetsCommand).rejects(prior());
    await expect(changeRecordSets(client, 'Z0EXAMPLE', BATCH, { clock, maxAttempts: 4, random: () => 0 })).rejects.toBeInstanceOf(PriorRequestNotComplete);
    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(4);
    expect(clock.slept).toHaveLength(3);
  });

  it('refuses to send an empty batch', async () => {
    await expect(changeRecordSets(client, 'Z0EXAMPLE', { Changes: [] }, { clock: fakeClock() })).rejects.toThrow(/empty/);
    expect(r53.calls()).toHaveLength(0);
  });

  it('stops when aborted while backing off', async () => {
    const controller = new AbortController();
    const clock: Clock = {
      now: () => 0,
      sleep: async () => {
        controller.abort(new Error('cancelled'));
        throw controller.signal.reason;
      },
    };
    r53.on(ChangeResourceRecordSetsCommand).rejects(throttling());
    await expect(changeRecordSets(client, 'Z0EXAMPLE', BATCH, { clock, signal: controller.signal })).rejects.toThrow('cancelled');
    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('full jitter under a cap that doubles up to maxDelayMs', () => {
    const top = () => 1 - Number.EPSILON;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, { random: top }))).toEqual([1000, 2000, 4000, 8000, 16000, 20000, 20000]);
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
    expect(backoffDelay(2, { random: top, baseDelayMs: 100, maxDelayMs: 150 })).toBe(150);
  });

  it('classifies by error name', () => {
    expect(isRoute53Retryable(throttling())).toBe(true);
    expect(isRoute53Retryable(prior())).toBe(true);
    expect(isRoute53Retryable(new ThrottlingException({ message: 'x', $metadata: {} }))).toBe(true);
    expect(isRoute53Retryable(new InvalidChangeBatch({ message: 'x', $metadata: {} }))).toBe(false);
    expect(isRoute53Retryable(new Error('Throttling'))).toBe(false);
    expect(isRoute53Retryable(undefined)).toBe(false);
  });

  it('withRoute53Retry wraps any call', async () => {
    let n = 0;
    const clock = fakeClock();
    expect(await withRoute53Retry(async () => (++n < 3 ? Promise.reject(prior()) : 'ok'), { clock, random: () => 0 })).toBe('ok');
    expect(n).toBe(3);
  });
});

describe('waitInsync', () => {
  it('polls GetChange (bare id) until INSYNC, on the clock', async () => {
    const clock = fakeClock();
    const t0 = clock.now();
    r53.on(GetChangeCommand)
      .resolvesOnce({ ChangeInfo: { ...ACCEPTED.ChangeInfo } })
      .rejectsOnce(throttling()) // a throttled poll costs one poll, not the wait
      .resolvesOnce({ ChangeInfo: { ...ACCEPTED.ChangeInfo } })
      .resolves({ ChangeInfo: { ...ACCEPTED.ChangeInfo, Status: 'INSYNC' } });
    const polled: string[] = [];
    const out = await waitInsync(client, '/change/C0ABC', clock, { onPoll: (c) => polled.push(c.Status!) });
    expect(out.value.Status).toBe('INSYNC');
    expect(out.polls).toBe(4);
    expect(polled).toEqual(['PENDING', 'PENDING']);
    expect(clock.now() - t0).toBe(30_000); // three waits of the preset's 10 s
    expect(r53.commandCalls(GetChangeCommand).map((c) => c.args[0].input)).toEqual(Array(4).fill({ Id: 'C0ABC' }));
  });

  it('times out after 5 minutes with the last status', async () => {
    const clock = fakeClock();
    const t0 = clock.now();
    r53.on(GetChangeCommand).resolves({ ChangeInfo: { ...ACCEPTED.ChangeInfo } });
    const err = await waitInsync(client, 'C0ABC', clock, { pollMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as WaitTimeoutError).message).toBe('Route 53 change C0ABC was not in sync after 5 minutes (last status: PENDING)');
    expect(clock.now() - t0).toBe(5 * 60_000);
    expect(r53.commandCalls(GetChangeCommand)).toHaveLength(61);
  });

  it('bareChangeId', () => {
    expect(bareChangeId('/change/C1')).toBe('C1');
    expect(bareChangeId('change/C1')).toBe('C1');
    expect(bareChangeId('C1')).toBe('C1');
  });
});
