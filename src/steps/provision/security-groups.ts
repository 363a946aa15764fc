/**
 * Least-privilege security groups:
 * - `sg.app`: the web tier; the database trusts it. Created with no ingress and the default
 *   egress; without `app:` its rules are the web tier's business (never added, never pruned);
 *   with `app:` its ingress is the app port from `sg.alb` only (LB → web → DB).
 * - `sg.alb` (with `app:`): the load balancer; 80 (and 443 with HTTPS) from app.allowedCidrs,
 *   egress only to `sg.app` on the app port (that rule is `sg.app`'s: it needs both ids).
 * - `sg.dms`: no ingress; egress only to the source database (host/32 when it is an IP) on
 *   its port, and to `sg.db` on the engine port — plus HTTPS when DMS reads the source's
 *   password from Secrets Manager itself (source.secretArn with dms.secretsAccessRoleArn):
 *   Secrets Manager has no fixed addresses or managed prefix list, so that egress is
 *   0.0.0.0/0 on 443 only. The default allow-all egress is revoked.
 * - `sg.db`: ingress on the engine port only from `sg.app`, `sg.dms` (and `sg.bastion`),
 *   by group reference, never from a CIDR; no egress.
 * - `sg.bastion` (with network.bastion): SSH only from network.adminCidr, which must be a /32.
 *
 * Groups are created empty; their rules converge in waitReady (after find() too). The
 * dms → db egress rule needs both ids, so it belongs to `sg.db` (which depends on `sg.dms`):
 * `sg.dms` manages its CIDR egress, `sg.db` its group-referenced egress.
 */
