/**
 * The network: VPC (created, or adopted from network.vpcId), internet gateway, a public and
 * a private subnet per AZ, then NAT gateways and route tables (network-gateways.ts,
 * network-routes.ts). Sub-steps a crash can leave half done (DNS hostnames, the IGW
 * attachment) are converged in `waitReady`, which runs after find() as well as create().
 */
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteVpcCommand,
  DescribeInternetGatewaysCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  ModifyVpcAttributeCommand,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { tagSpecifications } from '../../aws/tags.js';
import { waitFor } from '../../aws/wait.js';
import type { MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { isAwsError, isNotFound, unlessNotFound } from '../../aws/errors.js';
import { ec2Of, keyFilters, ownedBy, retryWhileInUse, skipForeign } from './ec2-common.js';
import { eipTask, natTask } from './network-gateways.js';
import { availabilityZones, IGW_KEY, natIndexes, privateRouteTables, VPC_KEY, vpcIdOf, type NetworkShared } from './network-plan.js';
import { privateRouteTableTask, publicRouteTableTask } from './network-routes.js';
import { subnetTask } from './network-subnets.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';

export function networkTasks(config: MigrationConfig): ResourceTask[] {
  const shared: NetworkShared = {};
  const indexes = Array.from({ length: config.network.azCount }, (_, i) => i);
  return [
    vpcTask(shared),
    igwTask(),
    ...indexes.map((i) => subnetTask('public', i, shared)),
    ...indexes.map((i) => subnetTask('private', i, shared)),
    ...natIndexes(config).flatMap((n) => [eipTask(n), natTask(n)]),
    publicRouteTableTask(config),
    ...privateRouteTables(config).map((rt) => privateRouteTableTask(rt)),
  ];
}

function vpcTask(shared: NetworkShared): ResourceTask {
  const cidrBlock = (t: TaskContext): string => t.config.network.vpcCidr!;
  return {
    key: VPC_KEY,
    type: 'ec2:vpc',
    title: 'VPC',
    dependsOn: [],

    async find(t) {
      // Read early so that an impossible azCount fails before anything is created.
      await availabilityZones(t, shared);
      const ec2 = await ec2Of(t);
      const adopt = t.config.network.vpcId;
      if (adopt) {
        const vpc = (await unlessNotFound(() => ec2.send(new DescribeVpcsCommand({ VpcIds: [adopt] }))))?.Vpcs?.[0];
        if (!vpc) {
          throw new UsageError(`network.vpcId ${adopt} does not exist in ${t.step.aws.region}`, {
            hint: 'Check the VPC id and aws.region in the config, or remove network.vpcId to let promigrate create a VPC.',
          });
        }
        shared.vpcCidr = vpc.CidrBlock;
        return { id: adopt, adopted: true, outputs: { cidr: vpc.CidrBlock } };
      }
      const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: keyFilters(t, VPC_KEY) }))).Vpcs?.[0];
      if (!vpc) return undefined;
      if (vpc.CidrBlock !== cidrBlock(t)) {
        throw new UsageError(`${vpc.VpcId} (network.vpc) was created with ${vpc.CidrBlock}, but network.vpcCidr is now ${cidrBlock(t)}`, {
          hint: `Set network.vpcCidr back to ${vpc.CidrBlock}, or run promigrate destroy first.`,
        });
      }
      return { id: vpc.VpcId!, outputs: { cidr: vpc.CidrBlock } };
    },

    planCreate(t) {
      return [
        { operation: 'ec2:CreateVpc', params: { CidrBlock: cidrBlock(t), TagSpecifications: tagSpecifications('vpc', t.tags(VPC_KEY)) } },
        { operation: 'ec2:ModifyVpcAttribute', params: { VpcId: `<${VPC_KEY}>`, EnableDnsHostnames: { Value: true } } },
      ];
    },

    async create(t) {
      const ec2 = await ec2Of(t);
      const out = await ec2.send(
        new CreateVpcCommand({ CidrBlock: cidrBlock(t), TagSpecifications: tagSpecifications('vpc', t.tags(VPC_KEY)) }),
      );
      return { id: out.Vpc!.VpcId!, outputs: { cidr: out.Vpc!.CidrBlock } };
    },

    // DNS hostnames (off by default in a new VPC) are turned on here, not in create(), so a
    // crash between CreateVpc and ModifyVpcAttribute is healed on the next run.
    async waitReady(t, found) {
      if (found.adopted) return;
      const ec2 = await ec2Of(t);
      await waitFor<Vpc | undefined>({
        what: `VPC ${found.id}`,
        clock: t.step.clock,
        signal: t.step.signal,
        preset: 'ec2',
        pollMs: 2000,
        // Right after CreateVpc, EC2 may not know the id yet (eventual consistency).
        describe: async () => (await unlessNotFound(() => ec2.send(new DescribeVpcsCommand({ VpcIds: [found.id] }))))?.Vpcs?.[0],
        done: (vpc) => vpc?.State === 'available',
        status: (vpc) => vpc?.State,
      });
      const attr = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: found.id, Attribute: 'enableDnsHostnames' }));
      if (attr.EnableDnsHostnames?.Value !== true) {
        await ec2.send(new ModifyVpcAttributeCommand({ VpcId: found.id, EnableDnsHostnames: { Value: true } }));
      }
    },

    async destroy(t, id) {
      const ec2 = await ec2Of(t);
      const vpc = (await unlessNotFound(() => ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))))?.Vpcs?.[0];
      if (!vpc) return;
      if (!ownedBy(vpc.Tags, t.project)) return skipForeign(t, VPC_KEY, id);
      await retryWhileInUse(t, `VPC ${id}`, async () => {
        await unlessNotFound(() => ec2.send(new DeleteVpcCommand({ VpcId: id })));
      });
    },

    async findAll(t) {
      const ec2 = await ec2Of(t);
      const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: keyFilters(t, VPC_KEY) }))).Vpcs ?? [];
      return vpcs.map((v) => ({ id: v.VpcId! }));
    },
  };
}

