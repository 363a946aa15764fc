/** Security groups with a mocked EC2 client: exact create and rule parameters, tags, destroy order. */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { securityGroupTasks } from '../../../src/steps/provision/security-groups.js';
import type { ResourceTask } from '../../../src/engine/resources/task.js';
import { instantClock, makeTaskContext, testConfig, type Harness } from './harness.js';

const mockEc2 = () => mockClient(EC2Client);

const VPC = 'vpc-0aaaaaaaaaaaaaaaa';
const SG = { app: 'sg-000000000000000a1', dms: 'sg-000000000000000d1', db: 'sg-000000000000000db', bastion: 'sg-000000000000000b1' };
const BASTION = { bastion: true, adminCidr: '203.0.113.7/32' };
const tags = (key: string) => [
  { Key: 'promigrate:project', Value: 'shop' },
  { Key: 'promigrate:step', Value: 'provision' },
  { Key: 'promigrate:key', Value: key },
  { Key: 'Name', Value: `shop-${key.replace(/\./g, '-')}` },
];
const ruleTags = (key: string) => [{ ResourceType: 'security-group-rule', Tags: tags(key) }];
const defaultEgress = (groupId: string): SecurityGroupRule => ({
  SecurityGroupRuleId: `sgr-${groupId.slice(3)}`,
  GroupId: groupId,
  IsEgress: true,
  IpProtocol: '-1',
  FromPort: -1,
  ToPort: -1,
  CidrIpv4: '0.0.0.0/0',
});

let ec2: ReturnType<typeof mockEc2>;
let h: Harness;
let clock: ReturnType<typeof instantClock>;
const harness = (config = testConfig({ network: BASTION })) => {
  const made = makeTaskContext({ config, clients: createAwsClients({ region: 'us-east-1', dryRun: false }), clock });
  made.found.set('network.vpc', { id: VPC });
  for (const [role, id] of Object.entries(SG)) made.found.set(`sg.${role}`, { id });
  return made;
};
const task = (key: string): ResourceTask => securityGroupTasks(h.config).find((x) => x.key === key)!;
const inputs = <C extends abstract new (...a: never[]) => unknown>(command: C) =>
  ec2.commandCalls(command as never).map((c) => (c.args[0] as { input: unknown }).input);

beforeEach(() => {
  ec2 = mockEc2();
  clock = instantClock();
  h = harness();
});
afterEach(() => ec2.restore());

describe('security groups: create', () => {
  it('has app, dms, db and (with a bastion) bastion, db after the groups it trusts', () => {
    const tasks = securityGroupTasks(h.config);
    expect(tasks.map((x) => x.key)).toEqual(['sg.app', 'sg.dms', 'sg.db', 'sg.bastion']);
    expect(tasks.find((x) => x.key === 'sg.db')!.dependsOn).toEqual(['network.vpc', 'sg.app', 'sg.dms', 'sg.bastion']);
    expect(securityGroupTasks(testConfig()).map((x) => x.key)).toEqual(['sg.app', 'sg.dms', 'sg.db']);
  });

  it('creates an empty tagged group in the VPC', async () => {
    ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: SG.db });
    await task('sg.db').create(h.t);
    expect(inputs(CreateSecurityGroupCommand)).toEqual([
      {
        GroupName: 'promigrate-shop-db',
        Description: 'promigrate shop: target database, engine port from the app, dms and bastion groups only',
        VpcId: VPC,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: tags('sg.db') }],
      },
    ]);
  });
});

