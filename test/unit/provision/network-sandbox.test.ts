/** The network tasks against the in-process sandbox: apply, re-apply, adopt, interrupted runs, plan, destroy. */
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import type { Sandbox } from '../../../src/aws/sandbox/index.js';
import { planGraph } from '../../../src/engine/resources/graph.js';
import { bastionTasks } from '../../../src/steps/provision/bastion.js';
import { networkTasks } from '../../../src/steps/provision/network.js';
import { securityGroupTasks } from '../../../src/steps/provision/security-groups.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import { byKey, ec2Inventory } from './ec2-inventory.js';
import { applyTasks, destroyTasks, makeTaskContext, testConfig } from './harness.js';

type Config = ReturnType<typeof testConfig>;

async function world(opts: Parameters<typeof makeSandbox>[0] = {}) {
  const made = await makeSandbox(opts);
  const ec2 = await made.clients.ec2;
  const mutating = (): number => made.sandbox.world.data.faults.mutatingCalls;
  return { ...made, ec2, mutating };
}

const run = (sandbox: Sandbox, clients: Awaited<ReturnType<typeof makeSandbox>>['clients'], config: Config, state?: ReturnType<typeof makeTaskContext>['state']) =>
  makeTaskContext({ config, clients, clock: sandbox.clock, ...(state ? { state } : {}) });

/** Every route and association the config asks for is there, and nothing is twice. */
async function expectConverged(ec2: EC2Client, config: Config): Promise<void> {
  const inv = await ec2Inventory(ec2, 'shop');
  expect(new Set(inv.keys).size).toBe(inv.keys.length);
  const az = config.network.azCount;
  const natCount = config.network.natGateways === 'none' ? 0 : config.network.natGateways === 'single' ? 1 : az;
  expect(inv.vpcs.length).toBe(config.network.vpcId ? 0 : 1);
  expect(inv.subnets).toHaveLength(2 * az);
  expect(inv.nats).toHaveLength(natCount);
  expect(inv.eips).toHaveLength(natCount);
  for (const s of inv.subnets) expect(s.MapPublicIpOnLaunch).toBe(false);

  const publicRt = byKey(inv.routeTables, 'network.rt.public')!;
  const igw = publicRt.Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
  expect(igw?.GatewayId).toMatch(/^igw-/);
  expect(igw?.State).toBe('active');
  const publicSubnets = inv.subnets.filter((s) => s.Tags!.some((t) => t.Value?.startsWith('network.subnet.public.')));
  expect(publicRt.Associations!.map((a) => a.SubnetId).sort()).toEqual(publicSubnets.map((s) => s.SubnetId).sort());

  const privateRts = inv.routeTables.filter((r) => r !== publicRt);
  expect(privateRts).toHaveLength(config.network.natGateways === 'per-az' ? az : 1);
  const privateAssociated = privateRts.flatMap((r) => r.Associations!.map((a) => a.SubnetId)).sort();
  const privateSubnets = inv.subnets.filter((s) => s.Tags!.some((t) => t.Value?.startsWith('network.subnet.private.')));
  expect(privateAssociated).toEqual(privateSubnets.map((s) => s.SubnetId).sort());
  for (const rt of privateRts) {
    const route = rt.Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
    if (natCount === 0) expect(route).toBeUndefined();
    else expect(inv.nats.map((n) => n.NatGatewayId)).toContain(route?.NatGatewayId);
  }
}

