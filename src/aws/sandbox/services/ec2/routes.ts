/** EC2: route tables, routes and subnet associations. */
import type {
  AssociateRouteTableRequest,
  CreateRouteRequest,
  CreateRouteTableRequest,
  DescribeRouteTablesRequest,
  Route,
  RouteTable,
} from '@aws-sdk/client-ec2';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { page } from '../paging.js';
import { applyFilters, type FilterFields } from './filters.js';
import {
  checkId,
  ec2Error,
  ec2State,
  instanceLive,
  invalidParameter,
  KINDS,
  natHoldsResources,
  need,
  rememberToken,
  replayToken,
  selectByIds,
  setTags,
  tagsFromSpecs,
  tagsOf,
  type Ec2Slice,
  type RouteRec,
  type RouteTableRec,
} from './store.js';
import { deleteWithTags } from './vpc.js';

/** A route whose target is gone (or an IGW detached from the VPC) is a blackhole. */
function routeState(ctx: SimContext, s: Ec2Slice, t: RouteTableRec, r: RouteRec): 'active' | 'blackhole' {
  if (r.gatewayId === 'local') return 'active';
  if (r.gatewayId) return s.igws[r.gatewayId]?.vpcId === t.vpcId ? 'active' : 'blackhole';
  if (r.natGatewayId) {
    const nat = s.nats[r.natGatewayId];
    return nat && natHoldsResources(ctx, nat) ? 'active' : 'blackhole';
  }
  if (r.instanceId) {
    const inst = s.instances[r.instanceId];
    return inst && instanceLive(ctx, inst) ? 'active' : 'blackhole';
  }
  return s.enis[r.networkInterfaceId ?? ''] ? 'active' : 'blackhole';
}

function routeTableOut(ctx: SimContext, s: Ec2Slice, t: RouteTableRec): RouteTable {
  return {
    RouteTableId: t.id,
    VpcId: t.vpcId,
    OwnerId: ctx.accountId,
    Routes: t.routes.map(
      (r): Route => ({
        DestinationCidrBlock: r.dest,
        ...(r.gatewayId ? { GatewayId: r.gatewayId } : {}),
        ...(r.natGatewayId ? { NatGatewayId: r.natGatewayId } : {}),
        ...(r.instanceId ? { InstanceId: r.instanceId, InstanceOwnerId: ctx.accountId } : {}),
        ...(r.networkInterfaceId ? { NetworkInterfaceId: r.networkInterfaceId } : {}),
        Origin: r.origin,
        State: routeState(ctx, s, t, r),
      }),
    ),
    Associations: t.associations.map((a) => ({
      RouteTableAssociationId: a.id,
      RouteTableId: t.id,
      Main: a.main,
      ...(a.subnetId ? { SubnetId: a.subnetId } : {}),
      ...(a.gatewayId ? { GatewayId: a.gatewayId } : {}),
      AssociationState: { State: 'associated' },
    })),
    PropagatingVgws: [],
    Tags: tagsOf(s, t.id),
  };
}

const sameTarget = (a: RouteRec, b: RouteRec): boolean =>
  a.gatewayId === b.gatewayId &&
  a.natGatewayId === b.natGatewayId &&
  a.instanceId === b.instanceId &&
  a.networkInterfaceId === b.networkInterfaceId;