describe('security groups: rules', () => {
  it('sg.db: engine port only from the app, dms and bastion groups by reference; no egress; dms egress to it', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [defaultEgress(SG.db), defaultEgress(SG.dms)] });
    await task('sg.db').waitReady!(h.t, { id: SG.db });
    const from = (group: string, description: string) => ({
      GroupId: SG.db,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: group, Description: description }] }],
      TagSpecifications: ruleTags('sg.db'),
    });
    expect(inputs(AuthorizeSecurityGroupIngressCommand)).toEqual([
      from(SG.app, 'from the app tier'),
      from(SG.dms, 'from DMS'),
      from(SG.bastion, 'from the bastion'),
    ]);
    expect(inputs(AuthorizeSecurityGroupEgressCommand)).toEqual([
      {
        GroupId: SG.dms,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: SG.db, Description: 'DMS to target database' }] }],
        TagSpecifications: ruleTags('sg.db'),
      },
    ]);
    // sg.db's default allow-all egress goes; sg.dms's CIDR egress is sg.dms's own business.
    expect(inputs(RevokeSecurityGroupEgressCommand)).toEqual([{ GroupId: SG.db, SecurityGroupRuleIds: [defaultEgress(SG.db).SecurityGroupRuleId] }]);
    for (const input of inputs(AuthorizeSecurityGroupIngressCommand) as Array<{ IpPermissions: Array<Record<string, unknown>> }>) {
      for (const p of input.IpPermissions) {
        expect(p.IpRanges).toBeUndefined();
        expect(p.Ipv6Ranges).toBeUndefined();
      }
    }
  });

  it('sg.db: postgres uses 5432', async () => {
    h = harness(testConfig({ source: { engine: 'postgres', host: '10.20.0.5', user: 'dms', databases: ['shop'], passwordEnv: 'SRC_PW' } }));
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    await task('sg.db').waitReady!(h.t, { id: SG.db });
    const ports = (inputs(AuthorizeSecurityGroupIngressCommand) as Array<{ IpPermissions: Array<{ FromPort: number; ToPort: number }> }>).map(
      (i) => [i.IpPermissions[0]!.FromPort, i.IpPermissions[0]!.ToPort],
    );
    expect(ports).toEqual([
      [5432, 5432],
      [5432, 5432],
    ]);
  });

  it('sg.dms: egress only to the source /32 on its port; the default allow-all egress is revoked', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [defaultEgress(SG.dms)] });
    await task('sg.dms').waitReady!(h.t, { id: SG.dms });
    expect(inputs(AuthorizeSecurityGroupEgressCommand)).toEqual([
      {
        GroupId: SG.dms,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.20.0.5/32', Description: 'DMS to source database 10.20.0.5' }] }],
        TagSpecifications: ruleTags('sg.dms'),
      },
    ]);
    expect(inputs(RevokeSecurityGroupEgressCommand)).toEqual([{ GroupId: SG.dms, SecurityGroupRuleIds: [defaultEgress(SG.dms).SecurityGroupRuleId] }]);
    expect(inputs(AuthorizeSecurityGroupIngressCommand)).toEqual([]);
  });

  it('sg.bastion: SSH only from the admin /32', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [defaultEgress(SG.bastion)] });
    await task('sg.bastion').waitReady!(h.t, { id: SG.bastion });
    expect(inputs(AuthorizeSecurityGroupIngressCommand)).toEqual([
      {
        GroupId: SG.bastion,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.7/32', Description: 'SSH from the admin' }] }],
        TagSpecifications: ruleTags('sg.bastion'),
      },
    ]);
    expect(inputs(RevokeSecurityGroupEgressCommand)).toEqual([]);
  });

  it('sg.bastion: an admin CIDR that is not a /32 is refused, naming the field', async () => {
    h = harness(testConfig({ network: { bastion: true, adminCidr: '198.51.100.0/24' } }));
    await expect(task('sg.bastion').find(h.t)).rejects.toMatchObject({
      name: 'UsageError',
      exitCode: 2,
      message: "network.adminCidr 198.51.100.0/24 must be a single address (/32): the bastion accepts SSH from the admin's own IP only",
    });
    expect(ec2.calls()).toHaveLength(0);
  });

  it('sg.app: no ingress of its own, the default egress, and the operator\'s rules left alone', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [defaultEgress(SG.app), { SecurityGroupRuleId: 'sgr-0000000000000443', GroupId: SG.app, IsEgress: false, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' }],
    });
    await task('sg.app').waitReady!(h.t, { id: SG.app });
    expect(ec2.calls().map((c) => (c.args[0] as object).constructor.name).filter((n) => !n.startsWith('Describe'))).toEqual([]);
  });
});

describe('security groups: destroy', () => {
  it('revokes the rules of other project groups that reference it, then deletes it, waiting out DependencyViolation', async () => {
    ec2.on(DescribeSecurityGroupsCommand, { GroupIds: [SG.db] }).resolves({ SecurityGroups: [{ GroupId: SG.db, Tags: tags('sg.db') }] });
    ec2.on(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'tag:promigrate:project', Values: ['shop'] }] }).resolves({
      SecurityGroups: [{ GroupId: SG.db }, { GroupId: SG.dms }],
    });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        { SecurityGroupRuleId: 'sgr-0000000000000dms1', GroupId: SG.dms, IsEgress: true, IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, ReferencedGroupInfo: { GroupId: SG.db } },
        { SecurityGroupRuleId: 'sgr-0000000000000dms2', GroupId: SG.dms, IsEgress: true, IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, CidrIpv4: '10.20.0.5/32' },
      ],
    });
    const inUse = Object.assign(new Error(`resource ${SG.db} has a dependent object`), { name: 'DependencyViolation' });
    ec2.on(DeleteSecurityGroupCommand).rejectsOnce(inUse).rejectsOnce(inUse).resolves({ Return: true });
    await task('sg.db').destroy!(h.t, SG.db);
    expect(inputs(RevokeSecurityGroupEgressCommand)).toEqual([{ GroupId: SG.dms, SecurityGroupRuleIds: ['sgr-0000000000000dms1'] }]);
    expect(inputs(RevokeSecurityGroupIngressCommand)).toEqual([]);
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(3);
    expect(clock.slept).toEqual([15_000, 15_000]);
  });

  it('never deletes a group without this project\'s tag', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: SG.db, Tags: [] }] });
    await expect(task('sg.db').destroy!(h.t, SG.db)).rejects.toMatchObject({ name: 'ResourceLeftInPlace', key: 'sg.db', id: SG.db });
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(0);
  });
});
