/**
 * The EC2 slice of the world and the helpers every EC2 area shares: ids, tags,
 * ClientToken idempotency, address allocation, the account's default VPC.
 */
import type { Tag, TagSpecification } from '@aws-sdk/client-ec2';
import { parseCidr } from 'cidr-tools';
import { SimError } from '../../errors.js';
import type { SimContext } from '../../types.js';
import type { Ec2Slice, IgwRec, InstanceRec, NatRec, RouteTableRec, SgRec, SubnetRec, VpcRec } from './records.js';

export type * from './records.js';

export const MINUTE = 60_000;
/** Terminated instances and deleted NAT gateways stay visible this long, as in AWS. */
export const TOMBSTONE_VISIBLE_MS = 60 * MINUTE;

export function ec2State(ctx: SimContext): Ec2Slice {
  return ctx.slice<Ec2Slice>('ec2', () => {
    const s: Ec2Slice = {
      vpcs: {}, subnets: {}, igws: {}, addresses: {}, nats: {}, routeTables: {}, groups: {},
      instances: {}, enis: {}, tags: {}, tokens: {}, publicIps: 0,
    };
    createDefaultVpc(ctx, s);
    return s;
  });
}

// ---- errors and ids -------------------------------------------------------------------

export const ec2Error = (name: string, message: string): SimError => new SimError(name, message);
export const invalidParameter = (message: string): SimError => new SimError('InvalidParameterValue', message);

export interface IdKind {
  prefix: string;
  resourceType: string;
  notFound: string;
  noun: string;
}
export const KINDS: Record<string, IdKind> = {
  vpc: { prefix: 'vpc-', resourceType: 'vpc', notFound: 'InvalidVpcID', noun: 'vpc ID' },
  subnet: { prefix: 'subnet-', resourceType: 'subnet', notFound: 'InvalidSubnetID', noun: 'subnet ID' },
  igw: { prefix: 'igw-', resourceType: 'internet-gateway', notFound: 'InvalidInternetGatewayID', noun: 'internetGateway ID' },
  eip: { prefix: 'eipalloc-', resourceType: 'elastic-ip', notFound: 'InvalidAllocationID', noun: 'allocation ID' },
  nat: { prefix: 'nat-', resourceType: 'natgateway', notFound: 'InvalidNatGatewayID', noun: 'natGateway ID' },
  rtb: { prefix: 'rtb-', resourceType: 'route-table', notFound: 'InvalidRouteTableID', noun: 'routeTable ID' },
  sg: { prefix: 'sg-', resourceType: 'security-group', notFound: 'InvalidGroup', noun: 'security group' },
  sgr: { prefix: 'sgr-', resourceType: 'security-group-rule', notFound: 'InvalidSecurityGroupRuleId', noun: 'security group rule ID' },
  instance: { prefix: 'i-', resourceType: 'instance', notFound: 'InvalidInstanceID', noun: 'instance ID' },
  eni: { prefix: 'eni-', resourceType: 'network-interface', notFound: 'InvalidNetworkInterfaceID', noun: 'networkInterface ID' },
};

export function notFoundError(kind: IdKind, ids: string[]): SimError {
  const list = ids.join(', ');
  if (kind.prefix === 'sg-') return ec2Error('InvalidGroup.NotFound', `The security group '${list}' does not exist`);
  const plural = ids.length > 1;
  return ec2Error(
    `${kind.notFound}.NotFound`,
    `The ${kind.noun}${plural ? 's' : ''} '${list}' do${plural ? '' : 'es'} not exist`,
  );
}

/** Real EC2 ids are the prefix and 8 or 17 hex digits; anything else is "Malformed". */
export function checkId(kind: IdKind, id: unknown): string {
  if (typeof id !== 'string' || !new RegExp(`^${kind.prefix}([0-9a-f]{8}|[0-9a-f]{17})$`).test(id)) {
    const name = kind.prefix === 'sg-' ? 'InvalidGroupId.Malformed' : `${kind.notFound}.Malformed`;
    throw ec2Error(name, `Invalid id: "${String(id)}"`);
  }
  return id;
}

/** The record for `id`, or the service's NotFound error. */
export function need<T>(table: Record<string, T>, kind: IdKind, id: unknown): T {
  const rec = table[checkId(kind, id)];
  if (rec === undefined) throw notFoundError(kind, [id as string]);
  return rec;
}

/** Records for an explicit id list (all must exist), or every record. */
export function selectByIds<T>(table: Record<string, T>, kind: IdKind, ids: string[] | undefined, visible = (_: T) => true): T[] {
  if (!ids || ids.length === 0) return Object.values(table).filter(visible);
  const missing = ids.filter((id) => {
    checkId(kind, id);
    const rec = table[id];
    return rec === undefined || !visible(rec);
  });
  if (missing.length > 0) throw notFoundError(kind, missing);
  return [...new Set(ids)].map((id) => table[id]!);
}

// ---- tags ---------------------------------------------------------------------------------

