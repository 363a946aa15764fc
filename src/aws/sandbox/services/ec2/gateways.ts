/** EC2: internet gateways, Elastic IP addresses and NAT gateways. */
import type {
  Address,
  AllocateAddressRequest,
  CreateInternetGatewayRequest,
  CreateNatGatewayRequest,
  DescribeAddressesRequest,
  DescribeInternetGatewaysRequest,
  DescribeNatGatewaysRequest,
  InternetGateway,
  InternetGatewayAttachment,
  NatGateway,
} from '@aws-sdk/client-ec2';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { page } from '../paging.js';
import { applyFilters, type FilterFields } from './filters.js';
import {
  allocatePrivateIp,
  allocatePublicIp,
  ec2Error,
  ec2State,
  instanceLive,
  invalidParameter,
  KINDS,
  natHoldsResources,
  natState,
  natVisible,
  need,
  rememberToken,
  replayToken,
  selectByIds,
  setTags,
  tagsFromSpecs,
  tagsOf,
  type AddressRec,
  type Ec2Slice,
  type IgwRec,
  type NatRec,
} from './store.js';
import { ACCOUNT_LIMITS, deleteWithTags } from './vpc.js';

function igwOut(ctx: SimContext, s: Ec2Slice, g: IgwRec): InternetGateway {
  return {
    InternetGatewayId: g.id,
    OwnerId: ctx.accountId,
    // EC2 reports an attached gateway as "available", although the SDK's enum says "attached".
    Attachments: g.vpcId ? [{ VpcId: g.vpcId, State: 'available' as InternetGatewayAttachment['State'] }] : [],
    Tags: tagsOf(s, g.id),
  };
}

/** The NAT gateway currently holding an address, if any. */
function holderOf(ctx: SimContext, s: Ec2Slice, allocationId: string): NatRec | undefined {
  return Object.values(s.nats).find((n) => n.allocationId === allocationId && natHoldsResources(ctx, n));
}

function addressOut(ctx: SimContext, s: Ec2Slice, a: AddressRec): Address {
  const nat = holderOf(ctx, s, a.allocationId);
  return {
    AllocationId: a.allocationId,
    PublicIp: a.publicIp,
    Domain: 'vpc',
    PublicIpv4Pool: 'amazon',
    NetworkBorderGroup: ctx.region,
    ...(nat
      ? {
          AssociationId: `eipassoc-${a.allocationId.slice(9)}`,
          NetworkInterfaceId: nat.eniId,
          NetworkInterfaceOwnerId: ctx.accountId,
          PrivateIpAddress: nat.privateIp,
        }
      : {}),
    Tags: tagsOf(s, a.allocationId),
  };
}

function natOut(ctx: SimContext, s: Ec2Slice, n: NatRec): NatGateway {
  const state = natState(ctx, n);
  const address = n.allocationId ? s.addresses[n.allocationId] : undefined;
  return {
    NatGatewayId: n.id,
    VpcId: n.vpcId,
    SubnetId: n.subnetId,
    State: state,
    ConnectivityType: n.connectivity as NatGateway['ConnectivityType'],
    CreateTime: new Date(n.created),
    ...(n.deletedAt !== undefined && state === 'deleted' ? { DeleteTime: new Date(n.deletedAt) } : {}),
    ...(n.failure ? { FailureCode: n.failure.code, FailureMessage: n.failure.message } : {}),
    NatGatewayAddresses: [
      {
        NetworkInterfaceId: n.eniId,
        PrivateIp: n.privateIp,
        ...(address ? { AllocationId: address.allocationId, PublicIp: address.publicIp } : {}),
        IsPrimary: true,
        Status: state === 'available' || state === 'pending' ? 'succeeded' : state === 'failed' ? 'failed' : 'disassociating',
      },
    ],
    Tags: tagsOf(s, n.id),
  };
}

