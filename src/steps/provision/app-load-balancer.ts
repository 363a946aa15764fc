/**
 * The app tier's front: the target group the Auto Scaling group registers its instances in,
 * an internet-facing Application Load Balancer in the public subnets with `sg.alb`, and its
 * listeners — HTTPS on 443 with the ACM certificate and a current TLS policy forwarding to
 * the target group, and HTTP on 80 redirecting to HTTPS (or forwarding, with app.https off).
 * Names are deterministic (app-names.ts), so a resumed run finds what a crashed one made;
 * an existing one is used only when it carries this project's tag.
 * API: ELBv2 API reference (CreateTargetGroup, CreateLoadBalancer, CreateListener,
 * DescribeTags, Delete*); TLS policy: "Security policies for your Application Load Balancer".
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { unlessNotFound } from '../../aws/errors.js';
import { waitFor } from '../../aws/wait.js';
import type { AppConfig, MigrationConfig } from '../../config/schema.js';
import { createOrAdopt } from '../../engine/resources/create-or-adopt.js';
import { conflictError, foreignOwner, leaveForeign } from '../../engine/resources/ownership.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';
import { waitDeleted } from '../../engine/resources/wait-deleted.js';
import { APP_KEYS, elbName } from './app-names.js';
import { IGW_KEY, PUBLIC_RT_KEY, VPC_KEY, subnetKeys, vpcIdOf } from './network-plan.js';
import { SG_KEYS } from './security-groups.js';

/** TLS 1.3 and 1.2 only: the policy the ELB guide recommends for new HTTPS listeners. */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

const elbOf = (t: TaskContext): Promise<ElasticLoadBalancingV2Client> => t.step.aws.elbv2;
const app = (t: TaskContext): AppConfig => t.config.app!;
const hasApp = (c: MigrationConfig): boolean => c.app !== undefined;

async function ownerProblem(elb: ElasticLoadBalancingV2Client, arn: string, project: string): Promise<string | undefined> {
  const tags = (await elb.send(new DescribeTagsCommand({ ResourceArns: [arn] }))).TagDescriptions?.[0]?.Tags;
  return foreignOwner(tags, project);
}

export function appLoadBalancerTasks(config: MigrationConfig): ResourceTask[] {
  if (!config.app) return [];
  return [targetGroupTask(), loadBalancerTask(), listenerTask('https'), listenerTask('http')].filter((task) => task.enabled?.(config) ?? true);
}

function targetGroupParams(t: TaskContext) {
  const a = app(t);
  return {
    Name: elbName(t.project, 'app'),
    Protocol: 'HTTP' as const,
    Port: a.port,
    VpcId: vpcIdOf(t),
    TargetType: 'instance' as const,
    HealthCheckProtocol: 'HTTP' as const,
    HealthCheckPath: a.healthCheckPath,
    HealthCheckIntervalSeconds: 15,
    HealthyThresholdCount: 2,
    UnhealthyThresholdCount: 3,
    Matcher: { HttpCode: '200-399' },
    Tags: t.tags(APP_KEYS.targetGroup, elbName(t.project, 'app')),
  };
}

const targetGroupFound = (g: TargetGroup): FoundResource => ({
  id: g.TargetGroupArn!,
  arn: g.TargetGroupArn!,
  outputs: { name: g.TargetGroupName, arn: g.TargetGroupArn, dimension: g.TargetGroupArn!.replace(/^.*:(targetgroup\/)/, '$1') },
});

