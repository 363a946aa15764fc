/**
 * Crash points: for every mutating call the network, security group and bastion tasks make,
 * a run that dies right after that call (before the state write that follows it), then a
 * resumed run, ends with exactly one of everything, every route, association and rule in
 * place; a third run makes no mutating call.
 */
import { describe, expect, it } from 'vitest';
import { bastionTasks } from '../../../src/steps/provision/bastion.js';
import { networkTasks } from '../../../src/steps/provision/network.js';
import { securityGroupTasks } from '../../../src/steps/provision/security-groups.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import { byKey, ec2Inventory, ruleTable } from './ec2-inventory.js';
import { applyTasks, crashAfter, makeTaskContext, testConfig } from './harness.js';

const config = testConfig({ network: { natGateways: 'per-az', bastion: true, adminCidr: '203.0.113.7/32' } });
const tasks = () => [...networkTasks(config), ...securityGroupTasks(config), ...bastionTasks(config)];

async function fullRun() {
  const { sandbox, clients } = await makeSandbox();
  const h = makeTaskContext({ config, clients, clock: sandbox.clock });
  await applyTasks(h, tasks());
  return { ec2: await clients.ec2, mutating: sandbox.world.data.faults.mutatingCalls };
}

describe('crash after any mutating call, then resume', async () => {
  const reference = await fullRun();
  const expectedKeys = (await ec2Inventory(reference.ec2, 'shop')).keys;
  const expectedRules = await ruleTable(reference.ec2);
  const points = Array.from({ length: reference.mutating }, (_, i) => i + 1);

  it('a clean run makes one resource per task', () => {
    expect(expectedKeys).toEqual(tasks().map((x) => x.key).sort());
    expect(reference.mutating).toBeGreaterThanOrEqual(30);
  });

  it.each(points)('crash after mutating call %i', async (n) => {
    const { sandbox, clients } = await makeSandbox();
    const ec2 = await clients.ec2;
    const first = makeTaskContext({ config, clients: crashAfter(clients, n), clock: sandbox.clock });
    await expect(applyTasks(first, tasks())).rejects.toMatchObject({ name: 'SimulatedCrash' });

    await applyTasks(makeTaskContext({ config, clients, clock: sandbox.clock, state: first.state }), tasks());
    const inv = await ec2Inventory(ec2, 'shop');
    expect(inv.keys).toEqual(expectedKeys);
    expect(await ruleTable(ec2)).toEqual(expectedRules);
    const publicRt = byKey(inv.routeTables, 'network.rt.public')!;
    expect(publicRt.Associations).toHaveLength(2);
    expect(publicRt.Routes!.some((r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.GatewayId)).toBe(true);
    for (const n of [0, 1]) {
      const rt = byKey(inv.routeTables, `network.rt.private.${n}`)!;
      expect(rt.Associations).toHaveLength(1);
      expect(rt.Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')?.NatGatewayId).toBe(byKey(inv.nats, `network.nat.${n}`)!.NatGatewayId);
    }
    for (const [key, record] of Object.entries(first.state.resources)) {
      expect(inv.keys).toContain(key);
      expect(record.id).toMatch(/^(vpc|igw|subnet|eipalloc|nat|rtb|sg|i)-/);
    }

    const before = sandbox.world.data.faults.mutatingCalls;
    await applyTasks(makeTaskContext({ config, clients, clock: sandbox.clock, state: first.state }), tasks());
    expect(sandbox.world.data.faults.mutatingCalls).toBe(before);
  });
});
