/**
 * The web tier's instances: a launch template (app.amiId, else the latest Amazon Linux 2023
 * from its public SSM parameter; IMDSv2 required; an encrypted root volume; `sg.app`; the
 * user data from app-user-data.ts), an Auto Scaling group across the private subnets that
 * registers its instances in the target group and uses its health checks, and a
 * target-tracking policy on the group's average CPU.
 * API: EC2 API reference (CreateLaunchTemplate with ClientToken, DescribeLaunchTemplates,
 * DeleteLaunchTemplate); Amazon EC2 Auto Scaling API reference (CreateAutoScalingGroup,
 * DescribeAutoScalingGroups, UpdateAutoScalingGroup, DeleteAutoScalingGroup,
 * PutScalingPolicy, DescribePolicies); SSM GetParameter ("Query for the latest Amazon Linux
 * AMI IDs using Systems Manager Parameter Store").
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand, DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, DescribePoliciesCommand, PutScalingPolicyCommand, UpdateAutoScalingGroupCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, DeleteLaunchTemplateCommand, DescribeLaunchTemplatesCommand, type LaunchTemplate } from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { isAwsError, unlessNotFound } from '../../aws/errors.js';
import { tagSpecifications, TAG_PROJECT, tagsToRecord } from '../../aws/tags.js';
import { waitFor } from '../../aws/wait.js';
import type { AppConfig, MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { createOrAdopt } from '../../engine/resources/create-or-adopt.js';
import { conflictError, leaveForeign } from '../../engine/resources/ownership.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';
import { waitDeleted } from '../../engine/resources/wait-deleted.js';
import { AL2023_PARAMETER, APP_KEYS, autoScalingGroupName, launchTemplateName, scalingPolicyName } from './app-names.js';
import { renderUserData } from './app-user-data.js';
import { createWithToken, ec2Of, keyFilters } from './ec2-common.js';
import { subnetKeys } from './network-plan.js';
import { SG_KEYS } from './security-groups.js';

const MINUTE = 60_000;
const app = (t: TaskContext): AppConfig => t.config.app!;
const hasApp = (c: MigrationConfig): boolean => c.app !== undefined;
const asgOf = (t: TaskContext): Promise<AutoScalingClient> => t.step.aws.autoscaling;

export function appInstanceTasks(config: MigrationConfig): ResourceTask[] {
  if (!config.app) return [];
  return [launchTemplateTask(), autoScalingGroupTask(config), scalingPolicyTask()];
}

/** app.amiId, else what the public parameter names now (read once per run). */
const images = new WeakMap<object, Promise<string>>();
function imageId(t: TaskContext): Promise<string> {
  const configured = app(t).amiId;
  if (configured) return Promise.resolve(configured);
  let found = images.get(t.step);
  if (!found) {
    found = (async () => {
      const ssm = await t.step.aws.ssm;
      try {
        const value = (await ssm.send(new GetParameterCommand({ Name: AL2023_PARAMETER }))).Parameter?.Value;
        if (!value) throw new Error(`the SSM parameter ${AL2023_PARAMETER} has no value`);
        return value;
      } catch (err) {
        if (!isAwsError(err, 'ParameterNotFound')) throw err;
        throw new UsageError(`The public SSM parameter ${AL2023_PARAMETER} does not exist in ${t.step.aws.region}.`, { hint: 'Set app.amiId to the image the web tier should run.' });
      }
    })();
    found.catch(() => images.delete(t.step));
    images.set(t.step, found);
  }
  return found;
}

function launchTemplateData(t: TaskContext, image: string) {
  const a = app(t);
  return {
    ImageId: image,
    InstanceType: a.instanceType as never,
    MetadataOptions: { HttpTokens: 'required' as const, HttpEndpoint: 'enabled' as const, HttpPutResponseHopLimit: 1 },
    SecurityGroupIds: [t.id(SG_KEYS.app)],
    UserData: renderUserData(a, t.step.configPath).base64,
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3' as const, VolumeSize: 8, DeleteOnTermination: true } }],
    // The group's instances are its, not state's: tagged under their own key, never swept one by one.
    TagSpecifications: [
      ...tagSpecifications('instance', t.tags(`${APP_KEYS.autoScalingGroup}.instance`, `${t.project}-app`)),
      ...tagSpecifications('volume', t.tags(`${APP_KEYS.autoScalingGroup}.instance`, `${t.project}-app`)),
    ],
  };
}

const templateFound = (lt: LaunchTemplate): FoundResource => ({ id: lt.LaunchTemplateId!, outputs: { name: lt.LaunchTemplateName, latestVersion: lt.LatestVersionNumber } });