export const gatewayOperations: ServiceSimulator = {
  CreateInternetGateway: (input: CreateInternetGatewayRequest, ctx) => {
    const s = ec2State(ctx);
    const tags = tagsFromSpecs(input.TagSpecifications, 'internet-gateway');
    const igw: IgwRec = { id: ctx.newId('igw-') };
    s.igws[igw.id] = igw;
    setTags(s, igw.id, tags);
    return { InternetGateway: igwOut(ctx, s, igw) };
  },

  AttachInternetGateway: (input: { InternetGatewayId?: string; VpcId?: string }, ctx) => {
    const s = ec2State(ctx);
    const igw = need(s.igws, KINDS.igw!, input.InternetGatewayId);
    const vpc = need(s.vpcs, KINDS.vpc!, input.VpcId);
    if (igw.vpcId) {
      throw ec2Error('Resource.AlreadyAssociated', `resource ${igw.id} is already attached to network ${igw.vpcId}`);
    }
    const other = Object.values(s.igws).find((g) => g.vpcId === vpc.id);
    if (other) {
      throw ec2Error('Resource.AlreadyAssociated', `resource ${vpc.id} is already attached to an internet gateway (${other.id})`);
    }
    igw.vpcId = vpc.id;
    return {};
  },

  DetachInternetGateway: (input: { InternetGatewayId?: string; VpcId?: string }, ctx) => {
    const s = ec2State(ctx);
    const igw = need(s.igws, KINDS.igw!, input.InternetGatewayId);
    need(s.vpcs, KINDS.vpc!, input.VpcId);
    if (igw.vpcId !== input.VpcId) {
      throw ec2Error('Gateway.NotAttached', `resource ${igw.id} is not attached to network ${input.VpcId}`);
    }
    const mapped =
      Object.values(s.nats).some((n) => n.vpcId === igw.vpcId && n.allocationId && natHoldsResources(ctx, n)) ||
      Object.values(s.instances).some((i) => i.vpcId === igw.vpcId && i.publicIp && instanceLive(ctx, i));
    if (mapped) {
      throw ec2Error(
        'DependencyViolation',
        `Network ${igw.vpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
      );
    }
    delete igw.vpcId;
    return {};
  },

  DeleteInternetGateway: (input: { InternetGatewayId?: string }, ctx) => {
    const s = ec2State(ctx);
    const igw = need(s.igws, KINDS.igw!, input.InternetGatewayId);
    if (igw.vpcId) {
      throw ec2Error('DependencyViolation', `The internetGateway '${igw.id}' has dependencies and cannot be deleted.`);
    }
    deleteWithTags(s, s.igws, igw.id);
    return {};
  },

  DescribeInternetGateways: (input: DescribeInternetGatewaysRequest, ctx) => {
    const s = ec2State(ctx);
    const fields: FilterFields<IgwRec> = {
      'internet-gateway-id': (g) => g.id,
      'attachment.vpc-id': (g) => g.vpcId,
      'attachment.state': (g) => (g.vpcId ? 'available' : undefined),
      'owner-id': () => ctx.accountId,
    };
    const igws = applyFilters(s, selectByIds(s.igws, KINDS.igw!, input.InternetGatewayIds), input.Filters, fields, (g) => g.id);
    const { items, NextToken } = page(igws, input);
    return { InternetGateways: items.map((g) => igwOut(ctx, s, g)), ...(NextToken ? { NextToken } : {}) };
  },

  AllocateAddress: (input: AllocateAddressRequest, ctx) => {
    const s = ec2State(ctx);
    if (input.Domain !== undefined && input.Domain !== 'vpc') {
      throw invalidParameter(`Value (${input.Domain}) for parameter domain is invalid.`);
    }
    if (Object.keys(s.addresses).length >= ACCOUNT_LIMITS.elasticIps) {
      throw ec2Error('AddressLimitExceeded', 'The maximum number of addresses has been reached.');
    }
    const tags = tagsFromSpecs(input.TagSpecifications, 'elastic-ip');
    const address: AddressRec = { allocationId: ctx.newId('eipalloc-'), publicIp: allocatePublicIp(s) };
    s.addresses[address.allocationId] = address;
    setTags(s, address.allocationId, tags);
    return {
      AllocationId: address.allocationId,
      PublicIp: address.publicIp,
      Domain: 'vpc',
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: ctx.region,
    };
  },

  ReleaseAddress: (input: { AllocationId?: string; PublicIp?: string }, ctx) => {
    const s = ec2State(ctx);
    if (input.AllocationId === undefined) {
      throw ec2Error('MissingParameter', 'The request must contain the parameter AllocationId');
    }
    const address = need(s.addresses, KINDS.eip!, input.AllocationId);
    if (holderOf(ctx, s, address.allocationId)) {
      throw ec2Error('InvalidIPAddress.InUse', `Address ${address.publicIp} is in use.`);
    }
    deleteWithTags(s, s.addresses, address.allocationId);
    return {};
  },

  DescribeAddresses: (input: DescribeAddressesRequest, ctx) => {
    const s = ec2State(ctx);
    let addresses = selectByIds(s.addresses, KINDS.eip!, input.AllocationIds);
    if (input.PublicIps?.length) addresses = addresses.filter((a) => input.PublicIps!.includes(a.publicIp));
    const out = (a: AddressRec): Address => addressOut(ctx, s, a);
    const fields: FilterFields<AddressRec> = {
      'allocation-id': (a) => a.allocationId,
      'public-ip': (a) => a.publicIp,
      domain: () => 'vpc',
      'association-id': (a) => out(a).AssociationId,
      'network-interface-id': (a) => out(a).NetworkInterfaceId,
      'private-ip-address': (a) => out(a).PrivateIpAddress,
      'network-border-group': () => ctx.region,
      'instance-id': () => undefined,
    };
    const list = applyFilters(s, addresses, input.Filters, fields, (a) => a.allocationId);
    return { Addresses: list.map(out) };
  },

  CreateNatGateway: (input: CreateNatGatewayRequest, ctx) => {
    const s = ec2State(ctx);
    const replay = replayToken(s, 'CreateNatGateway', input);
    if (replay) return { NatGateway: natOut(ctx, s, s.nats[replay[0]!]!), ClientToken: input.ClientToken };
    const subnet = need(s.subnets, KINDS.subnet!, input.SubnetId);
    const connectivity = input.ConnectivityType ?? 'public';
    if (connectivity === 'public' && input.AllocationId === undefined) {
      throw ec2Error('MissingParameter', 'The request must contain the parameter AllocationId');
    }
    if (input.AllocationId !== undefined) {
      need(s.addresses, KINDS.eip!, input.AllocationId);
      if (holderOf(ctx, s, input.AllocationId)) {
        throw ec2Error('Resource.AlreadyAssociated', `Elastic IP address [${input.AllocationId}] is already associated`);
      }
    }
    const tags = tagsFromSpecs(input.TagSpecifications, 'natgateway');
    const nat: NatRec = {
      id: ctx.newId('nat-'),
      vpcId: subnet.vpcId,
      subnetId: subnet.id,
      ...(input.AllocationId !== undefined ? { allocationId: input.AllocationId } : {}),
      connectivity,
      privateIp: allocatePrivateIp(subnet),
      eniId: ctx.newId('eni-'),
      created: ctx.now(),
    };
    // AWS accepts the call, then the gateway fails: a public NAT needs an internet gateway.
    if (connectivity === 'public' && !Object.values(s.igws).some((g) => g.vpcId === subnet.vpcId)) {
      nat.failure = { code: 'Gateway.NotAttached', message: `Network ${subnet.vpcId} has no Internet gateway attached` };
    }
    s.nats[nat.id] = nat;
    setTags(s, nat.id, tags);
    rememberToken(s, 'CreateNatGateway', input, [nat.id]);
    return { NatGateway: natOut(ctx, s, nat), ...(input.ClientToken ? { ClientToken: input.ClientToken } : {}) };
  },

  DescribeNatGateways: (input: DescribeNatGatewaysRequest, ctx) => {
    const s = ec2State(ctx);
    const visible = (n: NatRec): boolean => natVisible(ctx, n);
    const ids = input.NatGatewayIds;
    const missing = (ids ?? []).filter((id) => !s.nats[id] || !visible(s.nats[id]!));
    if (missing.length > 0) throw ec2Error('NatGatewayNotFound', `The Nat Gateway ${missing.join(', ')} was not found`);
    const fields: FilterFields<NatRec> = {
      'nat-gateway-id': (n) => n.id,
      state: (n) => natState(ctx, n),
      'subnet-id': (n) => n.subnetId,
      'vpc-id': (n) => n.vpcId,
    };
    const base = ids?.length ? ids.map((id) => s.nats[id]!) : Object.values(s.nats).filter(visible);
    const nats = applyFilters(s, base, input.Filter, fields, (n) => n.id);
    const { items, NextToken } = page(nats, input);
    return { NatGateways: items.map((n) => natOut(ctx, s, n)), ...(NextToken ? { NextToken } : {}) };
  },

  DeleteNatGateway: (input: { NatGatewayId?: string }, ctx) => {
    const s = ec2State(ctx);
    const nat = s.nats[input.NatGatewayId ?? ''];
    if (!nat || !natVisible(ctx, nat)) {
      throw ec2Error('NatGatewayNotFound', `The Nat Gateway ${input.NatGatewayId ?? ''} was not found`);
    }
    const state = natState(ctx, nat);
    if (state === 'pending' || state === 'available' || state === 'failed') nat.deletedAt = ctx.now();
    return { NatGatewayId: nat.id };
  },
};
