/**
 * The optional bastion (network.bastion): one Amazon Linux 2023 instance in public subnet 0
 * with `sg.bastion`, IMDSv2 only, an encrypted root volume, and a public address asked for
 * on its network interface (the subnets never map public IPs by default). No key pair:
 * the standard Amazon Linux 2023 image ships EC2 Instance Connect (aws/bastion-image.ts),
 * through which promigrate's tunnel pushes a key per run (tunnel/bastion-tunnel.ts).
 */
import {
  DescribeInstancesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type Image,
  type Instance,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { BASTION_AMI_NAME, latestBastionImage } from '../../aws/bastion-image.js';
import { tagSpecifications } from '../../aws/tags.js';
import { waitFor } from '../../aws/wait.js';
import type { MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { unlessNotFound } from '../../aws/errors.js';
import { createWithToken, ec2Of, keyFilters, ownedBy, skipForeign } from './ec2-common.js';
import { IGW_KEY, PUBLIC_RT_KEY, subnetKey } from './network-plan.js';
import { SG_KEYS } from './security-groups.js';
import { waitDeleted } from '../../engine/resources/wait-deleted.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';

export const BASTION_KEY = 'bastion.instance';
export const BASTION_INSTANCE_TYPE: _InstanceType = 't3.micro';
const NOT_TERMINATED = ['pending', 'running', 'stopping', 'stopped'];

export function bastionTasks(config: MigrationConfig): ResourceTask[] {
  return config.network.bastion ? [bastionTask()] : [];
}

/**
 * The image's own root volume size, stated rather than left to EC2: EbsBlockDevice's
 * VolumeSize defaults to the snapshot's size (EC2 API reference, EbsBlockDevice), and an
 * explicit size equal to it is what the console sends (moto refuses a mapping without it).
 */
function rootVolumeSize(img: Pick<Image, 'RootDeviceName' | 'BlockDeviceMappings'>): { VolumeSize?: number } {
  const root = (img.BlockDeviceMappings ?? []).find((m) => m.DeviceName === (img.RootDeviceName ?? '/dev/xvda'));
  return root?.Ebs?.VolumeSize !== undefined ? { VolumeSize: root.Ebs.VolumeSize } : {};
}

const instanceFound = (i: Instance): FoundResource => ({
  id: i.InstanceId!,
  outputs: { publicIp: i.PublicIpAddress, privateIp: i.PrivateIpAddress, imageId: i.ImageId },
});

function bastionTask(): ResourceTask {
  /** The image find() chose, so the plan shows the AMI create() will use. */
  let image: Image | undefined;
  const imageFor = async (t: TaskContext): Promise<Image> => (image ??= await latestBastionImage(await ec2Of(t), t.step.aws.region));

  const runInput = (t: TaskContext, img: Pick<Image, 'ImageId' | 'RootDeviceName' | 'BlockDeviceMappings'>) => ({
    ImageId: img.ImageId,
    InstanceType: BASTION_INSTANCE_TYPE,
    MinCount: 1,
    MaxCount: 1,
    // With NetworkInterfaces, EC2 refuses an instance-level SubnetId or SecurityGroupIds.
    NetworkInterfaces: [
      {
        DeviceIndex: 0,
        SubnetId: t.id(subnetKey('public', 0)),
        Groups: [t.id(SG_KEYS.bastion)],
        AssociatePublicIpAddress: true,
        DeleteOnTermination: true,
      },
    ],
    MetadataOptions: { HttpTokens: 'required' as const, HttpEndpoint: 'enabled' as const },
    BlockDeviceMappings: [
      { DeviceName: img.RootDeviceName ?? '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3' as const, DeleteOnTermination: true, ...rootVolumeSize(img) } },
    ],
    TagSpecifications: [
      ...tagSpecifications('instance', t.tags(BASTION_KEY)),
      ...tagSpecifications('volume', t.tags(BASTION_KEY)),
      ...tagSpecifications('network-interface', t.tags(BASTION_KEY)),
    ],
  });

  const describe = async (t: TaskContext, states: string[]): Promise<Instance[]> => {
    const ec2 = await ec2Of(t);
    const filters = [...keyFilters(t, BASTION_KEY), { Name: 'instance-state-name', Values: states }];
    const out = await ec2.send(new DescribeInstancesCommand({ Filters: filters }));
    return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  };

  return {
    key: BASTION_KEY,
    type: 'ec2:instance',
    title: 'bastion instance',
    // The route table and IGW: it is useless without them, and destroy must terminate it
    // (releasing its public address) before the internet gateway can be detached.
    dependsOn: [subnetKey('public', 0), SG_KEYS.bastion, PUBLIC_RT_KEY, IGW_KEY],
    enabled: (config) => config.network.bastion,

    async find(t) {
      const [instance] = await describe(t, NOT_TERMINATED);
      if (instance) return instanceFound(instance);
      await imageFor(t);
      return undefined;
    },

    planCreate(t) {
      const img = image ?? { ImageId: `<newest ${BASTION_AMI_NAME}, owner amazon>`, RootDeviceName: '/dev/xvda' };
      return [{ operation: 'ec2:RunInstances', params: { ...runInput(t, img), ClientToken: `<token ${BASTION_KEY}>` } }];
    },

    async create(t) {
      const ec2 = await ec2Of(t);
      const img = await imageFor(t);
      const out = await createWithToken(
        t,
        BASTION_KEY,
        (ClientToken) => ec2.send(new RunInstancesCommand({ ...runInput(t, img), ClientToken })),
        (res) => {
          const i = res.Instances?.[0];
          return i && !NOT_TERMINATED.includes(i.State?.Name ?? '') ? i.InstanceId : undefined;
        },
      );
      return instanceFound(out.Instances![0]!);
    },

    async waitReady(t, found) {
      const ec2 = await ec2Of(t);
      const { value } = await waitFor<Instance | undefined>({
        what: `bastion instance ${found.id}`,
        clock: t.step.clock,
        signal: t.step.signal,
        preset: 'ec2',
        pollMs: 10_000,
        readyLabel: 'running',
        // Right after RunInstances, EC2 may answer InvalidInstanceID.NotFound for a while.
        describe: async () =>
          (await unlessNotFound(() => ec2.send(new DescribeInstancesCommand({ InstanceIds: [found.id] }))))?.Reservations?.[0]?.Instances?.[0],
        done: (i) => i?.State?.Name === 'running',
        failed: (i) =>
          i && ['shutting-down', 'terminated', 'stopping', 'stopped'].includes(i.State?.Name ?? '')
            ? `${i.State?.Name}${i.StateReason?.Message ? `: ${i.StateReason.Message}` : ''}`
            : undefined,
        status: (i) => i?.State?.Name,
      });
      return instanceFound(value!).outputs;
    },

    async destroy(t, id) {
      const ec2 = await ec2Of(t);
      const describeOne = async () =>
        (await unlessNotFound(() => ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))))?.Reservations?.[0]?.Instances?.[0];
      const instance = await describeOne();
      if (!instance || instance.State?.Name === 'terminated') return;
      if (!ownedBy(instance.Tags, t.project)) return skipForeign(t, BASTION_KEY, id);
      await unlessNotFound(() => ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })));
      await waitDeleted<Instance>({
        what: `bastion instance ${id}`,
        clock: t.step.clock,
        signal: t.step.signal,
        preset: 'ec2',
        pollMs: 10_000,
        goneLabel: 'terminated',
        describe: describeOne,
        gone: (i) => i.State?.Name === 'terminated',
        status: (i) => i.State?.Name,
      });
    },

    async findAll(t) {
      return (await describe(t, [...NOT_TERMINATED, 'shutting-down'])).map((i) => ({ id: i.InstanceId! }));
    },
  };
}
