/**
 * The ELBv2 simulator through the real SDK v3 client (awsQuery errors as the modelled
 * exception classes), on the simulated clock.
 */
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  AddTagsCommand,
  CertificateNotFoundException,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DuplicateListenerException,
  DuplicateLoadBalancerNameException,
  DuplicateTagKeysException,
  DuplicateTargetGroupNameException,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  InvalidConfigurationRequestException,
  InvalidSecurityGroupException,
  InvalidSubnetException,
  InvalidTargetException,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  ModifyListenerCommand,
  ModifyLoadBalancerAttributesCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  OperationNotPermittedException,
  RegisterTargetsCommand,
  RemoveTagsCommand,
  ResourceInUseException,
  SSLPolicyNotFoundException,
  SubnetNotFoundException,
  TargetGroupAssociationLimitException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/aws/sandbox/index.js';
import { makeSandbox } from '../../helpers/sandbox.js';

const MIN = 60_000;
const CERT = 'arn:aws:acm:us-east-1:ACCOUNT:certificate/0b5c1d2e-3f40-4a51-8b62-7c83d94ea5f6';

let sandbox: Sandbox;
let ec2: EC2Client;
let elb: ElasticLoadBalancingV2Client;
let vpcId: string;
let subnets: string[];
let sgId: string;
let certificates: Record<string, string>;
let cert: string;

async function network(): Promise<void> {
  vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
  subnets = [];
  for (const [i, az] of ['a', 'b', 'c'].entries()) {
    subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: `us-east-1${az}` }))).Subnet!.SubnetId!);
  }
  sgId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'alb', Description: 'alb', VpcId: vpcId }))).GroupId!;
}

beforeEach(async () => {
  certificates = {};
  const made = await makeSandbox({ hooks: { certificateStatus: (arn) => certificates[arn] } });
  sandbox = made.sandbox;
  ec2 = await made.clients.ec2;
  elb = await made.clients.elbv2;
  cert = CERT.replace('ACCOUNT', sandbox.world.accountId);
  await network();
});

const failure = (p: Promise<unknown>): Promise<ElasticLoadBalancingV2ServiceException> =>
  p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as ElasticLoadBalancingV2ServiceException);

const createLb = (extra: Record<string, unknown> = {}) =>
  elb.send(new CreateLoadBalancerCommand({
    Name: 'shop-alb', Subnets: subnets.slice(0, 2), SecurityGroups: [sgId], Scheme: 'internet-facing', Type: 'application',
    Tags: [{ Key: 'promigrate:project', Value: 'shop' }], ...extra,
  }));
const createTg = (extra: Record<string, unknown> = {}) =>
  elb.send(new CreateTargetGroupCommand({
    Name: 'shop-web', Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'instance', HealthCheckPath: '/healthz',
    HealthCheckIntervalSeconds: 15, HealthyThresholdCount: 3, Matcher: { HttpCode: '200-299' }, ...extra,
  }));
const forward = (TargetGroupArn: string) => [{ Type: 'forward' as const, TargetGroupArn }];

async function instance(subnetIndex = 0): Promise<string> {
  const ami = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0]!.ImageId!;
  return (await ec2.send(new RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnets[subnetIndex] }))).Instances![0]!.InstanceId!;
}

