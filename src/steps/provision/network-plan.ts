/**
 * The network's shape from the config: which subnets, NAT gateways and route tables exist,
 * under which keys, and which AZ and CIDR each subnet gets. Other tasks (RDS and DMS subnet
 * groups) use `subnetKeys(config, 'private')` to depend on the private subnets.
 */
import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import type { MigrationConfig } from '../../config/schema.js';
import { planSubnets, type SubnetTier } from '../../config/subnets.js';
import { UsageError } from '../../errors.js';
import { ec2Of } from './ec2-common.js';
import type { TaskContext } from '../../engine/resources/task.js';

export const VPC_KEY = 'network.vpc';
export const IGW_KEY = 'network.igw';
export const PUBLIC_RT_KEY = 'network.rt.public';

export const subnetKey = (tier: SubnetTier, index: number): string => `network.subnet.${tier}.${index}`;
export const eipKey = (n: number): string => `network.eip.${n}`;
export const natKey = (n: number): string => `network.nat.${n}`;
export const privateRtKey = (n: number): string => `network.rt.private.${n}`;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export function subnetKeys(config: MigrationConfig, tier: SubnetTier): string[] {
  return range(config.network.azCount).map((i) => subnetKey(tier, i));
}

/** NAT gateway indexes: none, one (in public subnet 0), or one per AZ. */
export function natIndexes(config: MigrationConfig): number[] {
  const mode = config.network.natGateways;
  return mode === 'none' ? [] : mode === 'single' ? [0] : range(config.network.azCount);
}

export interface PrivateRouteTable {
  key: string;
  /** The NAT gateway its default route goes to; none when natGateways is `none`. */
  natKey?: string;
  subnetKeys: string[];
}

/** One private route table per NAT gateway (per AZ), or one shared by every private subnet. */
export function privateRouteTables(config: MigrationConfig): PrivateRouteTable[] {
  const mode = config.network.natGateways;
  if (mode === 'per-az') {
    return range(config.network.azCount).map((n) => ({ key: privateRtKey(n), natKey: natKey(n), subnetKeys: [subnetKey('private', n)] }));
  }
  return [{ key: privateRtKey(0), ...(mode === 'single' ? { natKey: natKey(0) } : {}), subnetKeys: subnetKeys(config, 'private') }];
}

/**
 * What the network tasks of one run learn by reading AWS and share, so that the
 * synchronous `planCreate` can show real AZ names and CIDRs.
 */
export interface NetworkShared {
  zones?: Promise<string[]>;
  zoneNames?: string[];
  /** The CIDR of an adopted VPC. */
  vpcCidr?: string;
}

/** The region's available AZs, sorted by name (read once per run). */
export function availabilityZones(t: TaskContext, shared: NetworkShared): Promise<string[]> {
  if (!shared.zones) {
    shared.zones = (async () => {
      const ec2 = await ec2Of(t);
      const out = await ec2.send(
        new DescribeAvailabilityZonesCommand({
          Filters: [
            { Name: 'state', Values: ['available'] },
            { Name: 'zone-type', Values: ['availability-zone'] },
          ],
        }),
      );
      const names = (out.AvailabilityZones ?? []).map((z) => z.ZoneName!).sort();
      const wanted = t.config.network.azCount;
      if (wanted > names.length) {
        throw new UsageError(`network.azCount ${wanted} is more than the ${names.length} Availability Zones of ${t.step.aws.region}`, {
          hint: `Set network.azCount to ${names.length} or less (or choose another aws.region).`,
        });
      }
      shared.zoneNames = names;
      return names;
    })();
    shared.zones.catch(() => (shared.zones = undefined));
  }
  return shared.zones;
}

/** The VPC's id, also while planning an adopted VPC that is not in state yet. */
export const vpcIdOf = (t: TaskContext): string => t.config.network.vpcId ?? t.id(VPC_KEY);

/** The VPC's CIDR: configured, or read from the adopted VPC; undefined when not known yet. */
export function vpcCidrOf(t: TaskContext, shared: NetworkShared): string | undefined {
  return t.config.network.vpcCidr ?? shared.vpcCidr ?? (t.outputs(VPC_KEY).cidr as string | undefined);
}

/** The CIDR of subnet `tier`/`index`: from network.subnets when given, else carved by planSubnets. */
export function subnetCidr(config: MigrationConfig, tier: SubnetTier, index: number, vpcCidr: string | undefined): string | undefined {
  const net = config.network;
  if (net.subnets) {
    const ofTier = net.subnets.filter((s) => s.tier === tier);
    const subnet = ofTier[index];
    if (!subnet) {
      throw new UsageError(
        `network.subnets lists ${ofTier.length} ${tier} subnet(s) but network.azCount is ${net.azCount}`,
        { hint: `Give one ${tier} subnet per Availability Zone in network.subnets, or lower network.azCount.` },
      );
    }
    return subnet.cidr;
  }
  if (!vpcCidr) return undefined;
  let plan;
  try {
    plan = planSubnets(vpcCidr, net.azCount, net.subnetNewBits);
  } catch (err) {
    throw new UsageError(`network.subnetNewBits: ${(err as Error).message}`, {
      hint: 'Adjust network.subnetNewBits or list the subnets in network.subnets.',
    });
  }
  return plan.find((p) => p.tier === tier && p.az === index)?.cidr;
}