function targetGroupTask(): ResourceTask {
  const lookup = async (t: TaskContext, strict: boolean): Promise<FoundResource | undefined> => {
    const elb = await elbOf(t);
    const name = elbName(t.project, 'app');
    const out = await unlessNotFound(() => elb.send(new DescribeTargetGroupsCommand({ Names: [name] })), 'TargetGroupNotFound');
    const group = out?.TargetGroups?.[0];
    if (!group) return undefined;
    const owner = await ownerProblem(elb, group.TargetGroupArn!, t.project);
    if (owner) {
      if (strict) throw conflictError(`target group ${name}`, [owner]);
      return leaveForeign(t, APP_KEYS.targetGroup, group.TargetGroupArn!, owner);
    }
    return targetGroupFound(group);
  };
  return {
    key: APP_KEYS.targetGroup,
    type: 'elbv2:target-group',
    title: 'target group of the web tier',
    dependsOn: [VPC_KEY],
    enabled: hasApp,
    find: (t) => lookup(t, true),
    planCreate: (t) => [{ operation: 'elasticloadbalancing:CreateTargetGroup', params: targetGroupParams(t) }],
    async create(t) {
      const elb = await elbOf(t);
      // CreateTargetGroup with a name in use and the same settings returns that group (API reference).
      return createOrAdopt({
        create: async () => targetGroupFound((await elb.send(new CreateTargetGroupCommand(targetGroupParams(t)))).TargetGroups![0]!),
        alreadyExists: ['DuplicateTargetGroupName'],
        adopt: () => lookup(t, true),
      });
    },
    async destroy(t, id) {
      if (!(await lookup(t, false))) return;
      const elb = await elbOf(t);
      await unlessNotFound(() => elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: id })), 'TargetGroupNotFound');
    },
    findAll: async (t) => {
      const found = await lookup(t, false).catch(() => undefined);
      return found ? [found] : [];
    },
  };
}

function loadBalancerParams(t: TaskContext) {
  return {
    Name: elbName(t.project, 'alb'),
    Type: 'application' as const,
    Scheme: 'internet-facing' as const,
    IpAddressType: 'ipv4' as const,
    Subnets: subnetKeys(t.config, 'public').map((k) => t.id(k)),
    SecurityGroups: [t.id(SG_KEYS.alb)],
    Tags: t.tags(APP_KEYS.loadBalancer, elbName(t.project, 'alb')),
  };
}

const loadBalancerFound = (lb: LoadBalancer): FoundResource => ({
  id: lb.LoadBalancerArn!,
  arn: lb.LoadBalancerArn!,
  outputs: {
    name: lb.LoadBalancerName,
    dnsName: lb.DNSName,
    canonicalHostedZoneId: lb.CanonicalHostedZoneId,
    state: lb.State?.Code,
    // The CloudWatch dimension: `app/<name>/<id>` (ELB guide, "CloudWatch metrics for your Application Load Balancer").
    dimension: lb.LoadBalancerArn!.replace(/^.*:loadbalancer\//, ''),
  },
});

function loadBalancerTask(): ResourceTask {
  const describe = async (t: TaskContext): Promise<LoadBalancer | undefined> => {
    const elb = await elbOf(t);
    const out = await unlessNotFound(() => elb.send(new DescribeLoadBalancersCommand({ Names: [elbName(t.project, 'alb')] })), 'LoadBalancerNotFound');
    return out?.LoadBalancers?.[0];
  };
  const lookup = async (t: TaskContext, strict: boolean): Promise<FoundResource | undefined> => {
    const lb = await describe(t);
    if (!lb) return undefined;
    const owner = await ownerProblem(await elbOf(t), lb.LoadBalancerArn!, t.project);
    if (owner) {
      if (strict) throw conflictError(`load balancer ${lb.LoadBalancerName}`, [owner]);
      return leaveForeign(t, APP_KEYS.loadBalancer, lb.LoadBalancerArn!, owner);
    }
    return loadBalancerFound(lb);
  };
  return {
    key: APP_KEYS.loadBalancer,
    type: 'elbv2:load-balancer',
    title: 'application load balancer (internet-facing, public subnets)',
    dependsOn: [SG_KEYS.alb, IGW_KEY, PUBLIC_RT_KEY],
    enabled: hasApp,
    find: (t) => lookup(t, true),
    planCreate: (t) => [{ operation: 'elasticloadbalancing:CreateLoadBalancer', params: loadBalancerParams(t) }],
    async create(t) {
      const elb = await elbOf(t);
      return createOrAdopt({
        create: async () => loadBalancerFound((await elb.send(new CreateLoadBalancerCommand(loadBalancerParams(t)))).LoadBalancers![0]!),
        alreadyExists: ['DuplicateLoadBalancerName'],
        adopt: () => lookup(t, true),
      });
    },
    async waitReady(t) {
      const { value } = await waitFor({
        what: `load balancer ${elbName(t.project, 'alb')}`,
        describe: () => describe(t),
        done: (lb) => lb?.State?.Code === 'active',
        failed: (lb) => (lb?.State?.Code === 'failed' ? lb.State.Reason ?? 'failed' : undefined),
        status: (lb) => lb?.State?.Code,
        clock: t.step.clock,
        signal: t.step.signal,
        preset: 'ec2',
        readyLabel: 'active',
      });
      return loadBalancerFound(value!).outputs;
    },
    async destroy(t, id) {
      if (!(await lookup(t, false))) return;
      const elb = await elbOf(t);
      await unlessNotFound(() => elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: id })), 'LoadBalancerNotFound');
      await waitDeleted({ what: `load balancer ${elbName(t.project, 'alb')}`, describe: () => describe(t), status: (lb) => lb.State?.Code, clock: t.step.clock, signal: t.step.signal, preset: 'ec2' });
    },
    findAll: async (t) => {
      const found = await lookup(t, false).catch(() => undefined);
      return found ? [found] : [];
    },
    identify: () => ({ noun: 'load balancer' }),
  };
}

