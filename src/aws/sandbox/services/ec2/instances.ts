/** EC2: instances (RunInstances with ClientToken, DescribeInstances, TerminateInstances). */
import type { DescribeInstancesRequest, Instance, InstanceState, Reservation, RunInstancesRequest } from '@aws-sdk/client-ec2';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { page } from '../paging.js';
import { applyFilters, type FilterFields } from './filters.js';
import {
  allocatePrivateIp,
  allocatePublicIp,
  ec2Error,
  ec2State,
  INSTANCE_STATES,
  instanceLive,
  instanceState,
  instanceVisible,
  invalidParameter,
  KINDS,
  need,
  rememberToken,
  replayToken,
  selectByIds,
  setTags,
  tagsFromSpecs,
  tagsOf,
  type Ec2Slice,
  type InstanceRec,
} from './store.js';
import { ACCOUNT_LIMITS } from './vpc.js';

const stateOf = (ctx: SimContext, i: InstanceRec): InstanceState => {
  const name = instanceState(ctx, i);
  return { Code: INSTANCE_STATES[name], Name: name };
};

function dnsName(ctx: SimContext, ip: string, kind: 'private' | 'public'): string {
  const dashed = ip.replace(/\./g, '-');
  if (kind === 'private') {
    return ctx.region === 'us-east-1' ? `ip-${dashed}.ec2.internal` : `ip-${dashed}.${ctx.region}.compute.internal`;
  }
  return ctx.region === 'us-east-1' ? `ec2-${dashed}.compute-1.amazonaws.com` : `ec2-${dashed}.${ctx.region}.compute.amazonaws.com`;
}

function instanceOut(ctx: SimContext, s: Ec2Slice, i: InstanceRec): Instance {
  const state = stateOf(ctx, i);
  const live = state.Name !== 'terminated';
  const publicIp = live && state.Name !== 'shutting-down' ? i.publicIp : undefined;
  const groups = i.groupIds.map((id) => ({ GroupId: id, GroupName: s.groups[id]?.name ?? '' }));
  return {
    InstanceId: i.id,
    ImageId: i.imageId,
    InstanceType: i.type as Instance['InstanceType'],
    ...(i.keyName ? { KeyName: i.keyName } : {}),
    LaunchTime: new Date(i.launched),
    AmiLaunchIndex: i.launchIndex,
    Placement: { AvailabilityZone: i.az, Tenancy: 'default', GroupName: '' },
    State: state,
    StateTransitionReason: i.terminatedAt !== undefined && i.terminatedAt <= ctx.now() ? `User initiated (${new Date(i.terminatedAt).toISOString()})` : '',
    ...(live ? { SubnetId: i.subnetId, VpcId: i.vpcId, PrivateIpAddress: i.privateIp, PrivateDnsName: dnsName(ctx, i.privateIp, 'private') } : { PrivateDnsName: '' }),
    ...(publicIp ? { PublicIpAddress: publicIp, PublicDnsName: dnsName(ctx, publicIp, 'public') } : { PublicDnsName: '' }),
    Architecture: 'x86_64',
    RootDeviceType: 'ebs',
    RootDeviceName: '/dev/xvda',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    Monitoring: { State: 'disabled' },
    ...(i.clientToken ? { ClientToken: i.clientToken } : {}),
    SecurityGroups: live ? groups : [],
    MetadataOptions: metadataOptions(i),
    NetworkInterfaces: live
      ? [{
          NetworkInterfaceId: i.eniId, SubnetId: i.subnetId, VpcId: i.vpcId, PrivateIpAddress: i.privateIp,
          Status: 'in-use', Groups: groups, OwnerId: ctx.accountId,
          ...(publicIp ? { Association: { PublicIp: publicIp, IpOwnerId: 'amazon' } } : {}),
        }]
      : [],
    Tags: tagsOf(s, i.id),
  };
}