function launchTemplateTask(): ResourceTask {
  const lookup = async (t: TaskContext): Promise<LaunchTemplate | undefined> => {
    const ec2 = await ec2Of(t);
    const out = await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: keyFilters(t, APP_KEYS.launchTemplate) }));
    return out.LaunchTemplates?.[0];
  };
  return {
    key: APP_KEYS.launchTemplate,
    type: 'ec2:launch-template',
    title: 'launch template of the web tier (IMDSv2, encrypted root volume)',
    dependsOn: [SG_KEYS.app],
    enabled: hasApp,
    async find(t) {
      const lt = await lookup(t);
      return lt ? templateFound(lt) : undefined;
    },
    planCreate: (t) => [{
      operation: 'ec2:CreateLaunchTemplate',
      params: { LaunchTemplateName: launchTemplateName(t.project), LaunchTemplateData: { ...launchTemplateData(t, app(t).amiId ?? `<${AL2023_PARAMETER}>`), UserData: `<base64 of ${renderUserData(app(t), t.step.configPath).source}>` } },
    }],
    async create(t) {
      const ec2 = await ec2Of(t);
      const data = launchTemplateData(t, await imageId(t));
      const out = await createOrAdopt({
        create: () => createWithToken(t, APP_KEYS.launchTemplate, (ClientToken) => ec2.send(new CreateLaunchTemplateCommand({
          LaunchTemplateName: launchTemplateName(t.project),
          LaunchTemplateData: data,
          ClientToken,
          TagSpecifications: tagSpecifications('launch-template', t.tags(APP_KEYS.launchTemplate, launchTemplateName(t.project))),
        }))).then((r) => r.LaunchTemplate!),
        alreadyExists: ['InvalidLaunchTemplateName.AlreadyExistsException'],
        adopt: async () => {
          const lt = await lookup(t);
          if (!lt) throw conflictError(`launch template ${launchTemplateName(t.project)}`, ['it does not carry this project\'s tags']);
          return lt;
        },
      });
      return templateFound(out);
    },
    async destroy(t, id) {
      const ec2 = await ec2Of(t);
      await unlessNotFound(() => ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: id })), 'InvalidLaunchTemplateId.NotFound', 'InvalidLaunchTemplateName.NotFoundException');
    },
    findAll: async (t) => {
      const lt = await lookup(t);
      return lt ? [templateFound(lt)] : [];
    },
  };
}

function groupParams(t: TaskContext) {
  const a = app(t);
  const name = autoScalingGroupName(t.project);
  return {
    AutoScalingGroupName: name,
    LaunchTemplate: { LaunchTemplateId: t.id(APP_KEYS.launchTemplate), Version: '$Latest' },
    MinSize: a.minSize,
    MaxSize: a.maxSize,
    DesiredCapacity: a.desiredCapacity,
    VPCZoneIdentifier: subnetKeys(t.config, 'private').map((k) => t.id(k)).join(','),
    TargetGroupARNs: [t.id(APP_KEYS.targetGroup)],
    // The load balancer's health check decides: an instance whose app does not answer is replaced.
    HealthCheckType: 'ELB',
    HealthCheckGracePeriod: 300,
    Tags: t.tags(APP_KEYS.autoScalingGroup, `${t.project}-app`).map((tag) => ({ ...tag, PropagateAtLaunch: false, ResourceId: name, ResourceType: 'auto-scaling-group' })),
  };
}

async function describeGroup(t: TaskContext): Promise<AutoScalingGroup | undefined> {
  const asg = await asgOf(t);
  const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [autoScalingGroupName(t.project)] }));
  return out.AutoScalingGroups?.find((g) => !g.Status?.startsWith('Delete'));
}

const groupFound = (g: AutoScalingGroup): FoundResource => ({
  id: g.AutoScalingGroupName!,
  ...(g.AutoScalingGroupARN ? { arn: g.AutoScalingGroupARN } : {}),
  outputs: { desired: g.DesiredCapacity, inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length },
});