function listenerParams(t: TaskContext, kind: 'https' | 'http') {
  const a = app(t);
  const forward = [{ Type: 'forward' as const, TargetGroupArn: t.id(APP_KEYS.targetGroup) }];
  const key = kind === 'https' ? APP_KEYS.listenerHttps : APP_KEYS.listenerHttp;
  if (kind === 'https') {
    return {
      LoadBalancerArn: t.id(APP_KEYS.loadBalancer),
      Protocol: 'HTTPS' as const,
      Port: 443,
      SslPolicy: TLS_POLICY,
      Certificates: [{ CertificateArn: t.id(APP_KEYS.certificate) }],
      DefaultActions: forward,
      Tags: t.tags(key),
    };
  }
  return {
    LoadBalancerArn: t.id(APP_KEYS.loadBalancer),
    Protocol: 'HTTP' as const,
    Port: 80,
    DefaultActions: a.https
      ? [{ Type: 'redirect' as const, RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' as const } }]
      : forward,
    Tags: t.tags(key),
  };
}

function listenerTask(kind: 'https' | 'http'): ResourceTask {
  const key = kind === 'https' ? APP_KEYS.listenerHttps : APP_KEYS.listenerHttp;
  const port = kind === 'https' ? 443 : 80;
  const lookup = async (t: TaskContext): Promise<Listener | undefined> => {
    const lb = t.id(APP_KEYS.loadBalancer);
    if (lb.startsWith('<')) return undefined;
    const elb = await elbOf(t);
    const out = await unlessNotFound(() => elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb })), 'LoadBalancerNotFound', 'ListenerNotFound');
    return out?.Listeners?.find((l) => l.Port === port);
  };
  const found = (l: Listener): FoundResource => ({ id: l.ListenerArn!, arn: l.ListenerArn!, outputs: { port: l.Port, protocol: l.Protocol } });
  return {
    key,
    type: 'elbv2:listener',
    title: kind === 'https' ? 'HTTPS listener (443, ACM certificate)' : 'HTTP listener (80)',
    dependsOn: kind === 'https' ? [APP_KEYS.loadBalancer, APP_KEYS.targetGroup, APP_KEYS.certificate] : [APP_KEYS.loadBalancer, APP_KEYS.targetGroup],
    enabled: (c) => hasApp(c) && (kind === 'http' || c.app!.https),
    async find(t) {
      const l = await lookup(t);
      return l ? found(l) : undefined;
    },
    planCreate: (t) => [{ operation: 'elasticloadbalancing:CreateListener', params: listenerParams(t, kind) }],
    async create(t) {
      const elb = await elbOf(t);
      return createOrAdopt({
        create: async () => found((await elb.send(new CreateListenerCommand(listenerParams(t, kind)))).Listeners![0]!),
        alreadyExists: ['DuplicateListener'],
        adopt: async () => {
          const l = await lookup(t);
          return l ? found(l) : undefined;
        },
      });
    },
    async destroy(t, id) {
      const elb = await elbOf(t);
      await unlessNotFound(() => elb.send(new DeleteListenerCommand({ ListenerArn: id })), 'ListenerNotFound');
    },
    findAll: async (t) => {
      const l = await lookup(t).catch(() => undefined);
      return l ? [found(l)] : [];
    },
  };
}
