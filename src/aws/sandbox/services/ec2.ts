/**
 * The EC2 simulator, assembled from one module per area (services/ec2/*), plus the helpers
 * other simulators use to put their resources into the simulated network: an RDS or DMS
 * instance holds a network interface in a subnet with security groups, which — as in AWS —
 * blocks deleting that subnet, its VPC or those groups until the interface is released.
 */
import { SimError } from '../errors.js';
import type { OperationHandler, ServiceSimulator, SimContext } from '../types.js';
import { gatewayOperations } from './ec2/gateways.js';
import { imageOperations } from './ec2/images.js';
import { instanceOperations } from './ec2/instances.js';
import { launchTemplateOperations } from './ec2/launch-templates.js';
import { routeOperations } from './ec2/routes.js';
import { securityGroupOperations } from './ec2/security-groups.js';
import { allocatePrivateIp, ec2State } from './ec2/store.js';
import { tagOperations } from './ec2/tags.js';
import { vpcOperations } from './ec2/vpc.js';

/** EC2 answers any call with DryRun=true by "would have succeeded" (HTTP 412). */
function withDryRun(operations: ServiceSimulator): ServiceSimulator {
  const wrapped: ServiceSimulator = {};
  for (const [name, handler] of Object.entries(operations)) {
    wrapped[name] = ((input: { DryRun?: boolean } | undefined, ctx: SimContext) => {
      if (input?.DryRun) {
        throw new SimError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', { httpStatusCode: 412 });
      }
      return handler(input, ctx);
    }) as OperationHandler;
  }
  return wrapped;
}

export const ec2Simulator: ServiceSimulator = withDryRun({
  ...vpcOperations,
  ...gatewayOperations,
  ...routeOperations,
  ...securityGroupOperations,
  ...instanceOperations,
  ...imageOperations,
  ...launchTemplateOperations,
  ...tagOperations,
});

export interface SubnetInfo {
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  cidr: string;
}

/** A subnet of the simulated EC2 world, or undefined. */
export function findSubnet(ctx: SimContext, subnetId: string): SubnetInfo | undefined {
  const x = ec2State(ctx).subnets[subnetId];
  return x && { subnetId: x.id, vpcId: x.vpcId, availabilityZone: x.az, cidr: x.cidr };
}

/** A security group of the simulated EC2 world, or undefined. */
export function findSecurityGroup(ctx: SimContext, groupId: string): { groupId: string; vpcId: string; name: string } | undefined {
  const g = ec2State(ctx).groups[groupId];
  return g && { groupId: g.id, vpcId: g.vpcId, name: g.name };
}

/** The default VPC's id, if the account still has one. */
export const defaultVpcId = (ctx: SimContext): string | undefined => ec2State(ctx).defaultVpcId;

/**
 * Gives `owner` (e.g. `rds:shop-db`) a requester-managed network interface. The caller
 * validates ids first (with its own service's errors) via findSubnet/findSecurityGroup.
 */
export function attachNetworkInterface(
  ctx: SimContext,
  opts: { owner: string; subnetId: string; groupIds: string[]; description: string },
): { networkInterfaceId: string; privateIp: string } {
  const s = ec2State(ctx);
  const subnet = s.subnets[opts.subnetId];
  if (!subnet) throw new Error(`internal error: attachNetworkInterface: unknown subnet ${opts.subnetId}`);
  const eni = {
    id: ctx.newId('eni-'),
    owner: opts.owner,
    vpcId: subnet.vpcId,
    subnetId: subnet.id,
    groupIds: [...opts.groupIds],
    privateIp: allocatePrivateIp(subnet),
    description: opts.description,
  };
  s.enis[eni.id] = eni;
  return { networkInterfaceId: eni.id, privateIp: eni.privateIp };
}

/** Releases every network interface `owner` holds (when its resource is deleted). */
export function detachNetworkInterfaces(ctx: SimContext, owner: string): void {
  const s = ec2State(ctx);
  for (const [id, eni] of Object.entries(s.enis)) if (eni.owner === owner) delete s.enis[id];
}
