/**
 * The Auto Scaling simulator through the real SDK v3 clients: groups launch real EC2 instances
 * of the sandbox from a launch template, register them with an ALB's target group, and scale in
 * through connection draining, on the simulated clock.
 */
import {
  AlreadyExistsFault,
  AutoScalingClient,
  AutoScalingServiceException,
  CreateAutoScalingGroupCommand,
  CreateOrUpdateTagsCommand,
  DeleteAutoScalingGroupCommand,
  DeletePolicyCommand,
  DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribePoliciesCommand,
  DescribeScalingActivitiesCommand,
  DescribeTagsCommand,
  InvalidNextToken,
  PutScalingPolicyCommand,
  ResourceInUseFault,
  ScalingActivityInProgressFault,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteLaunchTemplateCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/aws/sandbox/index.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';

afterEach(removeTempDirs);

const MIN = 60_000;
let sandbox: Sandbox;
let ec2: EC2Client;
let elb: ElasticLoadBalancingV2Client;
let asg: AutoScalingClient;
let vpcId: string;
let subnets: string[];
let sgId: string;
let amiId: string;
let ltId: string;
let tgArn: string;
let lbArn: string;
let start: number;

beforeEach(async () => {
  const made = await makeSandbox();
  sandbox = made.sandbox;
  [ec2, elb, asg] = [await made.clients.ec2, await made.clients.elbv2, await made.clients.autoscaling];
  vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
  subnets = [];
  for (const [i, az] of ['a', 'b'].entries()) {
    subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: `us-east-1${az}` }))).Subnet!.SubnetId!);
  }
  sgId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId }))).GroupId!;
  amiId = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64'] }] }))).Images![0]!.ImageId!;
  ltId = (await ec2.send(new CreateLaunchTemplateCommand({
    LaunchTemplateName: 'shop-web',
    LaunchTemplateData: {
      ImageId: amiId, InstanceType: 't3.small', SecurityGroupIds: [sgId], MetadataOptions: { HttpTokens: 'required' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'from-template' }, { Key: 'role', Value: 'web' }] }],
    },
  }))).LaunchTemplate!.LaunchTemplateId!;
  lbArn = (await elb.send(new CreateLoadBalancerCommand({ Name: 'shop-alb', Subnets: subnets, SecurityGroups: [sgId] }))).LoadBalancers![0]!.LoadBalancerArn!;
  tgArn = (await elb.send(new CreateTargetGroupCommand({ Name: 'shop-web', Protocol: 'HTTP', Port: 80, VpcId: vpcId, HealthCheckPath: '/' }))).TargetGroups![0]!.TargetGroupArn!;
  await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }));
  start = sandbox.clock.now();
});

const failure = (p: Promise<unknown>): Promise<AutoScalingServiceException> =>
  p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as AutoScalingServiceException);

const createGroup = (extra: Record<string, unknown> = {}) =>
  asg.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: 'shop-web', LaunchTemplate: { LaunchTemplateId: ltId, Version: '$Latest' },
    MinSize: 2, MaxSize: 4, DesiredCapacity: 2, VPCZoneIdentifier: subnets.join(','), TargetGroupARNs: [tgArn],
    HealthCheckType: 'ELB', HealthCheckGracePeriod: 300,
    Tags: [{ Key: 'Name', Value: 'shop-web', PropagateAtLaunch: true }, { Key: 'promigrate:project', Value: 'shop', PropagateAtLaunch: true }, { Key: 'internal', Value: 'x', PropagateAtLaunch: false }],
    ...extra,
  }));

const group = async (name = 'shop-web') =>
  (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0];
const states = async () => (await group())!.Instances!.map((i) => [i.LifecycleState, i.HealthStatus]);
const health = async () => (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))).TargetHealthDescriptions!
  .map((d) => d.TargetHealth!.State).sort();
const ec2Instances = async () => (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: ['shop-web'] }] })))
  .Reservations!.flatMap((r) => r.Instances!);
const until = (t: number) => sandbox.clock.advance(start + t - sandbox.clock.now());