function autoScalingGroupTask(config: MigrationConfig): ResourceTask {
  const privateSubnets = subnetKeys(config, 'private');
  const owned = (g: AutoScalingGroup, project: string) => tagsToRecord(g.Tags?.map((x) => ({ Key: x.Key, Value: x.Value })))[TAG_PROJECT] === project;
  return {
    key: APP_KEYS.autoScalingGroup,
    type: 'autoscaling:group',
    title: 'Auto Scaling group of the web tier (private subnets, behind the load balancer)',
    dependsOn: [APP_KEYS.launchTemplate, APP_KEYS.targetGroup, ...privateSubnets],
    enabled: hasApp,
    async find(t) {
      const g = await describeGroup(t);
      if (!g) return undefined;
      if (!owned(g, t.project)) throw conflictError(`Auto Scaling group ${g.AutoScalingGroupName}`, [`it does not carry promigrate:project=${t.project}`]);
      return groupFound(g);
    },
    planCreate: (t) => [{ operation: 'autoscaling:CreateAutoScalingGroup', params: groupParams(t) }],
    async create(t) {
      const asg = await asgOf(t);
      return createOrAdopt({
        create: async () => {
          await asg.send(new CreateAutoScalingGroupCommand(groupParams(t)));
          const g = await describeGroup(t);
          return g ? groupFound(g) : { id: autoScalingGroupName(t.project) };
        },
        alreadyExists: ['AlreadyExists', 'AlreadyExistsFault'],
        adopt: async () => {
          const g = await describeGroup(t);
          if (g && !owned(g, t.project)) throw conflictError(`Auto Scaling group ${g.AutoScalingGroupName}`, [`it does not carry promigrate:project=${t.project}`]);
          return g ? groupFound(g) : undefined;
        },
      });
    },
    async waitReady(t) {
      const a = app(t);
      const elb = await t.step.aws.elbv2;
      // Ready when the group runs its desired capacity and the load balancer sees them healthy.
      const { value } = await waitFor({
        what: `Auto Scaling group ${autoScalingGroupName(t.project)}`,
        describe: async () => {
          const g = await describeGroup(t);
          const health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: t.id(APP_KEYS.targetGroup) }))).TargetHealthDescriptions ?? [];
          return { g, healthy: health.filter((h) => h.TargetHealth?.State === 'healthy').length };
        },
        done: ({ g, healthy }) => (g?.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length >= a.desiredCapacity && healthy >= a.desiredCapacity,
        status: ({ g, healthy }) => `${(g?.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length}/${a.desiredCapacity} in service, ${healthy} healthy`,
        clock: t.step.clock,
        signal: t.step.signal,
        timeoutMs: 20 * MINUTE,
        pollMs: 15_000,
        readyLabel: `${a.desiredCapacity} healthy instance(s)`,
        hint: `Check the target group's health checks (app.healthCheckPath ${a.healthCheckPath} on port ${a.port}) and the instances' user data (system log), then re-run.`,
      });
      return { desired: value.g?.DesiredCapacity, inService: value.healthy };
    },
    async destroy(t, id) {
      const g = await describeGroup(t);
      if (!g) return;
      if (!owned(g, t.project)) leaveForeign(t, APP_KEYS.autoScalingGroup, id, `it does not carry promigrate:project=${t.project}`);
      const asg = await asgOf(t);
      // Drained to 0 first: the instances terminate (and leave the target group), then the group goes.
      if ((g.DesiredCapacity ?? 0) > 0 || (g.MinSize ?? 0) > 0) await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: id, MinSize: 0, DesiredCapacity: 0 }));
      await waitFor({
        what: `Auto Scaling group ${id} draining`,
        describe: () => describeGroup(t),
        done: (x) => (x?.Instances ?? []).length === 0,
        status: (x) => `${(x?.Instances ?? []).length} instance(s) left`,
        clock: t.step.clock, signal: t.step.signal, timeoutMs: 20 * MINUTE, pollMs: 15_000, readyLabel: 'drained',
      });
      await unlessNotFound(() => asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: id })), 'ValidationError');
      await waitDeleted({ what: `Auto Scaling group ${id}`, describe: () => describeGroup(t), status: (x) => x.Status, clock: t.step.clock, signal: t.step.signal, preset: 'ec2' });
    },
    findAll: async (t) => {
      const g = await describeGroup(t);
      return g && owned(g, t.project) ? [groupFound(g)] : [];
    },
  };
}

function policyParams(t: TaskContext) {
  return {
    AutoScalingGroupName: autoScalingGroupName(t.project),
    PolicyName: scalingPolicyName(t.project),
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' as const }, TargetValue: app(t).cpuTargetPercent },
  };
}

function scalingPolicyTask(): ResourceTask {
  const lookup = async (t: TaskContext) => {
    const asg = await asgOf(t);
    const out = await unlessNotFound(() => asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: autoScalingGroupName(t.project), PolicyNames: [scalingPolicyName(t.project)] })), 'ValidationError');
    return out?.ScalingPolicies?.[0];
  };
  return {
    key: APP_KEYS.scalingPolicy,
    type: 'autoscaling:policy',
    title: 'target tracking on average CPU',
    dependsOn: [APP_KEYS.autoScalingGroup],
    enabled: hasApp,
    async find(t) {
      const p = await lookup(t);
      if (!p) return undefined;
      // A changed target is put again (PutScalingPolicy replaces a policy of the same name).
      if (p.TargetTrackingConfiguration?.TargetValue !== app(t).cpuTargetPercent) return undefined;
      return { id: p.PolicyARN!, arn: p.PolicyARN! };
    },
    planCreate: (t) => [{ operation: 'autoscaling:PutScalingPolicy', params: policyParams(t) }],
    async create(t) {
      const asg = await asgOf(t);
      const out = await asg.send(new PutScalingPolicyCommand(policyParams(t)));
      return { id: out.PolicyARN!, arn: out.PolicyARN! };
    },
    // Deleted with its group (DeleteAutoScalingGroup deletes the group's policies).
    async destroy() {},
  };
}