export const routeOperations: ServiceSimulator = {
  CreateRouteTable: (input: CreateRouteTableRequest, ctx) => {
    const s = ec2State(ctx);
    const replay = replayToken(s, 'CreateRouteTable', input);
    if (replay) {
      const existing = s.routeTables[replay[0]!];
      if (!existing) {
        throw ec2Error('IdempotentParameterMismatch', 'The client token you have provided is associated with a resource that is already deleted. Please use a different client token.');
      }
      return { RouteTable: routeTableOut(ctx, s, existing), ClientToken: input.ClientToken };
    }
    const vpc = need(s.vpcs, KINDS.vpc!, input.VpcId);
    const tags = tagsFromSpecs(input.TagSpecifications, 'route-table');
    const table: RouteTableRec = {
      id: ctx.newId('rtb-'),
      vpcId: vpc.id,
      routes: [{ dest: vpc.cidr, gatewayId: 'local', origin: 'CreateRouteTable' }],
      associations: [],
    };
    s.routeTables[table.id] = table;
    setTags(s, table.id, tags);
    rememberToken(s, 'CreateRouteTable', input, [table.id]);
    return { RouteTable: routeTableOut(ctx, s, table), ...(input.ClientToken ? { ClientToken: input.ClientToken } : {}) };
  },

  CreateRoute: (input: CreateRouteRequest, ctx) => {
    const s = ec2State(ctx);
    const table = need(s.routeTables, KINDS.rtb!, input.RouteTableId);
    const dest = input.DestinationCidrBlock;
    if (!dest || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(dest)) {
      throw invalidParameter(`Value (${dest ?? ''}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`);
    }
    const route: RouteRec = { dest, origin: 'CreateRoute' };
    const targets = [input.GatewayId, input.NatGatewayId, input.InstanceId, input.NetworkInterfaceId].filter((t) => t !== undefined);
    if (targets.length !== 1) {
      throw ec2Error('InvalidParameterCombination', 'The request must contain exactly one of gatewayId, natGatewayId, instanceId, networkInterfaceId');
    }
    if (input.GatewayId !== undefined) {
      const igw = need(s.igws, KINDS.igw!, input.GatewayId);
      if (igw.vpcId !== table.vpcId) {
        throw invalidParameter(`route table ${table.id} and network gateway ${igw.id} belong to different networks`);
      }
      route.gatewayId = igw.id;
    } else if (input.NatGatewayId !== undefined) {
      const nat = s.nats[input.NatGatewayId];
      if (!nat || !natHoldsResources(ctx, nat)) {
        throw ec2Error('InvalidNatGatewayID.NotFound', `The natGateway ID '${input.NatGatewayId}' does not exist`);
      }
      if (nat.vpcId !== table.vpcId) {
        throw invalidParameter(`route table ${table.id} and NAT gateway ${nat.id} belong to different networks`);
      }
      route.natGatewayId = nat.id;
    } else if (input.InstanceId !== undefined) {
      route.instanceId = need(s.instances, KINDS.instance!, input.InstanceId).id;
    } else {
      route.networkInterfaceId = need(s.enis, KINDS.eni!, input.NetworkInterfaceId).id;
    }
    const existing = table.routes.find((r) => r.dest === dest);
    if (existing) {
      if (sameTarget(existing, route)) return { Return: true };
      throw ec2Error('RouteAlreadyExists', `The route identified by ${dest} already exists.`);
    }
    table.routes.push(route);
    return { Return: true };
  },

  DeleteRoute: (input: { RouteTableId?: string; DestinationCidrBlock?: string }, ctx) => {
    const s = ec2State(ctx);
    const table = need(s.routeTables, KINDS.rtb!, input.RouteTableId);
    const route = table.routes.find((r) => r.dest === input.DestinationCidrBlock);
    if (!route) {
      throw ec2Error('InvalidRoute.NotFound', `no route with destination-cidr-block ${input.DestinationCidrBlock} in route table ${table.id}`);
    }
    if (route.gatewayId === 'local') throw invalidParameter(`cannot remove local route ${route.dest} in route table ${table.id}`);
    table.routes = table.routes.filter((r) => r !== route);
    return {};
  },

  AssociateRouteTable: (input: AssociateRouteTableRequest, ctx) => {
    const s = ec2State(ctx);
    const table = need(s.routeTables, KINDS.rtb!, input.RouteTableId);
    if (input.SubnetId === undefined) throw ec2Error('MissingParameter', 'The request must contain the parameter subnetId');
    const subnet = need(s.subnets, KINDS.subnet!, input.SubnetId);
    if (subnet.vpcId !== table.vpcId) {
      throw invalidParameter(`Route table ${table.id} and subnet ${subnet.id} belong to different networks`);
    }
    const conflict = Object.values(s.routeTables).some((t) => t.associations.some((a) => a.subnetId === subnet.id));
    if (conflict) {
      throw ec2Error('Resource.AlreadyAssociated', `the specified association for route table ${table.id} conflicts with an existing association`);
    }
    const association = { id: ctx.newId('rtbassoc-'), subnetId: subnet.id, main: false };
    table.associations.push(association);
    return { AssociationId: association.id, AssociationState: { State: 'associated' } };
  },

  DisassociateRouteTable: (input: { AssociationId?: string }, ctx) => {
    const s = ec2State(ctx);
    const id = input.AssociationId ?? '';
    const table = Object.values(s.routeTables).find((t) => t.associations.some((a) => a.id === id));
    if (!table) throw ec2Error('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`);
    if (table.associations.find((a) => a.id === id)!.main) {
      throw invalidParameter(`You cannot disassociate the main route table association ${id}`);
    }
    table.associations = table.associations.filter((a) => a.id !== id);
    return {};
  },

  DescribeRouteTables: (input: DescribeRouteTablesRequest, ctx) => {
    const s = ec2State(ctx);
    const routes = (t: RouteTableRec): RouteRec[] => t.routes;
    const fields: FilterFields<RouteTableRec> = {
      'route-table-id': (t) => t.id,
      'vpc-id': (t) => t.vpcId,
      'owner-id': () => ctx.accountId,
      'association.route-table-association-id': (t) => t.associations.map((a) => a.id),
      'association.route-table-id': (t) => (t.associations.length ? t.id : undefined),
      'association.subnet-id': (t) => t.associations.map((a) => a.subnetId),
      'association.main': (t) => t.associations.some((a) => a.main),
      'route.destination-cidr-block': (t) => routes(t).map((r) => r.dest),
      'route.gateway-id': (t) => routes(t).map((r) => r.gatewayId),
      'route.nat-gateway-id': (t) => routes(t).map((r) => r.natGatewayId),
      'route.instance-id': (t) => routes(t).map((r) => r.instanceId),
      'route.origin': (t) => routes(t).map((r) => r.origin),
      'route.state': (t) => routes(t).map((r) => routeState(ctx, s, t, r)),
    };
    const tables = applyFilters(s, selectByIds(s.routeTables, KINDS.rtb!, input.RouteTableIds), input.Filters, fields, (t) => t.id);
    const { items, NextToken } = page(tables, input);
    return { RouteTables: items.map((t) => routeTableOut(ctx, s, t)), ...(NextToken ? { NextToken } : {}) };
  },

  DeleteRouteTable: (input: { RouteTableId?: string }, ctx) => {
    const s = ec2State(ctx);
    const table = need(s.routeTables, KINDS.rtb!, checkId(KINDS.rtb!, input.RouteTableId));
    if (table.associations.length > 0) {
      throw ec2Error('DependencyViolation', `The routeTable '${table.id}' has dependencies and cannot be deleted.`);
    }
    deleteWithTags(s, s.routeTables, table.id);
    return {};
  },
};