import { isIP } from 'node:net';
import {
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { hasTags, tagSpecifications, TAG_KEY, TAG_PROJECT } from '../../aws/tags.js';
import { DEFAULT_PORT } from '../../config/fields.js';
import type { MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { unlessNotFound } from '../../aws/errors.js';
import { createOrAdopt } from '../../engine/resources/create-or-adopt.js';
import { ec2Of, keyFilters, ownedBy, retryWhileInUse, skipForeign } from './ec2-common.js';
import { VPC_KEY, vpcIdOf } from './network-plan.js';
import { allTraffic, plannedRuleCalls, reconcileRules, revokeRules, rulesReferencing, type RuleScope, type RuleSpec } from './security-rules.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';

export const SG_KEYS = { app: 'sg.app', dms: 'sg.dms', db: 'sg.db', bastion: 'sg.bastion', alb: 'sg.alb' } as const;
type Role = keyof typeof SG_KEYS;

interface GroupSpec {
  role: Role;
  description: string;
  dependsOn: string[];
  /** What this task's reconcile owns, and what it asks for; `self` is the group's id. */
  rules(t: TaskContext, self: string): { scopes: RuleScope[]; desired: RuleSpec[] };
  /** Groups whose default allow-all egress the first reconcile revokes (for the plan). */
  revokesDefaultEgress: boolean;
  validate?(config: MigrationConfig): void;
}

export const enginePort = (config: MigrationConfig): number => DEFAULT_PORT[config.target.engine];

/** SSH to the bastion from one address only. */
export function bastionAdminCidr(config: MigrationConfig): string {
  const cidr = config.network.adminCidr;
  if (!cidr || !cidr.endsWith('/32')) {
    throw new UsageError(
      `network.adminCidr ${cidr ?? '(not set)'} must be a single address (/32): the bastion accepts SSH from the admin's own IP only`,
      { hint: 'Set network.adminCidr to your public IP followed by /32, e.g. 203.0.113.7/32.' },
    );
  }
  return cidr;
}

/** DMS fetches the source password from Secrets Manager itself (see sync/endpoints.ts). */
const dmsReadsSecret = (config: MigrationConfig): boolean => Boolean(config.source.secretArn && config.dms.secretsAccessRoleArn);

function sourcePeer(host: string): Pick<RuleSpec, 'cidr' | 'cidrIpv6'> {
  const family = isIP(host);
  return family === 4 ? { cidr: `${host}/32` } : family === 6 ? { cidrIpv6: `${host}/128` } : { cidr: '0.0.0.0/0' };
}

function specs(config: MigrationConfig): GroupSpec[] {
  const project = config.project.name;
  const bastion = config.network.bastion;
  const port = enginePort(config);
  const out: GroupSpec[] = [
    {
      role: 'app',
      description: `promigrate ${project}: web tier, may reach the target database`,
      dependsOn: [VPC_KEY, ...(config.app ? [SG_KEYS.alb] : [])],
      revokesDefaultEgress: false,
      // Without app:, the web tier's group: its rules are the operator's (load balancer
      // ingress, egress policy). With app:, its ingress is promigrate's: the app port from the
      // load balancer's group only; its egress stays the default (updates, the site's source).
      rules: (t, self) =>
        t.config.app
          ? {
              // The load balancer → web egress needs both ids, so it is this group's too.
              scopes: [
                { groupId: self, egress: false, peers: 'any' },
                { groupId: t.id(SG_KEYS.alb), egress: true, peers: 'group' },
              ],
              desired: [
                { groupId: self, egress: false, protocol: 'tcp', port: t.config.app.port, peerGroupId: t.id(SG_KEYS.alb), description: 'from the load balancer' },
                { groupId: t.id(SG_KEYS.alb), egress: true, protocol: 'tcp', port: t.config.app.port, peerGroupId: self, description: 'to the web tier' },
              ],
            }
          : { scopes: [], desired: [] },
    },
    {
      role: 'dms',
      description: `promigrate ${project}: DMS replication instance, egress to source and target only`,
      dependsOn: [VPC_KEY],
      revokesDefaultEgress: true,
      rules: (t, self) => ({
        scopes: [
          { groupId: self, egress: false, peers: 'any' },
          { groupId: self, egress: true, peers: 'cidr' },
        ],
        desired: [
          {
            groupId: self,
            egress: true,
            protocol: 'tcp',
            port: t.config.source.port,
            ...sourcePeer(t.config.source.host),
            description: `DMS to source database ${t.config.source.host}`,
          },
          ...(dmsReadsSecret(t.config)
            ? [{ groupId: self, egress: true, protocol: 'tcp' as const, port: 443, cidr: '0.0.0.0/0', description: 'DMS to AWS Secrets Manager (HTTPS): the source password' }]
            : []),
        ],
      }),
    },
    {
      role: 'db',
      description: `promigrate ${project}: target database, engine port from the app, dms${bastion ? ' and bastion' : ''} groups only`,
      dependsOn: [VPC_KEY, SG_KEYS.app, SG_KEYS.dms, ...(bastion ? [SG_KEYS.bastion] : [])],
      revokesDefaultEgress: true,
      rules: (t, self) => {
        const dms = t.id(SG_KEYS.dms);
        const from = (peer: string, description: string): RuleSpec => ({ groupId: self, egress: false, protocol: 'tcp', port, peerGroupId: peer, description });
        return {
          scopes: [
            { groupId: self, egress: false, peers: 'any' },
            { groupId: self, egress: true, peers: 'any' },
            { groupId: dms, egress: true, peers: 'group' },
          ],
          desired: [
            from(t.id(SG_KEYS.app), 'from the app tier'),
            from(dms, 'from DMS'),
            ...(bastion ? [from(t.id(SG_KEYS.bastion), 'from the bastion')] : []),
            { groupId: dms, egress: true, protocol: 'tcp', port, peerGroupId: self, description: 'DMS to target database' },
          ],
        };
      },
    },
  ];
  if (config.app) {
    const app = config.app;
    out.unshift({
      role: 'alb',
      description: `promigrate ${project}: load balancer, HTTP${app.https ? '/HTTPS' : ''} from ${app.allowedCidrs.join(', ')}`,
      dependsOn: [VPC_KEY],
      revokesDefaultEgress: true,
      rules: (_t, self) => ({
        scopes: [
          { groupId: self, egress: false, peers: 'any' },
          { groupId: self, egress: true, peers: 'cidr' },
        ],
        desired: app.allowedCidrs.flatMap((cidr) => [
          { groupId: self, egress: false, protocol: 'tcp' as const, port: 80, cidr, description: app.https ? 'HTTP (redirected to HTTPS)' : 'HTTP' },
          ...(app.https ? [{ groupId: self, egress: false, protocol: 'tcp' as const, port: 443, cidr, description: 'HTTPS' }] : []),
        ]),
      }),
    });
  }
  if (bastion) {
    out.push({
      role: 'bastion',
      description: `promigrate ${project}: bastion, SSH from the admin address only`,
      dependsOn: [VPC_KEY],
      revokesDefaultEgress: false,
      validate: bastionAdminCidr,
      rules: (t, self) => ({
        scopes: [
          { groupId: self, egress: false, peers: 'any' },
          { groupId: self, egress: true, peers: 'any' },
        ],
        desired: [
          { groupId: self, egress: false, protocol: 'tcp', port: 22, cidr: bastionAdminCidr(t.config), description: 'SSH from the admin' },
          allTraffic(self, true, 'all outbound'),
        ],
      }),
    });
  }
  return out;
}

export function securityGroupTasks(config: MigrationConfig): ResourceTask[] {
  return specs(config).map(groupTask);
}

const groupFound = (g: SecurityGroup): FoundResource => ({ id: g.GroupId!, arn: g.SecurityGroupArn, outputs: { groupName: g.GroupName, vpcId: g.VpcId } });

function groupTask(spec: GroupSpec): ResourceTask {
  const key = SG_KEYS[spec.role];
  const createInput = (t: TaskContext) => ({
    GroupName: `promigrate-${t.project}-${spec.role}`,
    Description: spec.description,
    VpcId: vpcIdOf(t),
    TagSpecifications: tagSpecifications('security-group', t.tags(key)),
  });
  return {
    key,
    type: 'ec2:security-group',
    title: `security group ${spec.role}`,
    dependsOn: spec.dependsOn,
    ...(spec.role === 'bastion' ? { enabled: (config: MigrationConfig) => config.network.bastion } : {}),
    ...(spec.role === 'alb' ? { enabled: (config: MigrationConfig) => config.app !== undefined } : {}),

    async find(t) {
      spec.validate?.(t.config);
      const ec2 = await ec2Of(t);
      const group = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: keyFilters(t, key) }))).SecurityGroups?.[0];
      return group ? groupFound(group) : undefined;
    },

    planCreate(t) {
      const self = `<${key}>`;
      const { desired } = spec.rules(t, self);
      return [
        { operation: 'ec2:CreateSecurityGroup', params: createInput(t) },
        ...plannedRuleCalls(t, key, desired, spec.revokesDefaultEgress ? [self] : []),
      ];
    },

    async create(t) {
      spec.validate?.(t.config);
      const ec2 = await ec2Of(t);
      const input = createInput(t);
      return createOrAdopt<FoundResource>({
        create: async () => {
          const out = await ec2.send(new CreateSecurityGroupCommand(input));
          return { id: out.GroupId!, arn: out.SecurityGroupArn, outputs: { groupName: input.GroupName, vpcId: input.VpcId } };
        },
        alreadyExists: ['InvalidGroup.Duplicate'],
        adopt: async (duplicate) => {
          const filters = [
            { Name: 'group-name', Values: [input.GroupName] },
            { Name: 'vpc-id', Values: [input.VpcId] },
          ];
          const existing = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters }))).SecurityGroups?.[0];
          if (existing && hasTags(existing.Tags, { [TAG_PROJECT]: t.project, [TAG_KEY]: key })) return groupFound(existing);
          throw new UsageError(`security group ${input.GroupName} already exists in ${input.VpcId} and was not created by promigrate for ${t.project}`, {
            hint: 'Rename or delete that group, or use another project.name.',
            cause: duplicate,
          });
        },
      });
    },

    async waitReady(t, found) {
      const { scopes, desired } = spec.rules(t, found.id);
      await reconcileRules(t, key, scopes, desired);
    },

    async destroy(t, id) {
      const ec2 = await ec2Of(t);
      const group = (await unlessNotFound(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))))?.SecurityGroups?.[0];
      if (!group) return;
      if (!ownedBy(group.Tags, t.project)) return skipForeign(t, key, id);
      await revokeRules(t, await rulesReferencing(t, id));
      await retryWhileInUse(t, `security group ${id} (${key})`, async () => {
        await unlessNotFound(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: id })));
      });
    },

    async findAll(t) {
      const ec2 = await ec2Of(t);
      const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: keyFilters(t, key) }))).SecurityGroups ?? [];
      return groups.map((g) => ({ id: g.GroupId! }));
    },
  };
}