describe('Auto Scaling groups', () => {
  it('launches the desired capacity as EC2 instances from the template, across AZs, tagged, registered with the target group', async () => {
    await createGroup();
    const g = (await group())!;
    expect(g.AutoScalingGroupARN).toMatch(new RegExp(`^arn:aws:autoscaling:us-east-1:${sandbox.world.accountId}:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName/shop-web$`));
    expect(g).toMatchObject({
      MinSize: 2, MaxSize: 4, DesiredCapacity: 2, DefaultCooldown: 300, HealthCheckType: 'ELB', HealthCheckGracePeriod: 300,
      AvailabilityZones: ['us-east-1a', 'us-east-1b'], TargetGroupARNs: [tgArn], VPCZoneIdentifier: subnets.join(','),
      LaunchTemplate: { LaunchTemplateId: ltId, LaunchTemplateName: 'shop-web', Version: '$Latest' }, TerminationPolicies: ['Default'],
    });
    expect(g.Instances!.map((i) => [i.AvailabilityZone, i.LifecycleState, i.HealthStatus, i.InstanceType, i.LaunchTemplate?.Version])).toEqual([
      ['us-east-1a', 'Pending', 'Healthy', 't3.small', '1'], ['us-east-1b', 'Pending', 'Healthy', 't3.small', '1'],
    ]);
    const instances = await ec2Instances();
    expect(instances).toHaveLength(2);
    for (const i of instances) {
      expect(i).toMatchObject({ ImageId: amiId, InstanceType: 't3.small', VpcId: vpcId, SecurityGroups: [{ GroupId: sgId, GroupName: 'web' }], MetadataOptions: { HttpTokens: 'required' } });
      const tags = Object.fromEntries(i.Tags!.map((t) => [t.Key, t.Value]));
      expect(tags).toEqual({
        Name: 'shop-web', role: 'web', 'promigrate:project': 'shop', 'aws:autoscaling:groupName': 'shop-web',
        'aws:ec2launchtemplate:id': ltId, 'aws:ec2launchtemplate:version': '1',
      });
    }
    expect(await health()).toEqual([]); // registered once running
    sandbox.clock.advance(sandbox.durations.ec2InstanceStart);
    expect(await states()).toEqual([['InService', 'Healthy'], ['InService', 'Healthy']]);
    expect(await health()).toEqual(['initial', 'initial']);
    until(3 * MIN + 30_000); // the ALB is active, then one health check interval (30 s)
    expect(await health()).toEqual(['healthy', 'healthy']);
    const activities = (await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'shop-web' }))).Activities!;
    expect(activities.map((a) => [a.StatusCode, a.Description?.replace(/i-[0-9a-f]+/, 'i-…')])).toEqual([
      ['Successful', 'Launching a new EC2 instance: i-…'], ['Successful', 'Launching a new EC2 instance: i-…'],
    ]);
    expect(activities[0]!.Cause).toContain('a user request created an AutoScalingGroup changing the desired capacity from 0 to 2.');
  });

  it('refuses what AWS refuses', async () => {
    await createGroup();
    const dup = await failure(createGroup());
    expect(dup).toBeInstanceOf(AlreadyExistsFault);
    expect(dup.message).toBe('AutoScalingGroup by this name already exists - A group with the name shop-web already exists');
    const other = { AutoScalingGroupName: 'other' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ MinSize: 3, MaxSize: 2, DesiredCapacity: 2 }, 'Max bound, 2, must be greater than or equal to min bound, 3'],
      [{ DesiredCapacity: 5 }, 'Desired capacity:5 must be between the specified min size:2 and max size:4'],
      [{ LaunchTemplate: { LaunchTemplateId: 'lt-0123456789abcdef0' } }, 'You must use a valid fully-formed launch template. The specified launch template, with template ID lt-0123456789abcdef0, does not exist.'],
      [{ LaunchTemplate: { LaunchTemplateName: 'shop-web', Version: '9' } }, `You must use a valid fully-formed launch template. The specified launch template, with template ID ${ltId}, version 9, does not exist.`],
      [{ VPCZoneIdentifier: 'subnet-0123456789abcdef0' }, "The subnet ID 'subnet-0123456789abcdef0' does not exist"],
      [{ VPCZoneIdentifier: undefined }, 'At least one Availability Zone or VPC Subnet is required.'],
      [{ TargetGroupARNs: [tgArn.replace(/[0-9a-f]{16}$/, '0'.repeat(16))] }, 'Provided Target Groups may not be valid. Please ensure they exist and try again.'],
      [{ LaunchTemplate: undefined }, 'Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.'],
      [{ Tags: [{ Key: 'aws:x', Value: 'y' }] }, "Tag keys starting with 'aws:' are reserved for internal use: aws:x"],
    ];
    for (const [extra, message] of cases) {
      const err = await failure(createGroup({ ...other, ...extra }));
      expect([err.name, err.message], message).toEqual(['ValidationError', message]);
    }
    const badAmi = (await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: ltId, SourceVersion: '1', LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0' } }))).LaunchTemplateVersion!;
    const ami = await failure(createGroup({ ...other, LaunchTemplate: { LaunchTemplateId: ltId, Version: String(badAmi.VersionNumber) } }));
    expect(ami.message).toBe("You must use a valid fully-formed launch template. The image id '[ami-0123456789abcdef0]' does not exist");
    expect((await failure(createGroup({ ...other, LaunchConfigurationName: 'lc' }))).name).toBe('ValidationError');
    expect((await failure(createGroup({ ...other, MaxInstanceLifetime: 86400 }))).name).toBe('UnsupportedOperation');
    // Nothing of the refused groups was created.
    expect((await asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups!.map((g) => g.AutoScalingGroupName)).toEqual(['shop-web']);
    expect(await ec2Instances()).toHaveLength(2);
  });

  it('scales out and in; scale-in drains the target first, then EC2 terminates; delete waits for that', async () => {
    await createGroup();
    until(3 * MIN + 30_000);
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web', DesiredCapacity: 3 }));
    expect((await group())!.Instances!.map((i) => i.AvailabilityZone)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1a']);
    expect(await failure(asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web' })))).toBeInstanceOf(ScalingActivityInProgressFault);
    sandbox.clock.advance(sandbox.durations.ec2InstanceStart);
    const inUse = await failure(asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web' })));
    expect(inUse).toBeInstanceOf(ResourceInUseFault);
    expect(inUse.message).toBe('You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');

    // MaxSize below the desired capacity lowers it (UpdateAutoScalingGroup reference).
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web', MinSize: 0, MaxSize: 1 }));
    const g = (await group())!;
    expect(g.DesiredCapacity).toBe(1);
    // AZs balanced first (a had two), then the Default policy: closest to the next instance hour (the older ones).
    expect(g.Instances!.map((i) => [i.AvailabilityZone, i.LifecycleState])).toEqual([['us-east-1a', 'Terminating'], ['us-east-1b', 'Terminating'], ['us-east-1a', 'InService']]);
    expect(await health()).toEqual(['draining', 'draining', 'initial']);
    const running = async () => (await ec2Instances()).filter((i) => i.State!.Name === 'running').length;
    sandbox.clock.advance(5 * MIN - 1); // the default deregistration delay: the instances keep running
    expect(await running()).toBe(3);
    const draining = (await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'shop-web', MaxRecords: 2 }))).Activities!;
    expect(draining.map((a) => a.StatusCode)).toEqual(['WaitingForELBConnectionDraining', 'WaitingForELBConnectionDraining']);
    sandbox.clock.advance(1);
    expect(await running()).toBe(1);
    expect((await group())!.Instances).toHaveLength(3); // still Terminating while EC2 shuts them down
    sandbox.clock.advance(sandbox.durations.ec2InstanceStart);
    expect(await states()).toEqual([['InService', 'Healthy']]);

    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'shop-web', DesiredCapacity: 0 }));
    expect(await failure(asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'shop-web', DesiredCapacity: 2 })))).toMatchObject({
      name: 'ValidationError', message: 'New SetDesiredCapacity value 2 is above max value 1 for the AutoScalingGroup.',
    });
    expect(await failure(asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web' })))).toBeInstanceOf(ScalingActivityInProgressFault);
    sandbox.clock.advance(5 * MIN + sandbox.durations.ec2InstanceStart);
    await asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web' }));
    expect(await group()).toBeUndefined();
    const gone = await failure(asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web' })));
    expect([gone.name, gone.message]).toEqual(['ValidationError', "AutoScalingGroup name not found - AutoScalingGroup 'shop-web' not found"]);
  });

  it('terminates a Pending instance at once: it was never registered, so there is nothing to drain', async () => {
    await createGroup();
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web', MinSize: 0, DesiredCapacity: 0 }));
    expect((await ec2Instances()).map((i) => i.State!.Name)).toEqual(['shutting-down', 'shutting-down']);
    expect(await health()).toEqual([]);
    sandbox.clock.advance(sandbox.durations.ec2InstanceStart);
    expect((await group())!.Instances).toEqual([]);
    await asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web' }));
  });

  it('survives a saved and reopened world, its lifecycles continuing on the clock', async () => {
    const worldPath = join(tempDir(), 'sandbox.json');
    const first = await makeSandbox({ worldPath });
    const [e, a] = [await first.clients.ec2, await first.clients.autoscaling];
    const vpc = (await e.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const subnet = (await e.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    const ami = (await e.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0]!.ImageId!;
    await e.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web-lt', LaunchTemplateData: { ImageId: ami, InstanceType: 't3.micro' } }));
    await a.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'g', LaunchTemplate: { LaunchTemplateName: 'web-lt' }, MinSize: 1, MaxSize: 1, VPCZoneIdentifier: subnet }));
    await first.sandbox.close();
    first.clients.destroy();
    const second = await makeSandbox({ worldPath });
    second.sandbox.clock.advance(second.sandbox.durations.ec2InstanceStart);
    const g = (await (await second.clients.autoscaling).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['g'] }))).AutoScalingGroups![0]!;
    expect(g.Instances!.map((i) => [i.LifecycleState, i.LaunchTemplate!.Version])).toEqual([['InService', '1']]);
    expect(g.LaunchTemplate!.Version).toBe('$Default');
    await second.sandbox.close();
    second.clients.destroy();
  });

  it('raises the desired capacity to a new MinSize', async () => {
    await createGroup({ MinSize: 0, DesiredCapacity: 0 });
    expect((await group())!.Instances).toEqual([]);
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web', MinSize: 1 }));
    expect((await group())!).toMatchObject({ MinSize: 1, DesiredCapacity: 1 });
    expect((await group())!.Instances).toHaveLength(1);
  });

  it('ForceDelete terminates the instances; the group is "Delete in progress" until they are gone', async () => {
    await createGroup();
    sandbox.clock.advance(sandbox.durations.ec2InstanceStart);
    await asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web', ForceDelete: true }));
    expect((await group())!).toMatchObject({ Status: 'Delete in progress' });
    expect(await failure(createGroup())).toBeInstanceOf(AlreadyExistsFault);
    sandbox.clock.advance(5 * MIN + sandbox.durations.ec2InstanceStart);
    expect(await group()).toBeUndefined();
    expect((await ec2Instances()).map((i) => i.State!.Name)).toEqual(['terminated', 'terminated']);
    await createGroup(); // the name is free again
  });

  it('replaces an instance terminated outside Auto Scaling at its next change', async () => {
    await createGroup();
    sandbox.clock.advance(sandbox.durations.ec2InstanceStart);
    const victim = (await group())!.Instances![0]!.InstanceId!;
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [victim] }));
    expect((await group())!.Instances!.map((i) => [i.InstanceId === victim, i.LifecycleState, i.HealthStatus])).toEqual([
      [true, 'Terminating', 'Unhealthy'], [false, 'InService', 'Healthy'],
    ]);
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'shop-web', HealthCheckGracePeriod: 120 }));
    const after = (await group())!.Instances!;
    expect(after.map((i) => [i.LifecycleState, i.AvailabilityZone])).toEqual([['Terminating', 'us-east-1a'], ['InService', 'us-east-1b'], ['Pending', 'us-east-1a']]);
    const causes = (await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'shop-web' }))).Activities!.map((a) => a.Cause!);
    expect(causes[1]).toContain('an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.');
  });

  it('records a failed launch when the template is gone (deleting a template in use is allowed)', async () => {
    await createGroup();
    await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: ltId }));
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'shop-web', DesiredCapacity: 3 }));
    expect((await group())!.Instances).toHaveLength(2);
    const [latest] = (await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'shop-web' }))).Activities!;
    expect(latest).toMatchObject({ StatusCode: 'Failed', StatusMessage: `The specified launch template, with template ID ${ltId}, does not exist. Launching EC2 instance failed.` });
  });
});