export function tagsOf(s: Ec2Slice, id: string): Tag[] {
  return Object.entries(s.tags[id] ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

export function validateTags(tags: Tag[] | undefined): Tag[] {
  for (const t of tags ?? []) {
    if (!t.Key) throw invalidParameter('Tag keys must be between 1 and 128 characters long.');
    if (t.Key.length > 128) throw invalidParameter(`Tag key exceeds the maximum length of 128 characters: ${t.Key}`);
    if ((t.Value ?? '').length > 256) throw invalidParameter(`Tag value exceeds the maximum length of 256 characters.`);
    if (t.Key.toLowerCase().startsWith('aws:')) {
      throw invalidParameter("Tag keys starting with 'aws:' are reserved for internal use");
    }
  }
  return tags ?? [];
}

export function setTags(s: Ec2Slice, id: string, tags: Tag[]): void {
  const current = (s.tags[id] ??= {});
  for (const t of validateTags(tags)) current[t.Key!] = t.Value ?? '';
  if (Object.keys(current).length > 50) {
    throw ec2Error('TagLimitExceeded', `The maximum number of Tags for a resource has been reached (50).`);
  }
}

/** The tags a create call's TagSpecifications give the new resource of `resourceType`. */
export function tagsFromSpecs(specs: TagSpecification[] | undefined, resourceType: string, allowed: string[] = []): Tag[] {
  const tags: Tag[] = [];
  for (const spec of specs ?? []) {
    if (spec.ResourceType === resourceType) tags.push(...validateTags(spec.Tags));
    else if (!allowed.includes(spec.ResourceType ?? '')) {
      throw invalidParameter(`'${spec.ResourceType ?? ''}' is not a valid taggable resource type for this operation.`);
    }
  }
  return tags;
}

// ---- ClientToken idempotency --------------------------------------------------------------

/**
 * AWS: same token + same parameters → the original result, nothing new; same token +
 * different parameters → IdempotentParameterMismatch. Returns the ids recorded for the
 * token, or undefined when the call should go ahead (then call `remember`).
 */
export function replayToken(s: Ec2Slice, operation: string, request: object): string[] | undefined {
  const input = request as Record<string, unknown>;
  const token = input.ClientToken;
  if (typeof token !== 'string' || token === '') return undefined;
  if (token.length > 64) throw invalidParameter('The client token must be 64 characters or fewer.');
  const rec = s.tokens[`${operation}:${token}`];
  if (!rec) return undefined;
  if (rec.fingerprint !== fingerprint(input)) {
    throw ec2Error(
      'IdempotentParameterMismatch',
      'The client token you have provided is associated with a resource that is already deleted or has different parameters. Please use a different client token.',
    );
  }
  return rec.ids;
}

export function rememberToken(s: Ec2Slice, operation: string, request: object, ids: string[]): void {
  const input = request as Record<string, unknown>;
  const token = input.ClientToken;
  if (typeof token === 'string' && token !== '') s.tokens[`${operation}:${token}`] = { fingerprint: fingerprint(input), ids };
}

function fingerprint(input: Record<string, unknown>): string {
  const { ClientToken: _t, DryRun: _d, ...rest } = input;
  return JSON.stringify(canonical(rest));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

// ---- addresses and zones --------------------------------------------------------------------

export function ipv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => ((n >> shift) & 255n).toString()).join('.');
}

/** The next free private address of a subnet. */
export function allocatePrivateIp(subnet: SubnetRec): string {
  const { start, end } = parseCidr(subnet.cidr);
  const ip = start + 4n + BigInt(subnet.used);
  if (ip >= end) {
    throw ec2Error('InsufficientFreeAddressesInSubnet', `There are not enough free addresses in subnet '${subnet.id}' to satisfy the requested number of instances.`);
  }
  subnet.used++;
  return ipv4(ip);
}

/** Public addresses come from the documentation ranges (RFC 5737): never a real host. */
export function allocatePublicIp(s: Ec2Slice): string {
  const pools = ['203.0.113', '198.51.100', '192.0.2'];
  const n = s.publicIps++;
  return `${pools[Math.floor(n / 254) % pools.length]}.${(n % 254) + 1}`;
}

export function zoneNames(region: string, count = 3): string[] {
  return ['a', 'b', 'c', 'd', 'e', 'f'].slice(0, count).map((l) => `${region}${l}`);
}

/** `us-east-1` → `use1`, `ap-southeast-2` → `apse2` (the AZ-id prefix). */
export function regionCode(region: string): string {
  const [area = '', direction = '', number = ''] = region.split('-');
  const dir = direction.replace(/north/g, 'n').replace(/south/g, 's').replace(/east/g, 'e').replace(/west/g, 'w').replace(/central/g, 'c');
  return `${area}${dir}${number}`;
}

export const zoneId = (region: string, zone: string): string =>
  `${regionCode(region)}-az${zone.charCodeAt(zone.length - 1) - 96}`;

// ---- VPC scaffolding ---------------------------------------------------------------------

/** A new VPC's implicit parts: the main route table and the "default" security group. */
export function createVpcScaffolding(ctx: SimContext, s: Ec2Slice, vpc: VpcRec): { mainRouteTable: RouteTableRec; defaultGroup: SgRec } {
  const mainRouteTable: RouteTableRec = {
    id: ctx.newId('rtb-'),
    vpcId: vpc.id,
    routes: [{ dest: vpc.cidr, gatewayId: 'local', origin: 'CreateRouteTable' }],
    associations: [{ id: ctx.newId('rtbassoc-'), main: true }],
  };
  const defaultGroup: SgRec = {
    id: ctx.newId('sg-'),
    name: 'default',
    description: 'default VPC security group',
    vpcId: vpc.id,
    rules: [],
  };
  defaultGroup.rules.push(
    { id: ctx.newId('sgr-'), egress: false, protocol: '-1', groupId: defaultGroup.id },
    { id: ctx.newId('sgr-'), egress: true, protocol: '-1', cidrIpv4: '0.0.0.0/0' },
  );
  s.routeTables[mainRouteTable.id] = mainRouteTable;
  s.groups[defaultGroup.id] = defaultGroup;
  return { mainRouteTable, defaultGroup };
}

/** Every real account has a default VPC per region: 172.31.0.0/16, a /20 per AZ, an IGW. */
function createDefaultVpc(ctx: SimContext, s: Ec2Slice): void {
  const now = ctx.now();
  const vpc: VpcRec = {
    id: ctx.newId('vpc-'), cidr: '172.31.0.0/16', cidrAssocId: ctx.newId('vpc-cidr-assoc-'), isDefault: true,
    tenancy: 'default', dnsSupport: true, dnsHostnames: true, created: now,
  };
  s.vpcs[vpc.id] = vpc;
  s.defaultVpcId = vpc.id;
  const { mainRouteTable } = createVpcScaffolding(ctx, s, vpc);
  const igw: IgwRec = { id: ctx.newId('igw-'), vpcId: vpc.id };
  s.igws[igw.id] = igw;
  mainRouteTable.routes.push({ dest: '0.0.0.0/0', gatewayId: igw.id, origin: 'CreateRoute' });
  zoneNames(ctx.region).forEach((az, i) => {
    const subnet: SubnetRec = {
      id: ctx.newId('subnet-'), vpcId: vpc.id, cidr: `172.31.${i * 16}.0/20`, az, azId: zoneId(ctx.region, az),
      defaultForAz: true, mapPublicIp: true, used: 0, created: now,
    };
    s.subnets[subnet.id] = subnet;
  });
}

// ---- lifecycles (derived from the simulated clock) --------------------------------------------

export type NatState = 'pending' | 'failed' | 'available' | 'deleting' | 'deleted';

export function natState(ctx: SimContext, nat: NatRec): NatState {
  const now = ctx.now();
  if (nat.deletedAt !== undefined) return now - nat.deletedAt < ctx.durations.natGatewayCreate / 2 ? 'deleting' : 'deleted';
  if (nat.failure) return 'failed';
  return now - nat.created < ctx.durations.natGatewayCreate ? 'pending' : 'available';
}

/** A gateway that still holds its subnet, address and network interface. */
export const natHoldsResources = (ctx: SimContext, nat: NatRec): boolean =>
  ['pending', 'available', 'deleting'].includes(natState(ctx, nat));

/** Deleted and failed gateways are listed for an hour, then forgotten. */
export function natVisible(ctx: SimContext, nat: NatRec): boolean {
  const state = natState(ctx, nat);
  if (state === 'deleted') return ctx.now() - nat.deletedAt! < TOMBSTONE_VISIBLE_MS;
  if (state === 'failed') return ctx.now() - nat.created < TOMBSTONE_VISIBLE_MS;
  return true;
}

export const INSTANCE_STATES = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
} as const;
export type InstanceStateName = keyof typeof INSTANCE_STATES;

export function instanceState(ctx: SimContext, inst: InstanceRec): InstanceStateName {
  const now = ctx.now();
  // A future terminatedAt is a termination scheduled by Auto Scaling (after the target
  // groups' deregistration delay): the instance runs until then.
  if (inst.terminatedAt !== undefined && now >= inst.terminatedAt) {
    return now - inst.terminatedAt < ctx.durations.ec2InstanceStart ? 'shutting-down' : 'terminated';
  }
  return now - inst.launched < ctx.durations.ec2InstanceStart ? 'pending' : 'running';
}

export const instanceLive = (ctx: SimContext, inst: InstanceRec): boolean => instanceState(ctx, inst) !== 'terminated';

export function instanceVisible(ctx: SimContext, inst: InstanceRec): boolean {
  return inst.terminatedAt === undefined || ctx.now() - inst.terminatedAt < TOMBSTONE_VISIBLE_MS;
}