function igwTask(): ResourceTask {
  const tags = (t: TaskContext) => tagSpecifications('internet-gateway', t.tags(IGW_KEY));
  return {
    key: IGW_KEY,
    type: 'ec2:internet-gateway',
    title: 'internet gateway',
    dependsOn: [VPC_KEY],

    async find(t) {
      const ec2 = await ec2Of(t);
      const own = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: keyFilters(t, IGW_KEY) }))).InternetGateways?.[0];
      if (own) return { id: own.InternetGatewayId! };
      const adopt = t.config.network.vpcId;
      if (!adopt) return undefined;
      const attached = (
        await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [adopt] }] }))
      ).InternetGateways?.[0];
      return attached ? { id: attached.InternetGatewayId!, adopted: true } : undefined;
    },

    planCreate(t) {
      return [
        { operation: 'ec2:CreateInternetGateway', params: { TagSpecifications: tags(t) } },
        { operation: 'ec2:AttachInternetGateway', params: { InternetGatewayId: `<${IGW_KEY}>`, VpcId: vpcIdOf(t) } },
      ];
    },

    async create(t) {
      const ec2 = await ec2Of(t);
      const out = await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: tags(t) }));
      const id = out.InternetGateway!.InternetGatewayId!;
      await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcIdOf(t) }));
      return { id };
    },

    // A crash between CreateInternetGateway and AttachInternetGateway leaves a tagged,
    // detached gateway: find() returns it and this attaches it.
    async waitReady(t, found) {
      if (found.adopted) return;
      await attachIgw(t, found);
    },

    async destroy(t, id) {
      const ec2 = await ec2Of(t);
      const igw = (await unlessNotFound(() => ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }))))
        ?.InternetGateways?.[0];
      if (!igw) return;
      if (!ownedBy(igw.Tags, t.project)) return skipForeign(t, IGW_KEY, id);
      for (const attachment of igw.Attachments ?? []) {
        // Public addresses (a NAT gateway still deleting, an instance shutting down) block the detach.
        await retryWhileInUse(t, `internet gateway ${id}`, async () => {
          try {
            await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: attachment.VpcId! }));
          } catch (err) {
            if (!isAwsError(err, 'Gateway.NotAttached') && !isNotFound(err)) throw err;
          }
        });
      }
      await unlessNotFound(() => ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id })));
    },

    async findAll(t) {
      const ec2 = await ec2Of(t);
      const igws = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: keyFilters(t, IGW_KEY) }))).InternetGateways ?? [];
      return igws.map((g) => ({ id: g.InternetGatewayId! }));
    },
  };
}

async function attachIgw(t: TaskContext, found: FoundResource): Promise<void> {
  const ec2 = await ec2Of(t);
  const vpcId = vpcIdOf(t);
  const igw = (await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [found.id] }))).InternetGateways?.[0];
  const attachedTo = (igw?.Attachments ?? []).map((a) => a.VpcId);
  if (attachedTo.includes(vpcId)) return;
  if (attachedTo.length > 0) {
    throw new UsageError(`internet gateway ${found.id} (network.igw) is attached to ${attachedTo.join(', ')}, not to ${vpcId}`, {
      hint: 'Detach it in the EC2 console (or run promigrate destroy), then re-run.',
    });
  }
  try {
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: found.id, VpcId: vpcId }));
  } catch (err) {
    if (!isAwsError(err, 'Resource.AlreadyAssociated')) throw err;
    throw new UsageError(`${vpcId} already has another internet gateway attached, so ${found.id} cannot be attached`, {
      hint: 'Detach the other gateway, or delete the one promigrate created, then re-run.',
      cause: err,
    });
  }
}
