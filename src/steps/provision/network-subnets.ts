/**
 * Subnets: `network.subnet.<tier>.<i>` in the i-th AZ (by name). In an adopted VPC, a subnet
 * that already has the planned CIDR is adopted instead of colliding with it. Public subnets
 * do not map public IPs on launch: the bastion asks for its address explicitly.
 */
import { CreateSubnetCommand, DeleteSubnetCommand, DescribeSubnetsCommand, ModifySubnetAttributeCommand, type Subnet } from '@aws-sdk/client-ec2';
import { tagSpecifications } from '../../aws/tags.js';
import type { SubnetTier } from '../../config/subnets.js';
import { UsageError } from '../../errors.js';
import { isAwsError, unlessNotFound } from '../../aws/errors.js';
import { ec2Of, keyFilters, ownedBy, retryWhileInUse, skipForeign } from './ec2-common.js';
import { availabilityZones, subnetCidr, subnetKey, VPC_KEY, vpcCidrOf, vpcIdOf, type NetworkShared } from './network-plan.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';

function found(subnet: Subnet, tier: SubnetTier, adopted = false): FoundResource {
  return {
    id: subnet.SubnetId!,
    ...(adopted ? { adopted } : {}),
    outputs: {
      az: subnet.AvailabilityZone,
      cidr: subnet.CidrBlock,
      tier,
      ...(adopted ? { adopted } : {}),
      ...(subnet.MapPublicIpOnLaunch ? { mapPublicIpOnLaunch: true } : {}),
    },
  };
}

export function subnetTask(tier: SubnetTier, index: number, shared: NetworkShared): ResourceTask {
  const key = subnetKey(tier, index);
  const cidrOf = (t: TaskContext): string | undefined => subnetCidr(t.config, tier, index, vpcCidrOf(t, shared));
  return {
    key,
    type: 'ec2:subnet',
    title: `${tier} subnet ${index}`,
    dependsOn: [VPC_KEY],

    async find(t) {
      const ec2 = await ec2Of(t);
      const own = (await ec2.send(new DescribeSubnetsCommand({ Filters: keyFilters(t, key) }))).Subnets?.[0];
      if (own) return found(own, tier);
      const adopt = t.config.network.vpcId;
      const cidr = cidrOf(t);
      if (!adopt || !cidr) return undefined;
      const existing = (
        await ec2.send(
          new DescribeSubnetsCommand({
            Filters: [
              { Name: 'vpc-id', Values: [adopt] },
              { Name: 'cidr-block', Values: [cidr] },
            ],
          }),
        )
      ).Subnets?.[0];
      return existing ? found(existing, tier, true) : undefined;
    },

    planCreate(t) {
      const az = shared.zoneNames?.[index] ?? `<availability zone ${index}>`;
      return [
        {
          operation: 'ec2:CreateSubnet',
          params: {
            VpcId: vpcIdOf(t),
            CidrBlock: cidrOf(t) ?? `<${key} cidr>`,
            AvailabilityZone: az,
            TagSpecifications: tagSpecifications('subnet', t.tags(key)),
          },
        },
      ];
    },

    async create(t) {
      const ec2 = await ec2Of(t);
      const zones = await availabilityZones(t, shared);
      const cidr = cidrOf(t);
      if (!cidr) throw new Error(`internal error: ${key}: the VPC CIDR is not known`);
      try {
        const out = await ec2.send(
          new CreateSubnetCommand({
            VpcId: vpcIdOf(t),
            CidrBlock: cidr,
            AvailabilityZone: zones[index],
            TagSpecifications: tagSpecifications('subnet', t.tags(key)),
          }),
        );
        return found(out.Subnet!, tier);
      } catch (err) {
        if (!isAwsError(err, 'InvalidSubnet.Conflict', 'InvalidSubnet.Range')) throw err;
        throw new UsageError(`${key}: ${cidr} cannot be created in ${vpcIdOf(t)}: ${(err as Error).message}`, {
          hint: 'List free CIDRs inside the VPC for each tier and AZ in network.subnets.',
          cause: err,
        });
      }
    },

    // Only a subnet someone changed maps public IPs (new subnets do not): turn it off again.
    async waitReady(t, f) {
      if (f.adopted || f.outputs?.mapPublicIpOnLaunch !== true) return;
      const ec2 = await ec2Of(t);
      await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: f.id, MapPublicIpOnLaunch: { Value: false } }));
      return { mapPublicIpOnLaunch: false };
    },

    async destroy(t, id) {
      const ec2 = await ec2Of(t);
      const subnet = (await unlessNotFound(() => ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))))?.Subnets?.[0];
      if (!subnet) return;
      if (!ownedBy(subnet.Tags, t.project)) return skipForeign(t, key, id);
      await retryWhileInUse(t, `subnet ${id}`, async () => {
        await unlessNotFound(() => ec2.send(new DeleteSubnetCommand({ SubnetId: id })));
      });
    },

    async findAll(t) {
      const ec2 = await ec2Of(t);
      const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: keyFilters(t, key) }))).Subnets ?? [];
      return subnets.map((s) => ({ id: s.SubnetId! }));
    },
  };
}
