/** The shapes of the EC2 slice of the sandbox world (plain JSON). */

export interface VpcRec {
  id: string;
  cidr: string;
  cidrAssocId: string;
  isDefault: boolean;
  tenancy: string;
  dnsSupport: boolean;
  dnsHostnames: boolean;
  created: number;
}
export interface SubnetRec {
  id: string;
  vpcId: string;
  cidr: string;
  az: string;
  azId: string;
  defaultForAz: boolean;
  mapPublicIp: boolean;
  /** Private addresses handed out so far (AWS reserves the first four and the last). */
  used: number;
  created: number;
}
export interface IgwRec {
  id: string;
  vpcId?: string;
}
export interface AddressRec {
  allocationId: string;
  publicIp: string;
}
export interface NatRec {
  id: string;
  vpcId: string;
  subnetId: string;
  allocationId?: string;
  connectivity: string;
  privateIp: string;
  eniId: string;
  created: number;
  deletedAt?: number;
  /** Set when the gateway can never become available (e.g. no internet gateway). */
  failure?: { code: string; message: string };
}
export interface RouteRec {
  dest: string;
  gatewayId?: string;
  natGatewayId?: string;
  instanceId?: string;
  networkInterfaceId?: string;
  origin: 'CreateRouteTable' | 'CreateRoute';
}
export interface AssocRec {
  id: string;
  subnetId?: string;
  gatewayId?: string;
  main: boolean;
}
export interface RouteTableRec {
  id: string;
  vpcId: string;
  routes: RouteRec[];
  associations: AssocRec[];
}
export interface RuleRec {
  id: string;
  egress: boolean;
  protocol: string;
  from?: number;
  to?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  groupId?: string;
  prefixListId?: string;
  description?: string;
}
export interface SgRec {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  rules: RuleRec[];
}
export interface InstanceRec {
  id: string;
  reservationId: string;
  imageId: string;
  type: string;
  keyName?: string;
  subnetId: string;
  vpcId: string;
  az: string;
  privateIp: string;
  publicIp?: string;
  groupIds: string[];
  eniId: string;
  launchIndex: number;
  launched: number;
  terminatedAt?: number;
  clientToken?: string;
  /** RunInstances' MetadataOptions as given (worlds saved before it was kept have none). */
  metadata?: { httpTokens?: string; httpEndpoint?: string; hopLimit?: number };
}
/** A requester-managed network interface, e.g. one an RDS instance or DMS instance uses. */
export interface EniRec {
  id: string;
  owner: string;
  vpcId: string;
  subnetId: string;
  groupIds: string[];
  privateIp: string;
  description: string;
}
export interface TokenRec {
  fingerprint: string;
  ids: string[];
}

export interface Ec2Slice {
  vpcs: Record<string, VpcRec>;
  subnets: Record<string, SubnetRec>;
  igws: Record<string, IgwRec>;
  addresses: Record<string, AddressRec>;
  nats: Record<string, NatRec>;
  routeTables: Record<string, RouteTableRec>;
  groups: Record<string, SgRec>;
  instances: Record<string, InstanceRec>;
  enis: Record<string, EniRec>;
  tags: Record<string, Record<string, string>>;
  tokens: Record<string, TokenRec>;
  publicIps: number;
  defaultVpcId?: string;
}