describe('network tasks against the sandbox', () => {
  it.each(['single', 'per-az', 'none'] as const)('builds a two-AZ network (natGateways %s); a second run changes nothing', async (natGateways) => {
    const { sandbox, clients, ec2, mutating } = await world();
    const config = testConfig({ network: { natGateways } });
    const tasks = networkTasks(config);
    const first = run(sandbox, clients, config);
    const done = await applyTasks(first, tasks);
    await expectConverged(ec2, config);

    expect(done.get('network.subnet.public.0')!.outputs).toEqual({ az: 'us-east-1a', cidr: '10.0.0.0/24', tier: 'public' });
    expect(done.get('network.subnet.private.1')!.outputs).toEqual({ az: 'us-east-1b', cidr: '10.0.3.0/24', tier: 'private' });
    expect(done.get('network.vpc')!.outputs).toEqual({ cidr: '10.0.0.0/16' });
    const vpcId = done.get('network.vpc')!.id;
    expect((await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }))).EnableDnsHostnames?.Value).toBe(true);
    expect(first.state.resources['network.vpc']).toMatchObject({ type: 'ec2:vpc', id: vpcId });

    const before = mutating();
    await applyTasks(run(sandbox, clients, config, first.state), networkTasks(config));
    expect(mutating()).toBe(before);
  });

  it('heals a resource created just before a crash (not in state) by finding it by tag', async () => {
    const { sandbox, clients, ec2 } = await world();
    const config = testConfig();
    const h = run(sandbox, clients, config);
    const vpcTask = networkTasks(config).find((x) => x.key === 'network.vpc')!;
    await vpcTask.create(h.t); // the crash: the VPC exists, state does not know it
    expect(h.state.resources['network.vpc']).toBeUndefined();
    await applyTasks(run(sandbox, clients, config, h.state), networkTasks(config));
    expect((await ec2Inventory(ec2, 'shop')).vpcs).toHaveLength(1);
    await expectConverged(ec2, config);
  });

  it.each(['AttachInternetGateway', 'ModifyVpcAttribute', 'CreateRoute', 'AssociateRouteTable', 'CreateNatGateway'])(
    'converges after a run that failed at %s',
    async (operation) => {
      const { sandbox, clients, ec2 } = await world({ faults: { fail: [{ operation, count: 1, error: 'InjectedFailure' }] } });
      const config = testConfig({ network: { natGateways: 'per-az' } });
      const first = run(sandbox, clients, config);
      await expect(applyTasks(first, networkTasks(config))).rejects.toMatchObject({ name: 'InjectedFailure' });
      await applyTasks(run(sandbox, clients, config, first.state), networkTasks(config));
      await expectConverged(ec2, config);
    },
  );

  it('adopts a configured VPC and its internet gateway, and destroy leaves them', async () => {
    const { sandbox, clients, ec2 } = await world();
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc!.VpcId!;
    const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    // The team's own subnet with a CIDR promigrate planned: adopted, not collided with.
    const theirs = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.50.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!
      .SubnetId!;

    const config = testConfig({ network: { vpcId } });
    const tasks = networkTasks(config);
    const h = run(sandbox, clients, config);
    const done = await applyTasks(h, tasks);
    expect(done.get('network.vpc')).toMatchObject({ id: vpcId, adopted: true, outputs: { cidr: '10.50.0.0/16' } });
    expect(done.get('network.igw')).toMatchObject({ id: igwId, adopted: true });
    expect(done.get('network.subnet.public.0')).toMatchObject({ id: theirs, adopted: true });
    expect(done.get('network.subnet.private.0')!.outputs).toMatchObject({ cidr: '10.50.2.0/24' });
    expect(h.state.resources['network.vpc']).toMatchObject({ id: vpcId, adopted: true });

    await destroyTasks(run(sandbox, clients, config, h.state), networkTasks(config));
    const inv = await ec2Inventory(ec2, 'shop');
    expect(inv.keys).toEqual([]);
    expect((await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs).toHaveLength(1);
    expect((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [theirs] }))).Subnets).toHaveLength(1);
  });

  it('fails clearly when the configured VPC does not exist', async () => {
    const { sandbox, clients } = await world();
    const config = testConfig({ network: { vpcId: 'vpc-0123456789abcdef0' } });
    await expect(applyTasks(run(sandbox, clients, config), networkTasks(config))).rejects.toMatchObject({
      name: 'UsageError',
      exitCode: 2,
      message: 'network.vpcId vpc-0123456789abcdef0 does not exist in us-east-1',
    });
  });

  it('fails clearly when azCount is more than the region has', async () => {
    const { sandbox, clients, mutating } = await world();
    const config = testConfig({ network: { azCount: 4 } });
    await expect(applyTasks(run(sandbox, clients, config), networkTasks(config))).rejects.toThrow(
      'network.azCount 4 is more than the 3 Availability Zones of us-east-1',
    );
    expect(mutating()).toBe(0);
  });

  it('plans from real state with zero mutating calls', async () => {
    const { sandbox, clients, mutating } = await world();
    const config = testConfig();
    const plain = run(sandbox, clients, config);
    await applyTasks(plain, networkTasks(config).filter((x) => x.key === 'network.vpc'));
    const before = mutating();
    // The dry-run guard refuses any mutating call outright.
    const readOnly = createAwsClients({ region: 'us-east-1', dryRun: true, sandbox });
    const h = makeTaskContext({ config, clients: readOnly, clock: sandbox.clock, dryRun: true, state: plain.state });
    const plan = await planGraph(networkTasks(config), h.t, new Set(Object.keys(plain.state.resources)));
    expect(mutating()).toBe(before);
    expect(plan.find((c) => c.target === 'network.vpc')).toMatchObject({ action: 'noop' });
    const subnet = plan.find((c) => c.target === 'network.subnet.private.1')!;
    expect(subnet.action).toBe('create');
    expect((subnet.details!.calls as Array<{ params: Record<string, unknown> }>)[0]!.params).toMatchObject({
      CidrBlock: '10.0.3.0/24',
      AvailabilityZone: 'us-east-1b',
      VpcId: plain.state.resources['network.vpc']!.id,
    });
  });

  it('reports a failed NAT gateway with its reason, and the next run replaces it', async () => {
    const { sandbox, clients, ec2 } = await world();
    const config = testConfig();
    const keys = ['network.vpc', 'network.subnet.public.0', 'network.eip.0', 'network.nat.0'];
    const first = run(sandbox, clients, config);
    // Without the internet gateway task, the NAT gateway fails as in AWS.
    await expect(applyTasks(first, networkTasks(config).filter((x) => keys.includes(x.key)))).rejects.toThrow(
      /NAT gateway nat-\w+ \(network\.nat\.0\) failed: failed \(Gateway\.NotAttached\): Network vpc-\w+ has no Internet gateway attached/,
    );
    const failedId = first.state.resources['network.nat.0']!.id;
    await applyTasks(run(sandbox, clients, config, first.state), networkTasks(config));
    const inv = await ec2Inventory(ec2, 'shop');
    expect(inv.nats).toHaveLength(1);
    expect(inv.nats[0]!.NatGatewayId).not.toBe(failedId);
    expect(first.state.resources['network.nat.0']!.id).toBe(inv.nats[0]!.NatGatewayId);
    await expectConverged(ec2, config);
  });

  it('provisions again after a destroy with the same state (tokens of deleted resources are not replayed)', async () => {
    const { sandbox, clients, ec2 } = await world();
    const config = testConfig();
    const h = run(sandbox, clients, config);
    await applyTasks(h, networkTasks(config));
    await destroyTasks(run(sandbox, clients, config, h.state), networkTasks(config));
    await applyTasks(run(sandbox, clients, config, h.state), networkTasks(config));
    await expectConverged(ec2, config);
  });

  it('plans every network, security group and bastion call read-only; after apply the plan is all noop', async () => {
    const { sandbox, clients, mutating } = await world();
    const config = testConfig({ network: { natGateways: 'per-az', bastion: true, adminCidr: '203.0.113.7/32' } });
    const all = () => [...networkTasks(config), ...securityGroupTasks(config), ...bastionTasks(config)];
    const readOnly = createAwsClients({ region: 'us-east-1', dryRun: true, sandbox });
    const plan = await planGraph(all(), makeTaskContext({ config, clients: readOnly, clock: sandbox.clock, dryRun: true }).t, new Set());
    expect(mutating()).toBe(0);
    expect(plan.every((c) => c.action === 'create')).toBe(true);
    const run = plan.find((c) => c.target === 'bastion.instance')!.details!.calls as Array<{ operation: string; params: { ImageId: string } }>;
    // Its parents do not exist yet, so find() was not asked and the image is named, not resolved.
    expect(run[0]).toMatchObject({ operation: 'ec2:RunInstances', params: { ImageId: '<newest al2023-ami-2023.*-x86_64, owner amazon>' } });

    const h = makeTaskContext({ config, clients, clock: sandbox.clock });
    await applyTasks(h, all());
    const after = await planGraph(all(), makeTaskContext({ config, clients: readOnly, clock: sandbox.clock, dryRun: true, state: h.state }).t, new Set(Object.keys(h.state.resources)));
    expect(after.map((c) => c.action)).toEqual(after.map(() => 'noop'));
  });

  it('moves a private subnet to the shared route table when natGateways changes from per-az to single', async () => {
    const { sandbox, clients, ec2 } = await world();
    const h = run(sandbox, clients, testConfig({ network: { natGateways: 'per-az' } }));
    await applyTasks(h, networkTasks(h.config));
    const single = testConfig({ network: { natGateways: 'single' } });
    const done = await applyTasks(run(sandbox, clients, single, h.state), networkTasks(single));
    const inv = await ec2Inventory(ec2, 'shop');
    const shared = byKey(inv.routeTables, 'network.rt.private.0')!;
    expect(shared.Associations!.map((a) => a.SubnetId).sort()).toEqual(
      [done.get('network.subnet.private.0')!.id, done.get('network.subnet.private.1')!.id].sort(),
    );
    expect(byKey(inv.routeTables, 'network.rt.private.1')!.Associations).toEqual([]);
  });

  it('destroy removes every tagged resource', async () => {
    const { sandbox, clients, ec2 } = await world();
    const config = testConfig({ network: { natGateways: 'per-az' } });
    const h = run(sandbox, clients, config);
    await applyTasks(h, networkTasks(config));
    await destroyTasks(run(sandbox, clients, config, h.state), networkTasks(config));
    expect((await ec2Inventory(ec2, 'shop')).keys).toEqual([]);
    expect(Object.keys(h.state.resources)).toEqual([]);
  });
});
