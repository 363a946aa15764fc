/**
 * The subnet plan: one public and one private subnet per Availability Zone, carved
 * deterministically out of the VPC CIDR, so provision and plan agree on every run.
 */
import { containsCidr, overlapCidr, parseCidr } from 'cidr-tools';

export type SubnetTier = 'public' | 'private';

export interface PlannedSubnet {
  /** Index of the Availability Zone (0 = the region's first usable AZ). */
  az: number;
  tier: SubnetTier;
  cidr: string;
}

export interface ExplicitSubnet {
  tier: SubnetTier;
  cidr: string;
}

/** AWS allows subnets from /16 to /28. */
export const MIN_SUBNET_PREFIX = 28;

function ipv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

/** Why the plan cannot be carved out of the VPC, or undefined when it fits. */
export function subnetPlanProblem(vpcCidr: string, azCount: number, newBits: number): string | undefined {
  const prefix = Number(parseCidr(vpcCidr).prefix) + newBits;
  if (prefix > MIN_SUBNET_PREFIX) {
    return `subnets would be /${prefix}, smaller than the /${MIN_SUBNET_PREFIX} AWS allows; lower subnetNewBits or use a larger vpcCidr`;
  }
  const needed = azCount * 2;
  const available = 2 ** newBits;
  if (needed > available) {
    return `${needed} subnets (public + private in ${azCount} AZs) do not fit in ${vpcCidr} with subnetNewBits ${newBits} (room for ${available}); raise subnetNewBits or lower azCount`;
  }
  return undefined;
}

/**
 * Public subnets take the first `azCount` blocks, private subnets the next `azCount`:
 * 10.0.0.0/16, 2 AZs, 8 bits → public 10.0.0.0/24, 10.0.1.0/24; private 10.0.2.0/24, 10.0.3.0/24.
 */
export function planSubnets(vpcCidr: string, azCount: number, newBits: number): PlannedSubnet[] {
  const problem = subnetPlanProblem(vpcCidr, azCount, newBits);
  if (problem) throw new Error(problem);
  const parsed = parseCidr(vpcCidr);
  const prefix = Number(parsed.prefix) + newBits;
  const size = 1n << BigInt(32 - prefix);
  const plan: PlannedSubnet[] = [];
  for (const [offset, tier] of [[0, 'public'], [azCount, 'private']] as const) {
    for (let az = 0; az < azCount; az++) {
      const start = parsed.start + BigInt(offset + az) * size;
      plan.push({ az, tier, cidr: `${ipv4(start)}/${prefix}` });
    }
  }
  return plan;
}

export interface SubnetConflict {
  index: number;
  message: string;
}

/** Subnets outside the VPC (when its CIDR is known) or overlapping an earlier subnet. */
export function findSubnetConflicts(vpcCidr: string | undefined, subnets: readonly ExplicitSubnet[]): SubnetConflict[] {
  const conflicts: SubnetConflict[] = [];
  subnets.forEach((subnet, index) => {
    if (vpcCidr && !containsCidr(vpcCidr, subnet.cidr)) {
      conflicts.push({ index, message: `${subnet.cidr} is outside the VPC network.vpcCidr ${vpcCidr}` });
      return;
    }
    const earlier = subnets.findIndex((other, j) => j < index && overlapCidr(other.cidr, subnet.cidr));
    if (earlier >= 0) {
      const other = subnets[earlier]!;
      conflicts.push({ index, message: `${subnet.cidr} overlaps network.subnets[${earlier}].cidr ${other.cidr}` });
    }
  });
  return conflicts;
}
