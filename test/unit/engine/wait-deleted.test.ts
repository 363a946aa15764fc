import {
  DatabaseMigrationServiceClient,
  DescribeEndpointsCommand,
  ResourceNotFoundFault,
  type Endpoint,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { unlessNotFound } from '../../../src/aws/errors.js';
import { WaitTimeoutError } from '../../../src/aws/wait.js';
import type { Clock } from '../../../src/clock.js';
import { waitDeleted } from '../../../src/engine/resources/wait-deleted.js';

const ID = 'shop-source';
const dmsMock = mockClient(DatabaseMigrationServiceClient);
const dms = new DatabaseMigrationServiceClient({ region: 'eu-west-1' });

/** Time moves only when something sleeps on it: no test waits in real time. */
function steppingClock(): Clock & { slept: number[] } {
  let now = Date.UTC(2026, 0, 5, 9);
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } };
}

const deleting: Endpoint = { EndpointIdentifier: ID, Status: 'deleting' };
const gone = () => new ResourceNotFoundFault({ message: `Endpoint ${ID} not found`, $metadata: { httpStatusCode: 400 } });

const describeEndpoint = async (): Promise<Endpoint | undefined> =>
  (await unlessNotFound(
    () => dms.send(new DescribeEndpointsCommand({ Filters: [{ Name: 'endpoint-id', Values: [ID] }] })),
    'ResourceNotFoundFault',
  ))?.Endpoints?.[0];

afterEach(() => dmsMock.reset());

describe('waitDeleted', () => {
  it('polls on the injected clock at the preset interval until AWS no longer knows the resource', async () => {
    dmsMock.on(DescribeEndpointsCommand)
      .resolvesOnce({ Endpoints: [deleting] })
      .resolvesOnce({ Endpoints: [deleting] })
      .rejects(gone());
    const clock = steppingClock();
    await waitDeleted({ what: `DMS endpoint ${ID}`, describe: describeEndpoint, status: (e) => e.Status, clock, preset: 'ec2' });
    expect(dmsMock.commandCalls(DescribeEndpointsCommand)).toHaveLength(3);
    expect(clock.slept).toEqual([15_000, 15_000]);
  });

  it('counts a resource AWS still lists in a final state as gone', async () => {
    const clock = steppingClock();
    let polls = 0;
    await waitDeleted<{ State: string }>({
      what: 'NAT gateway nat-1', describe: async () => ({ State: ++polls < 2 ? 'deleting' : 'deleted' }),
      gone: (nat) => nat.State === 'deleted', status: (nat) => nat.State, clock, preset: 'ec2',
    });
    expect(polls).toBe(2);
    expect(clock.slept).toEqual([15_000]);
  });

  it('rides out throttling while polling (one poll lost, not the wait)', async () => {
    dmsMock.on(DescribeEndpointsCommand)
      // DMS models no throttling error: the SDK's generic service exception carries the name.
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } }))
      .rejects(gone());
    const clock = steppingClock();
    await waitDeleted({ what: `DMS endpoint ${ID}`, describe: describeEndpoint, status: (e) => e.Status, clock, preset: 'ec2' });
    expect(dmsMock.commandCalls(DescribeEndpointsCommand)).toHaveLength(2);
  });

  it('times out on the clock, naming the resource, the goal and its last status', async () => {
    dmsMock.on(DescribeEndpointsCommand).resolves({ Endpoints: [deleting] });
    const clock = steppingClock();
    const started = clock.now();
    const err = await waitDeleted({
      what: `DMS endpoint ${ID}`, describe: describeEndpoint, status: (e) => e.Status, clock, preset: { timeoutMs: 60_000, pollMs: 20_000, readyLabel: 'available', hint: 'h' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toBe(`DMS endpoint ${ID} was not deleted after 1 minute (last status: deleting)`);
    expect(clock.now() - started).toBe(60_000);
  });

  it('names another goal when asked (a terminated instance)', async () => {
    const clock = steppingClock();
    const err = await waitDeleted<{ State: string }>({
      what: 'bastion instance i-1', describe: async () => ({ State: 'shutting-down' }), gone: (i) => i.State === 'terminated',
      status: (i) => i.State, clock, preset: { timeoutMs: 30_000, pollMs: 10_000, readyLabel: 'running', hint: 'h' }, goneLabel: 'terminated',
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('bastion instance i-1 was not terminated after 30 seconds (last status: shutting-down)');
  });

  it('rethrows an error that is neither not-found nor worth another poll', async () => {
    dmsMock.on(DescribeEndpointsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    await expect(
      waitDeleted({ what: `DMS endpoint ${ID}`, describe: describeEndpoint, status: (e) => e.Status, clock: steppingClock(), preset: 'ec2' }),
    ).rejects.toThrow('denied');
  });
});
