/**
 * Elastic IPs and NAT gateways: `network.eip.<n>` + `network.nat.<n>` in public subnet n.
 * AllocateAddress has no idempotency token (found by tag instead); CreateNatGateway has
 * one. A NAT gateway that failed is ignored by find() and replaced under a new token.
 */
import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  DeleteNatGatewayCommand,
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  ReleaseAddressCommand,
  type NatGateway,
} from '@aws-sdk/client-ec2';
import { tagSpecifications } from '../../aws/tags.js';
import { waitFor } from '../../aws/wait.js';
import { unlessNotFound } from '../../aws/errors.js';
import { createWithToken, ec2Of, keyFilters, ownedBy, retryWhileInUse, skipForeign } from './ec2-common.js';
import { eipKey, IGW_KEY, natKey, subnetKey, VPC_KEY } from './network-plan.js';
import { waitDeleted } from '../../engine/resources/wait-deleted.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';

const LIVE_NAT_STATES = ['pending', 'available'];
const DEAD_NAT_STATES = ['failed', 'deleting', 'deleted'];

export function eipTask(n: number): ResourceTask {
  const key = eipKey(n);
  const params = (t: TaskContext) => ({ Domain: 'vpc' as const, TagSpecifications: tagSpecifications('elastic-ip', t.tags(key)) });
  return {
    key,
    type: 'ec2:elastic-ip',
    title: `Elastic IP for NAT gateway ${n}`,
    // Not needed by EC2, but a config the VPC rejects should not leave addresses behind.
    dependsOn: [VPC_KEY],

    async find(t) {
      const ec2 = await ec2Of(t);
      const address = (await ec2.send(new DescribeAddressesCommand({ Filters: keyFilters(t, key) }))).Addresses?.[0];
      return address ? { id: address.AllocationId!, outputs: { publicIp: address.PublicIp } } : undefined;
    },

    planCreate: (t) => [{ operation: 'ec2:AllocateAddress', params: params(t) }],

    async create(t) {
      const ec2 = await ec2Of(t);
      const out = await ec2.send(new AllocateAddressCommand(params(t)));
      return { id: out.AllocationId!, outputs: { publicIp: out.PublicIp } };
    },

    async destroy(t, id) {
      const ec2 = await ec2Of(t);
      const address = (await unlessNotFound(() => ec2.send(new DescribeAddressesCommand({ AllocationIds: [id] }))))?.Addresses?.[0];
      if (!address) return;
      if (!ownedBy(address.Tags, t.project)) return skipForeign(t, key, id);
      // Held until its NAT gateway has finished deleting.
      await retryWhileInUse(
        t,
        `Elastic IP ${id}`,
        async () => void (await unlessNotFound(() => ec2.send(new ReleaseAddressCommand({ AllocationId: id })))),
        ['InvalidIPAddress.InUse', 'DependencyViolation'],
      );
    },

    async findAll(t) {
      const ec2 = await ec2Of(t);
      const addresses = (await ec2.send(new DescribeAddressesCommand({ Filters: keyFilters(t, key) }))).Addresses ?? [];
      return addresses.map((a) => ({ id: a.AllocationId! }));
    },
  };
}

const natFound = (nat: NatGateway): FoundResource => ({
  id: nat.NatGatewayId!,
  outputs: { subnetId: nat.SubnetId, publicIp: nat.NatGatewayAddresses?.[0]?.PublicIp },
});

export function natTask(n: number): ResourceTask {
  const key = natKey(n);
  const params = (t: TaskContext) => ({
    SubnetId: t.id(subnetKey('public', n)),
    AllocationId: t.id(eipKey(n)),
    ConnectivityType: 'public' as const,
    TagSpecifications: tagSpecifications('natgateway', t.tags(key)),
  });
  const describe = async (t: TaskContext, filters: Array<{ Name: string; Values: string[] }>): Promise<NatGateway[]> => {
    const ec2 = await ec2Of(t);
    return (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [...keyFilters(t, key), ...filters] }))).NatGateways ?? [];
  };
  return {
    key,
    type: 'ec2:nat-gateway',
    title: `NAT gateway ${n}`,
    // A public NAT gateway created before the VPC has an internet gateway fails.
    dependsOn: [eipKey(n), subnetKey('public', n), IGW_KEY],

    async find(t) {
      const [nat] = await describe(t, [{ Name: 'state', Values: LIVE_NAT_STATES }]);
      return nat ? natFound(nat) : undefined;
    },

    planCreate: (t) => [{ operation: 'ec2:CreateNatGateway', params: { ...params(t), ClientToken: `<token ${key}>` } }],

    async create(t) {
      const ec2 = await ec2Of(t);
      // A new gateway can come back `failed` at once (no IGW); only one we knew as dead
      // before the call, or one deleted, is a replay of an old token.
      const knownDead = new Set((await describe(t, [{ Name: 'state', Values: DEAD_NAT_STATES }])).map((n) => n.NatGatewayId));
      const out = await createWithToken(
        t,
        key,
        (ClientToken) => ec2.send(new CreateNatGatewayCommand({ ...params(t), ClientToken })),
        ({ NatGateway: nat }) =>
          nat && (['deleting', 'deleted'].includes(nat.State ?? '') || knownDead.has(nat.NatGatewayId)) ? nat.NatGatewayId : undefined,
      );
      return natFound(out.NatGateway!);
    },

    async waitReady(t, found) {
      const ec2 = await ec2Of(t);
      const { value } = await waitFor<NatGateway | undefined>({
        what: `NAT gateway ${found.id} (${key})`,
        clock: t.step.clock,
        signal: t.step.signal,
        preset: 'ec2',
        hint: 'Fix the cause above (e.g. attach the internet gateway to the VPC), then re-run: promigrate replaces a failed NAT gateway.',
        describe: async () =>
          (await unlessNotFound(() => ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [found.id] }))))?.NatGateways?.[0],
        done: (nat) => nat?.State === 'available',
        failed: (nat) =>
          nat?.State === 'failed' || nat?.State === 'deleted' || nat?.State === 'deleting'
            ? `${nat.State}${nat.FailureCode ? ` (${nat.FailureCode})` : ''}: ${nat.FailureMessage ?? 'no reason given'}`
            : undefined,
        status: (nat) => nat?.State,
      });
      return natFound(value!).outputs;
    },

    async destroy(t, id) {
      const ec2 = await ec2Of(t);
      const nat = (await unlessNotFound(() => ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }))))?.NatGateways?.[0];
      if (!nat || nat.State === 'deleted') return;
      if (!ownedBy(nat.Tags, t.project)) return skipForeign(t, key, id);
      if (nat.State !== 'deleting') await unlessNotFound(() => ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id })));
      await waitDeleted<NatGateway>({
        what: `NAT gateway ${id} (${key})`,
        clock: t.step.clock,
        signal: t.step.signal,
        preset: 'ec2',
        describe: async () =>
          (await unlessNotFound(() => ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }))))?.NatGateways?.[0],
        gone: (nat) => nat.State === 'deleted',
        status: (nat) => nat.State,
      });
    },

    async findAll(t) {
      return (await describe(t, [{ Name: 'state', Values: LIVE_NAT_STATES }])).map((nat) => ({ id: nat.NatGatewayId! }));
    },
  };
}