describe('ELBv2 load balancers', () => {
  it('creates an ALB shaped like AWS: ARN, DNS name, hosted zone, provisioning → active', async () => {
    const lb = (await createLb()).LoadBalancers![0]!;
    expect(lb.LoadBalancerArn).toMatch(new RegExp(`^arn:aws:elasticloadbalancing:us-east-1:${sandbox.world.accountId}:loadbalancer/app/shop-alb/[0-9a-f]{16}$`));
    expect(lb.DNSName).toMatch(/^shop-alb-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);
    expect(lb).toMatchObject({ CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K', Scheme: 'internet-facing', VpcId: vpcId, Type: 'application', IpAddressType: 'ipv4', SecurityGroups: [sgId], State: { Code: 'provisioning' } });
    expect(lb.AvailabilityZones!.map((z) => [z.ZoneName, z.SubnetId])).toEqual([['us-east-1a', subnets[0]], ['us-east-1b', subnets[1]]]);
    sandbox.clock.advance(3 * MIN - 1);
    const state = async () => (await elb.send(new DescribeLoadBalancersCommand({ Names: ['shop-alb'] }))).LoadBalancers![0]!.State!.Code;
    expect(await state()).toBe('provisioning');
    sandbox.clock.advance(1);
    expect(await state()).toBe('active');
    const internal = (await elb.send(new CreateLoadBalancerCommand({ Name: 'shop-int', Subnets: subnets.slice(1), Scheme: 'internal' }))).LoadBalancers![0]!;
    expect(internal.DNSName).toMatch(/^internal-shop-int-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);
    expect(internal.SecurityGroups).toHaveLength(1); // the VPC's default group
  });

  it('is idempotent for the same name and settings; other settings are DuplicateLoadBalancerName', async () => {
    const a = (await createLb()).LoadBalancers![0]!;
    expect((await createLb()).LoadBalancers![0]!.LoadBalancerArn).toBe(a.LoadBalancerArn);
    const dup = await failure(createLb({ Subnets: subnets.slice(1, 3) }));
    expect(dup).toBeInstanceOf(DuplicateLoadBalancerNameException);
    expect([dup.name, dup.$fault, dup.$metadata.httpStatusCode]).toEqual(['DuplicateLoadBalancerNameException', 'client', 400]);
  });

  it('refuses bad names, subnets, groups and an internet-facing ALB in a VPC without internet gateway', async () => {
    for (const Name of ['-shop', 'shop-', 'internal-shop', 'a'.repeat(33), 'shop_alb']) {
      expect((await failure(createLb({ Name }))).name, Name).toBe('ValidationError');
    }
    const one = await failure(createLb({ Subnets: [subnets[0]] }));
    expect([one.name, one.message]).toEqual(['ValidationError', 'At least two subnets in two different Availability Zones must be specified']);
    const sameAz = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.9.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    expect(await failure(createLb({ Subnets: [subnets[0], sameAz] }))).toBeInstanceOf(InvalidConfigurationRequestException);
    expect(await failure(createLb({ Subnets: [subnets[0], 'subnet-0123456789abcdef0'] }))).toBeInstanceOf(SubnetNotFoundException);
    const otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    const foreignSg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'x', Description: 'x', VpcId: otherVpc }))).GroupId!;
    expect(await failure(createLb({ SecurityGroups: [foreignSg] }))).toBeInstanceOf(InvalidSecurityGroupException);
    const noIgw = await Promise.all(['a', 'b'].map(async (az, i) =>
      (await ec2.send(new CreateSubnetCommand({ VpcId: otherVpc, CidrBlock: `10.1.${i}.0/24`, AvailabilityZone: `us-east-1${az}` }))).Subnet!.SubnetId!));
    const igw = await failure(createLb({ Name: 'other', Subnets: noIgw, SecurityGroups: [] }));
    expect(igw).toBeInstanceOf(InvalidSubnetException);
    expect(igw.message).toBe(`VPC ${otherVpc} has no internet gateway`);
    // An internal one is fine there.
    await createLb({ Name: 'other', Subnets: noIgw, SecurityGroups: [], Scheme: 'internal' });
  });

  it('describes by names and ARNs, pages with Marker, and reports unknown ones as LoadBalancerNotFound', async () => {
    const arns: string[] = [];
    for (const n of ['a1', 'a2', 'a3']) arns.push((await createLb({ Name: n })).LoadBalancers![0]!.LoadBalancerArn!);
    const first = await elb.send(new DescribeLoadBalancersCommand({ PageSize: 2 }));
    expect(first.LoadBalancers!.map((l) => l.LoadBalancerName)).toEqual(['a1', 'a2']);
    const second = await elb.send(new DescribeLoadBalancersCommand({ PageSize: 2, Marker: first.NextMarker }));
    expect([second.LoadBalancers!.map((l) => l.LoadBalancerName), second.NextMarker]).toEqual([['a3'], undefined]);
    expect((await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arns[1]!] }))).LoadBalancers![0]!.LoadBalancerName).toBe('a2');
    const missing = await failure(elb.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })));
    expect(missing).toBeInstanceOf(LoadBalancerNotFoundException);
    expect(missing.message).toBe("Load balancers '[nope]' not found");
    expect((await failure(elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: ['arn:nope'] })))).name).toBe('ValidationError');
  });

  it('keeps attributes; deletion protection refuses DeleteLoadBalancer; its network interfaces hold the subnets and group', async () => {
    const arn = (await createLb()).LoadBalancers![0]!.LoadBalancerArn!;
    const attrs = async () => Object.fromEntries((await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }))).Attributes!.map((a) => [a.Key, a.Value]));
    expect(await attrs()).toMatchObject({ 'deletion_protection.enabled': 'false', 'idle_timeout.timeout_seconds': '60', 'routing.http.drop_invalid_header_fields.enabled': 'false', 'access_logs.s3.enabled': 'false' });
    await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [
      { Key: 'deletion_protection.enabled', Value: 'true' }, { Key: 'idle_timeout.timeout_seconds', Value: '120' },
      { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
    ] }));
    expect(await attrs()).toMatchObject({ 'deletion_protection.enabled': 'true', 'idle_timeout.timeout_seconds': '120' });
    for (const bad of [{ Key: 'nope', Value: '1' }, { Key: 'idle_timeout.timeout_seconds', Value: '0' }, { Key: 'access_logs.s3.enabled', Value: 'true' }]) {
      expect(await failure(elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [bad] })))).toBeInstanceOf(InvalidConfigurationRequestException);
    }
    const denied = await failure(elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn })));
    expect(denied).toBeInstanceOf(OperationNotPermittedException);
    expect((await failure(ec2.send(new DeleteSubnetCommand({ SubnetId: subnets[0] })))).name).toBe('DependencyViolation');
    expect((await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: sgId })))).name).toBe('DependencyViolation');
    await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }] }));
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn })); // already gone: succeeds
    expect(await failure(elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] })))).toBeInstanceOf(LoadBalancerNotFoundException);
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: sgId }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnets[0] }));
  });
});

