import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateVpcCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { SimError } from '../../src/aws/sandbox/errors.js';
import { StateError } from '../../src/errors.js';
import { makeSandbox } from '../helpers/sandbox.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { localSimulators } from './local-simulators.js';

afterEach(() => removeTempDirs());

const MIN = 60_000;

describe('sandbox world', () => {
  it('persists resources and simulated time across processes (open → create → reopen)', async () => {
    const worldPath = join(tempDir(), 'sandbox.json');
    const first = await makeSandbox({ simulators: localSimulators, worldPath });
    const ec2 = await first.clients.ec2;
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    // Saved before the call returned: a kill -9 now would keep the VPC, as AWS would.
    const onDisk = JSON.parse(readFileSync(worldPath, 'utf8'));
    expect(onDisk.slices.ec2.vpcs[vpcId].cidr).toBe('10.0.0.0/16');
    expect(onDisk.faults.mutatingCalls).toBe(1);
    await first.sandbox.clock.sleep(25 * MIN);
    const stoppedAt = first.sandbox.clock.now();
    await first.sandbox.close();

    const second = await makeSandbox({ simulators: localSimulators, worldPath, seed: 999 });
    expect(second.sandbox.world.fresh).toBe(false);
    expect(second.sandbox.world.seed).toBe(first.sandbox.world.seed);
    expect(second.sandbox.clock.now()).toBe(stoppedAt);
    const vpcs = await (await second.clients.ec2).send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    expect(vpcs.Vpcs![0]!.VpcId).toBe(vpcId);
    const nextId = (await (await second.clients.ec2).send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId;
    expect(nextId).not.toBe(vpcId);
  });

  it('saves the clock as it advances, so a killed run resumes near where it was', async () => {
    const worldPath = join(tempDir(), 'sandbox.json');
    const { sandbox } = await makeSandbox({ simulators: localSimulators, worldPath });
    const start = sandbox.clock.now();
    for (let i = 0; i < 10; i++) await sandbox.clock.sleep(MIN);
    await sandbox.world.flush();
    const saved = JSON.parse(readFileSync(worldPath, 'utf8')).now;
    expect(saved).toBeGreaterThanOrEqual(start + 9 * MIN);
  });

  it('gives the same ids and account for the same seed', async () => {
    const ids = await Promise.all([1, 2].map(async () => {
      const { clients, sandbox } = await makeSandbox({ simulators: localSimulators, seed: 42 });
      const vpc = await (await clients.ec2).send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      return [vpc.Vpc!.VpcId, sandbox.world.accountId];
    }));
    expect(ids[0]).toEqual(ids[1]);
  });

  it('undoes the partial changes of a call that fails', async () => {
    const { sandbox, clients } = await makeSandbox({
      simulators: {
        ec2: {
          CreateVpc: (_input, ctx) => {
            ctx.slice<{ n: number }>('ec2', () => ({ n: 0 })).n++;
            ctx.newId('vpc-');
            throw new SimError('VpcLimitExceeded', 'The maximum number of VPCs has been reached.');
          },
        },
      },
    });
    const before = JSON.stringify(sandbox.world.data.slices);
    await expect((await clients.ec2).send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).rejects.toThrow('maximum number');
    expect(JSON.stringify(sandbox.world.data.slices)).toBe(before);
    expect(sandbox.world.data.idCounter).toBe(0);
    expect(sandbox.world.data.faults.mutatingCalls).toBe(0);
  });

  it('refuses a damaged or newer world with a hint', async () => {
    const worldPath = join(tempDir(), 'sandbox.json');
    writeFileSync(worldPath, '{"version": 1, "seed": 1');
    await expect(makeSandbox({ worldPath })).rejects.toBeInstanceOf(StateError);
    writeFileSync(worldPath, JSON.stringify({ version: 99 }));
    const err = await makeSandbox({ worldPath }).catch((e: StateError) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).message).toContain('version 99');
    expect((err as StateError).hint).toContain(`Delete ${worldPath}`);
  });

  it('never writes the world when opened with persist: false (plan mode)', async () => {
    const worldPath = join(tempDir(), 'sandbox.json');
    const { sandbox, clients } = await makeSandbox({ simulators: localSimulators, worldPath, persist: false });
    await (await clients.ec2).send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    await sandbox.close();
    expect(existsSync(worldPath)).toBe(false);
  });

  it('runs initWorld once, when the world is new', async () => {
    const worldPath = join(tempDir(), 'sandbox.json');
    let runs = 0;
    const initWorld = (): void => {
      runs++;
    };
    await (await makeSandbox({ simulators: localSimulators, worldPath, initWorld })).sandbox.close();
    await (await makeSandbox({ simulators: localSimulators, worldPath, initWorld })).sandbox.close();
    expect(runs).toBe(1);
  });
});