describe('Auto Scaling policies, tags and paging', () => {
  it('puts, describes, updates and deletes a target tracking policy', async () => {
    await createGroup();
    const put = (TargetValue: number) => asg.send(new PutScalingPolicyCommand({
      AutoScalingGroupName: 'shop-web', PolicyName: 'cpu50', PolicyType: 'TargetTrackingScaling', EstimatedInstanceWarmup: 120,
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue },
    }));
    const out = await put(50);
    expect(out.PolicyARN).toMatch(/^arn:aws:autoscaling:us-east-1:\d{12}:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName\/shop-web:policyName\/cpu50$/);
    expect(out.Alarms!.map((a) => a.AlarmName)).toEqual([expect.stringMatching(/^TargetTracking-shop-web-AlarmHigh-/), expect.stringMatching(/^TargetTracking-shop-web-AlarmLow-/)]);
    expect((await put(60)).PolicyARN).toBe(out.PolicyARN);
    const [policy] = (await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'shop-web' }))).ScalingPolicies!;
    expect(policy).toMatchObject({ PolicyName: 'cpu50', PolicyType: 'TargetTrackingScaling', EstimatedInstanceWarmup: 120, Enabled: true,
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 60, DisableScaleIn: false } });
    expect((await failure(asg.send(new PutScalingPolicyCommand({ AutoScalingGroupName: 'shop-web', PolicyName: 'x', PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' }, TargetValue: 100 } })))).name).toBe('ValidationError');
    expect((await failure(asg.send(new PutScalingPolicyCommand({ AutoScalingGroupName: 'nope', PolicyName: 'x', PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 } })))).name).toBe('ValidationError');
    await asg.send(new DeletePolicyCommand({ AutoScalingGroupName: 'shop-web', PolicyName: 'cpu50' }));
    expect((await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'shop-web' }))).ScalingPolicies).toEqual([]);
  });

  it('creates, filters and deletes tags; new tags apply to instances launched afterwards', async () => {
    await createGroup();
    await asg.send(new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: 'shop-web', ResourceType: 'auto-scaling-group', Key: 'env', Value: 'prod', PropagateAtLaunch: true }] }));
    const tags = await asg.send(new DescribeTagsCommand({ Filters: [{ Name: 'auto-scaling-group', Values: ['shop-web'] }, { Name: 'propagate-at-launch', Values: ['true'] }] }));
    expect(tags.Tags!.map((t) => t.Key)).toEqual(['Name', 'promigrate:project', 'env']);
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'shop-web', DesiredCapacity: 3 }));
    const envs = (await ec2Instances()).map((i) => i.Tags!.find((t) => t.Key === 'env')?.Value);
    expect(envs.filter((v) => v === 'prod')).toHaveLength(1);
    await asg.send(new DeleteTagsCommand({ Tags: [{ ResourceId: 'shop-web', ResourceType: 'auto-scaling-group', Key: 'env', Value: 'wrong' }] }));
    expect((await group())!.Tags!.some((t) => t.Key === 'env')).toBe(true);
    await asg.send(new DeleteTagsCommand({ Tags: [{ ResourceId: 'shop-web', ResourceType: 'auto-scaling-group', Key: 'env' }] }));
    expect((await group())!.Tags!.map((t) => t.Key)).toEqual(['Name', 'promigrate:project', 'internal']);
    expect((await failure(asg.send(new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: 'nope', ResourceType: 'auto-scaling-group', Key: 'a', Value: 'b' }] })))).name).toBe('ValidationError');
  });

  it('filters groups by tag and pages with MaxRecords/NextToken', async () => {
    await createGroup({ MinSize: 0, DesiredCapacity: 0 });
    await createGroup({ AutoScalingGroupName: 'other', MinSize: 0, DesiredCapacity: 0, Tags: [{ Key: 'promigrate:project', Value: 'else' }] });
    const byTag = await asg.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:promigrate:project', Values: ['shop'] }] }));
    expect(byTag.AutoScalingGroups!.map((g) => g.AutoScalingGroupName)).toEqual(['shop-web']);
    const first = await asg.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 }));
    expect(first.AutoScalingGroups!.map((g) => g.AutoScalingGroupName)).toEqual(['shop-web']);
    const second = await asg.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1, NextToken: first.NextToken }));
    expect([second.AutoScalingGroups!.map((g) => g.AutoScalingGroupName), second.NextToken]).toEqual([['other'], undefined]);
    expect(await failure(asg.send(new DescribeAutoScalingGroupsCommand({ NextToken: 'garbage' })))).toBeInstanceOf(InvalidNextToken);
    expect((await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['nope'] }))).AutoScalingGroups).toEqual([]);
  });
});