describe('ELBv2 target groups', () => {
  it('creates with the documented defaults; same settings return it, others are DuplicateTargetGroupName', async () => {
    const tg = (await createTg()).TargetGroups![0]!;
    expect(tg.TargetGroupArn).toMatch(new RegExp(`^arn:aws:elasticloadbalancing:us-east-1:${sandbox.world.accountId}:targetgroup/shop-web/[0-9a-f]{16}$`));
    expect(tg).toMatchObject({
      Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'instance', HealthCheckProtocol: 'HTTP', HealthCheckPort: 'traffic-port',
      HealthCheckPath: '/healthz', HealthCheckIntervalSeconds: 15, HealthCheckTimeoutSeconds: 6, HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 2, Matcher: { HttpCode: '200-299' }, LoadBalancerArns: [], ProtocolVersion: 'HTTP1',
    });
    expect((await createTg()).TargetGroups![0]!.TargetGroupArn).toBe(tg.TargetGroupArn);
    expect(await failure(createTg({ Port: 80 }))).toBeInstanceOf(DuplicateTargetGroupNameException);
  });

  it('validates health check settings', async () => {
    const cases: Array<Record<string, unknown>> = [
      { HealthCheckPath: 'healthz' }, { HealthCheckIntervalSeconds: 4 }, { HealthyThresholdCount: 11 }, { UnhealthyThresholdCount: 1 },
      { Matcher: { HttpCode: '600' } }, { HealthCheckTimeoutSeconds: 20 }, { VpcId: 'vpc-0123456789abcdef0' }, { Name: 'bad_name' },
    ];
    for (const c of cases) {
      const err = await failure(createTg({ Name: 'tg-x', ...c }));
      expect(['ValidationError', 'InvalidConfigurationRequestException'], JSON.stringify(c)).toContain(err.name);
    }
    const tg = (await createTg()).TargetGroups![0]!;
    const modified = await elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn, HealthCheckPath: '/up', HealthCheckIntervalSeconds: 10 }));
    expect(modified.TargetGroups![0]).toMatchObject({ HealthCheckPath: '/up', HealthCheckIntervalSeconds: 10 });
    expect((await failure(elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn, HealthCheckPath: 'up' })))).name).toBe('ValidationError');
  });

  it('describes by load balancer, ARN and name; refuses to delete a group a listener forwards to', async () => {
    const lb = (await createLb()).LoadBalancers![0]!.LoadBalancerArn!;
    const tg = (await createTg()).TargetGroups![0]!.TargetGroupArn!;
    expect((await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb }))).TargetGroups).toEqual([]);
    const listener = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: forward(tg) }))).Listeners![0]!;
    const byLb = (await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb }))).TargetGroups!;
    expect(byLb.map((t) => [t.TargetGroupArn, t.LoadBalancerArns])).toEqual([[tg, [lb]]]);
    expect((await elb.send(new DescribeTargetGroupsCommand({ Names: ['shop-web'] }))).TargetGroups![0]!.TargetGroupArn).toBe(tg);
    expect(await failure(elb.send(new DescribeTargetGroupsCommand({ Names: ['nope'] })))).toBeInstanceOf(TargetGroupNotFoundException);
    const inUse = await failure(elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg })));
    expect(inUse).toBeInstanceOf(ResourceInUseException);
    await elb.send(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn }));
    await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg }));
    expect(await failure(elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [tg] })))).toBeInstanceOf(TargetGroupNotFoundException);
  });
});