/**
 * InstanceMetadataOptionsResponse (EC2 API reference): what RunInstances asked for, else EC2's
 * defaults for an instance launched without MetadataOptions (tokens optional, endpoint
 * enabled, one hop).
 */
function metadataOptions(i: InstanceRec): Instance['MetadataOptions'] {
  return {
    State: 'applied',
    HttpTokens: (i.metadata?.httpTokens ?? 'optional') as 'optional' | 'required',
    HttpPutResponseHopLimit: i.metadata?.hopLimit ?? 1,
    HttpEndpoint: (i.metadata?.httpEndpoint ?? 'enabled') as 'enabled' | 'disabled',
    HttpProtocolIpv6: 'disabled',
    InstanceMetadataTags: 'disabled',
  };
}

function metadataAsked(m: NonNullable<RunInstancesRequest['MetadataOptions']>): NonNullable<InstanceRec['metadata']> {
  return {
    ...(m.HttpTokens ? { httpTokens: m.HttpTokens } : {}),
    ...(m.HttpEndpoint ? { httpEndpoint: m.HttpEndpoint } : {}),
    ...(m.HttpPutResponseHopLimit !== undefined ? { hopLimit: m.HttpPutResponseHopLimit } : {}),
  };
}

function reservations(ctx: SimContext, s: Ec2Slice, list: InstanceRec[]): Reservation[] {
  const byReservation = new Map<string, InstanceRec[]>();
  for (const i of list) byReservation.set(i.reservationId, [...(byReservation.get(i.reservationId) ?? []), i]);
  return [...byReservation].map(([id, members]) => ({
    ReservationId: id,
    OwnerId: ctx.accountId,
    Groups: [],
    Instances: members.map((i) => instanceOut(ctx, s, i)),
  }));
}

