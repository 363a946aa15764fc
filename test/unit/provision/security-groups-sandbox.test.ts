/** Security groups against the in-process sandbox: exact rule sets, convergence, destroy. */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { attachNetworkInterface, detachNetworkInterfaces } from '../../../src/aws/sandbox/services/ec2.js';
import { tagsToRecord } from '../../../src/aws/tags.js';
import { networkTasks } from '../../../src/steps/provision/network.js';
import { securityGroupTasks } from '../../../src/steps/provision/security-groups.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import { ec2Inventory, ruleTable } from './ec2-inventory.js';
import { applyTasks, destroyTasks, makeTaskContext, testConfig } from './harness.js';

type Config = ReturnType<typeof testConfig>;
const BASTION = { bastion: true, adminCidr: '203.0.113.7/32' };

async function setup(config: Config) {
  const { sandbox, clients } = await makeSandbox();
  const ec2 = await clients.ec2;
  const tasks = () => [...networkTasks(config), ...securityGroupTasks(config)];
  const h = makeTaskContext({ config, clients, clock: sandbox.clock });
  const again = () => makeTaskContext({ config, clients, clock: sandbox.clock, state: h.state });
  return { sandbox, clients, ec2, tasks, h, again, mutating: () => sandbox.world.data.faults.mutatingCalls };
}

const MYSQL_RULES = {
  'sg.app': ['out -1 all 0.0.0.0/0'],
  'sg.dms': ['out tcp 3306-3306 10.20.0.5/32', 'out tcp 3306-3306 sg.db'],
  'sg.db': ['in tcp 3306-3306 sg.app', 'in tcp 3306-3306 sg.bastion', 'in tcp 3306-3306 sg.dms'],
  'sg.bastion': ['in tcp 22-22 203.0.113.7/32', 'out -1 all 0.0.0.0/0'],
};

describe('security groups against the sandbox', () => {
  it('creates least-privilege rule sets; a second run changes nothing', async () => {
    const config = testConfig({ network: BASTION });
    const { ec2, tasks, h, again, mutating } = await setup(config);
    await applyTasks(h, tasks());
    expect(await ruleTable(ec2)).toEqual(MYSQL_RULES);

    const inv = await ec2Inventory(ec2, 'shop');
    const db = inv.groups.find((g) => tagsToRecord(g.Tags)['promigrate:key'] === 'sg.db')!;
    expect(db.GroupName).toBe('promigrate-shop-db');
    expect(db.VpcId).toBe(h.state.resources['network.vpc']!.id);
    for (const rule of inv.rules.filter((r) => r.GroupId === db.GroupId)) {
      expect(rule.CidrIpv4 ?? rule.CidrIpv6).toBeUndefined();
      expect(tagsToRecord(rule.Tags)).toMatchObject({ 'promigrate:project': 'shop', 'promigrate:key': 'sg.db' });
    }

    const before = mutating();
    await applyTasks(again(), tasks());
    expect(mutating()).toBe(before);
  });

  it('uses the engine port of the target, and 0.0.0.0/0 on the source port only for a source host name', async () => {
    const config = testConfig({
      source: { engine: 'postgres', host: 'db.example.com', port: 6432, user: 'dms', databases: ['shop'], passwordEnv: 'SRC_PW' },
    });
    const { ec2, tasks, h } = await setup(config);
    await applyTasks(h, tasks());
    expect(await ruleTable(ec2)).toEqual({
      'sg.app': ['out -1 all 0.0.0.0/0'],
      'sg.dms': ['out tcp 5432-5432 sg.db', 'out tcp 6432-6432 0.0.0.0/0'],
      'sg.db': ['in tcp 5432-5432 sg.app', 'in tcp 5432-5432 sg.dms'],
    });
  });

  it('opens HTTPS egress from DMS only when DMS reads the source password from Secrets Manager itself', async () => {
    const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/source-AbCdEf';
    const config = testConfig({
      source: { passwordEnv: undefined, secretArn },
      dms: { secretsAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets' },
    });
    const { ec2, tasks, h } = await setup(config);
    await applyTasks(h, tasks());
    expect((await ruleTable(ec2))['sg.dms']).toEqual(['out tcp 3306-3306 10.20.0.5/32', 'out tcp 3306-3306 sg.db', 'out tcp 443-443 0.0.0.0/0']);
  });

  it('converges drifted rules: adds the missing, revokes what promigrate did not ask for', async () => {
    const config = testConfig({ network: BASTION });
    const { ec2, tasks, h, again } = await setup(config);
    const done = await applyTasks(h, tasks());
    const id = (key: string) => done.get(key)!.id;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id('sg.db'),
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: id('sg.dms'),
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.20.0.5/32' }] }],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id('sg.bastion'),
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    // The web tier's own rules are the operator's: kept.
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id('sg.app'),
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await applyTasks(again(), tasks());
    expect(await ruleTable(ec2)).toEqual({ ...MYSQL_RULES, 'sg.app': ['in tcp 443-443 0.0.0.0/0', 'out -1 all 0.0.0.0/0'] });
  });

  it('refuses an admin CIDR wider than /32 before creating anything', async () => {
    const config = testConfig({ network: { bastion: true, adminCidr: '203.0.113.0/24' } });
    const { tasks, h } = await setup(config);
    await expect(applyTasks(h, tasks())).rejects.toMatchObject({
      name: 'UsageError',
      message: expect.stringContaining('network.adminCidr 203.0.113.0/24 must be a single address (/32)'),
    });
    expect(h.state.resources['sg.bastion']).toBeUndefined();
  });

  it('refuses a same-named group promigrate did not create', async () => {
    const config = testConfig();
    const { ec2, tasks, h } = await setup(config);
    await applyTasks(h, networkTasks(config));
    const vpcId = h.state.resources['network.vpc']!.id;
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'promigrate-shop-db', Description: 'theirs', VpcId: vpcId }));
    await expect(applyTasks(h, tasks())).rejects.toThrow(/security group promigrate-shop-db already exists in vpc-\w+ and was not created by promigrate for shop/);
  });

  it('destroy revokes cross references, waits out a lingering network interface, and removes every group', async () => {
    const config = testConfig({ network: BASTION });
    const { sandbox, ec2, tasks, h, again } = await setup(config);
    const done = await applyTasks(h, tasks());
    // An RDS instance's interface that is released a minute into the destroy.
    const ctx = sandbox.context();
    attachNetworkInterface(ctx, { owner: 'rds:shop', subnetId: done.get('network.subnet.private.0')!.id, groupIds: [done.get('sg.db')!.id], description: 'RDS' });
    const start = sandbox.clock.now();
    void sandbox.clock.sleep(60_000).then(() => detachNetworkInterfaces(ctx, 'rds:shop'));
    await destroyTasks(again(), tasks());
    expect(sandbox.clock.now() - start).toBeGreaterThanOrEqual(60_000);
    expect((await ec2Inventory(ec2, 'shop')).keys).toEqual([]);
  });
});