describe('ELBv2 listeners', () => {
  it('creates HTTP forward and HTTP→HTTPS redirect listeners; a second listener on the port is DuplicateListener', async () => {
    const lb = (await createLb()).LoadBalancers![0]!.LoadBalancerArn!;
    const tg = (await createTg()).TargetGroups![0]!.TargetGroupArn!;
    certificates[cert] = 'ISSUED';
    const https = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: cert }], DefaultActions: forward(tg) }))).Listeners![0]!;
    expect(https.ListenerArn).toMatch(/:listener\/app\/shop-alb\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    expect(https).toMatchObject({ Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-2016-08', Certificates: [{ CertificateArn: cert }] });
    expect(https.DefaultActions![0]).toMatchObject({ Type: 'forward', TargetGroupArn: tg, ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 1 }] } });
    const redirect = [{ Type: 'redirect' as const, RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' as const } }];
    const http = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: redirect }))).Listeners![0]!;
    expect(http.DefaultActions![0]!.RedirectConfig).toEqual({ Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' });
    expect((await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: redirect }))).Listeners![0]!.ListenerArn).toBe(http.ListenerArn);
    expect(await failure(elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: forward(tg) })))).toBeInstanceOf(DuplicateListenerException);
    const listed = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb }));
    expect(listed.Listeners!.map((l) => l.Port)).toEqual([443, 80]);
    expect(await failure(elb.send(new DescribeListenersCommand({ ListenerArns: [http.ListenerArn!.replace(/[0-9a-f]{16}$/, '0'.repeat(16))] })))).toBeInstanceOf(ListenerNotFoundException);
    const loop = await failure(elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 8080, DefaultActions: [{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_302' } }] })));
    expect(loop.name).toBe('InvalidLoadBalancerActionException');
  });

  it('needs an issued ACM certificate and a real security policy for HTTPS', async () => {
    const lb = (await createLb()).LoadBalancers![0]!.LoadBalancerArn!;
    const tg = (await createTg()).TargetGroups![0]!.TargetGroupArn!;
    const https = (extra: Record<string, unknown>) =>
      elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTPS', Port: 443, DefaultActions: forward(tg), ...extra }));
    const none = await failure(https({}));
    expect([none.name, none.message]).toEqual(['ValidationError', 'A certificate must be specified for HTTPS listeners']);
    const unknown = await failure(https({ Certificates: [{ CertificateArn: cert }] }));
    expect(unknown).toBeInstanceOf(CertificateNotFoundException);
    certificates[cert] = 'PENDING_VALIDATION';
    const pending = await failure(https({ Certificates: [{ CertificateArn: cert }] }));
    expect([pending.name, pending.message]).toEqual(['CertificateNotFoundException', `Certificate '${cert}' not found`]);
    certificates[cert] = 'ISSUED';
    expect(await failure(https({ Certificates: [{ CertificateArn: cert }], SslPolicy: 'ELBSecurityPolicy-Nope' }))).toBeInstanceOf(SSLPolicyNotFoundException);
    const otherRegion = cert.replace('us-east-1', 'eu-west-1');
    certificates[otherRegion] = 'ISSUED';
    expect(await failure(https({ Certificates: [{ CertificateArn: otherRegion }] }))).toBeInstanceOf(CertificateNotFoundException);
    const ok = (await https({ Certificates: [{ CertificateArn: cert }], SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' })).Listeners![0]!;
    expect(ok.SslPolicy).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
    const http = await failure(elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, SslPolicy: 'ELBSecurityPolicy-2016-08', DefaultActions: forward(tg) })));
    expect(http.name).toBe('IncompatibleProtocolsException');
    const modified = await elb.send(new ModifyListenerCommand({ ListenerArn: ok.ListenerArn, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06' }));
    expect(modified.Listeners![0]!.SslPolicy).toBe('ELBSecurityPolicy-TLS13-1-2-Res-2021-06');
  });

  it('lets a target group serve one load balancer only', async () => {
    const a = (await createLb()).LoadBalancers![0]!.LoadBalancerArn!;
    const b = (await createLb({ Name: 'shop-alb-2' })).LoadBalancers![0]!.LoadBalancerArn!;
    const tg = (await createTg()).TargetGroups![0]!.TargetGroupArn!;
    await elb.send(new CreateListenerCommand({ LoadBalancerArn: a, Protocol: 'HTTP', Port: 80, DefaultActions: forward(tg) }));
    expect(await failure(elb.send(new CreateListenerCommand({ LoadBalancerArn: b, Protocol: 'HTTP', Port: 80, DefaultActions: forward(tg) }))))
      .toBeInstanceOf(TargetGroupAssociationLimitException);
  });
});

describe('ELBv2 targets', () => {
  it('goes unused → initial → healthy, then draining for the deregistration delay', async () => {
    const lb = (await createLb()).LoadBalancers![0]!.LoadBalancerArn!;
    const tg = (await createTg()).TargetGroups![0]!.TargetGroupArn!;
    const id = await instance();
    const pending = await failure(elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] })));
    expect(pending).toBeInstanceOf(InvalidTargetException);
    sandbox.clock.advance(sandbox.durations.ec2InstanceStart);
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] }));
    const health = async () => (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions!.map((d) => [d.Target!.Id, d.HealthCheckPort, d.TargetHealth!.State, d.TargetHealth!.Reason]);
    expect(await health()).toEqual([[id, '8080', 'unused', 'Target.NotInUse']]);
    await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: forward(tg) }));
    expect(await health()).toEqual([[id, '8080', 'initial', 'Elb.RegistrationInProgress']]); // the ALB is still provisioning
    sandbox.clock.advance(3 * MIN - sandbox.durations.ec2InstanceStart); // the ALB is active: health checks start
    expect(await health()).toEqual([[id, '8080', 'initial', 'Elb.InitialHealthChecking']]);
    sandbox.clock.advance(15_000 - 1);
    expect(await health()).toEqual([[id, '8080', 'initial', 'Elb.InitialHealthChecking']]);
    sandbox.clock.advance(1); // one health check interval: "it must pass one health check to be considered healthy"
    expect(await health()).toEqual([[id, '8080', 'healthy', undefined]]);
    await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '60' }] }));
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] }));
    expect(await health()).toEqual([[id, '8080', 'draining', 'Target.DeregistrationInProgress']]);
    sandbox.clock.advance(MIN);
    expect(await health()).toEqual([]);
    const asked = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] }));
    expect(asked.TargetHealthDescriptions![0]!.TargetHealth).toMatchObject({ State: 'unused', Reason: 'Target.NotRegistered' });
    // Deregistering a target that is not registered succeeds.
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] }));
  });

  it('refuses targets from another VPC and unknown instances', async () => {
    const tg = (await createTg()).TargetGroups![0]!.TargetGroupArn!;
    const ami = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0]!.ImageId!;
    const elsewhere = (await ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!; // default VPC
    sandbox.clock.advance(sandbox.durations.ec2InstanceStart);
    expect((await failure(elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: elsewhere }] })))).message).toContain('not in the target group VPC');
    expect(await failure(elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: 'i-0123456789abcdef0' }] })))).toBeInstanceOf(InvalidTargetException);
  });
});