export const instanceOperations: ServiceSimulator = {
  RunInstances: (input: RunInstancesRequest, ctx) => {
    const s = ec2State(ctx);
    const replay = replayToken(s, 'RunInstances', input);
    if (replay) return reservations(ctx, s, replay.map((id) => s.instances[id]!))[0];

    if (!input.ImageId) throw ec2Error('MissingParameter', 'The request must contain the parameter ImageId');
    if (!/^ami-[0-9a-f]{8,17}$/.test(input.ImageId)) throw ec2Error('InvalidAMIID.Malformed', `Invalid id: "${input.ImageId}" (expecting "ami-...")`);
    const min = input.MinCount ?? 0;
    const max = input.MaxCount ?? 0;
    if (min < 1 || max < min) throw invalidParameter('MinCount must be at least 1 and no greater than MaxCount.');

    const eni = input.NetworkInterfaces?.[0];
    const subnetId = input.SubnetId ?? eni?.SubnetId ?? defaultSubnet(s);
    if (subnetId === undefined) throw ec2Error('VPCIdNotSpecified', 'No default VPC for this user');
    const subnet = need(s.subnets, KINDS.subnet!, subnetId);
    const groupIds = [...(input.SecurityGroupIds ?? eni?.Groups ?? [])];
    for (const name of input.SecurityGroups ?? []) {
      const g = Object.values(s.groups).find((x) => x.vpcId === subnet.vpcId && x.name === name);
      if (!g) throw ec2Error('InvalidGroup.NotFound', `The security group '${name}' does not exist in VPC '${subnet.vpcId}'`);
      groupIds.push(g.id);
    }
    if (groupIds.length === 0) groupIds.push(Object.values(s.groups).find((g) => g.vpcId === subnet.vpcId && g.name === 'default')!.id);
    for (const id of groupIds) {
      const g = need(s.groups, KINDS.sg!, id);
      if (g.vpcId !== subnet.vpcId) {
        throw ec2Error('InvalidParameter', `Security group ${id} and subnet ${subnet.id} belong to different networks.`);
      }
    }
    const running = Object.values(s.instances).filter((i) => instanceLive(ctx, i)).length;
    const room = ACCOUNT_LIMITS.instances - running;
    if (room < min) {
      throw ec2Error(
        'InstanceLimitExceeded',
        `You have requested more instances (${min}) than your current instance limit of ${ACCOUNT_LIMITS.instances} allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
      );
    }
    const tags = tagsFromSpecs(input.TagSpecifications, 'instance', ['volume', 'network-interface', 'spot-instances-request']);
    const wantsPublic = eni?.AssociatePublicIpAddress ?? subnet.mapPublicIp;
    const reservationId = ctx.newId('r-');
    const created: InstanceRec[] = [];
    for (let n = 0; n < Math.min(max, room); n++) {
      const inst: InstanceRec = {
        id: ctx.newId('i-'),
        reservationId,
        imageId: input.ImageId,
        type: input.InstanceType ?? 'm1.small',
        ...(input.KeyName ? { keyName: input.KeyName } : {}),
        subnetId: subnet.id,
        vpcId: subnet.vpcId,
        az: subnet.az,
        privateIp: allocatePrivateIp(subnet),
        ...(wantsPublic ? { publicIp: allocatePublicIp(s) } : {}),
        groupIds,
        eniId: ctx.newId('eni-'),
        launchIndex: n,
        launched: ctx.now(),
        ...(input.ClientToken ? { clientToken: input.ClientToken } : {}),
        ...(input.MetadataOptions ? { metadata: metadataAsked(input.MetadataOptions) } : {}),
      };
      s.instances[inst.id] = inst;
      setTags(s, inst.id, tags);
      created.push(inst);
    }
    rememberToken(s, 'RunInstances', input, created.map((i) => i.id));
    return reservations(ctx, s, created)[0];
  },

  DescribeInstances: (input: DescribeInstancesRequest, ctx) => {
    const s = ec2State(ctx);
    if (input.InstanceIds?.length && input.MaxResults !== undefined) {
      throw ec2Error('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
    }
    const visible = (i: InstanceRec): boolean => instanceVisible(ctx, i);
    const fields: FilterFields<InstanceRec> = {
      'instance-id': (i) => i.id,
      'instance-state-name': (i) => instanceState(ctx, i),
      'instance-state-code': (i) => INSTANCE_STATES[instanceState(ctx, i)],
      'instance-type': (i) => i.type,
      'image-id': (i) => i.imageId,
      'reservation-id': (i) => i.reservationId,
      'vpc-id': (i) => i.vpcId,
      'subnet-id': (i) => i.subnetId,
      'availability-zone': (i) => i.az,
      'client-token': (i) => i.clientToken,
      'private-ip-address': (i) => i.privateIp,
      'ip-address': (i) => i.publicIp,
      'key-name': (i) => i.keyName,
      'instance.group-id': (i) => i.groupIds,
      'owner-id': () => ctx.accountId,
    };
    const list = applyFilters(s, selectByIds(s.instances, KINDS.instance!, input.InstanceIds, visible), input.Filters, fields, (i) => i.id);
    const { items, NextToken } = page(list, input);
    return { Reservations: reservations(ctx, s, items), ...(NextToken ? { NextToken } : {}) };
  },

  TerminateInstances: (input: { InstanceIds?: string[] }, ctx) => {
    const s = ec2State(ctx);
    if (!input.InstanceIds?.length) throw ec2Error('MissingParameter', 'The request must contain the parameter InstanceId');
    const list = selectByIds(s.instances, KINDS.instance!, input.InstanceIds, (i) => instanceVisible(ctx, i));
    return {
      TerminatingInstances: list.map((i) => {
        const previous = stateOf(ctx, i);
        if (i.terminatedAt === undefined || i.terminatedAt > ctx.now()) i.terminatedAt = ctx.now();
        return { InstanceId: i.id, PreviousState: previous, CurrentState: stateOf(ctx, i) };
      }),
    };
  },
};

function defaultSubnet(s: Ec2Slice): string | undefined {
  return Object.values(s.subnets).find((x) => x.vpcId === s.defaultVpcId && x.defaultForAz)?.id;
}