describe('ELBv2 tags', () => {
  it('adds, describes and removes tags on load balancers, target groups and listeners', async () => {
    const lb = (await createLb()).LoadBalancers![0]!.LoadBalancerArn!;
    const tg = (await createTg()).TargetGroups![0]!.TargetGroupArn!;
    const l = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: forward(tg), Tags: [{ Key: 'k', Value: 'v' }] }))).Listeners![0]!.ListenerArn!;
    await elb.send(new AddTagsCommand({ ResourceArns: [lb, tg], Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'promigrate:project', Value: 'shop2' }] }));
    const described = await elb.send(new DescribeTagsCommand({ ResourceArns: [lb, tg, l] }));
    expect(described.TagDescriptions!.map((d) => [d.ResourceArn, d.Tags])).toEqual([
      [lb, [{ Key: 'promigrate:project', Value: 'shop2' }, { Key: 'env', Value: 'prod' }]],
      [tg, [{ Key: 'env', Value: 'prod' }, { Key: 'promigrate:project', Value: 'shop2' }]],
      [l, [{ Key: 'k', Value: 'v' }]],
    ]);
    await elb.send(new RemoveTagsCommand({ ResourceArns: [lb], TagKeys: ['env'] }));
    expect((await elb.send(new DescribeTagsCommand({ ResourceArns: [lb] }))).TagDescriptions![0]!.Tags).toEqual([{ Key: 'promigrate:project', Value: 'shop2' }]);
    expect(await failure(elb.send(new AddTagsCommand({ ResourceArns: [lb], Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] })))).toBeInstanceOf(DuplicateTagKeysException);
    expect((await failure(elb.send(new DescribeTagsCommand({ ResourceArns: Array(21).fill(lb) })))).name).toBe('ValidationError');
    const gone = tg.replace(/[0-9a-f]{16}$/, '0'.repeat(16));
    expect(await failure(elb.send(new DescribeTagsCommand({ ResourceArns: [gone] })))).toBeInstanceOf(TargetGroupNotFoundException);
  });
});
