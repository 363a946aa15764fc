/**
 * The IAM policy against the code: every AWS command promigrate's steps send
 * (`new XxxCommand(` or an SDK paginator, in src/steps, src/aws minus the sandbox, src/db
 * and src/tunnel) must be allowed by the policy, so adding a call without its permission fails here.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iamPolicyFor, POLICY_TABLE, type IamPolicy } from '../../../src/aws/iam-policy.js';
import { testConfig } from '../provision/harness.js';

const ROOT = join(import.meta.dirname, '../../..');
const SCANNED = ['src/steps', 'src/aws', 'src/db', 'src/tunnel'];
const EXCLUDED = ['src/aws/sandbox'];

/** SDK package → IAM service prefix. */
const PREFIX: Record<string, string> = {
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-rds': 'rds',
  '@aws-sdk/client-database-migration-service': 'dms',
  '@aws-sdk/client-route-53': 'route53',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-ec2-instance-connect': 'ec2-instance-connect',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-auto-scaling': 'autoscaling',
  '@aws-sdk/client-acm': 'acm',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-ssm': 'ssm',
};

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (EXCLUDED.some((x) => path === x || path.startsWith(`${x}/`))) continue;
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

interface CodeCall {
  action: string;
  file: string;
}

/** Every AWS call in the source, as `prefix:Operation`, with the file it is in. */
async function codeCalls(): Promise<CodeCall[]> {
  const packages = new Map<string, Record<string, unknown>>();
  for (const name of Object.keys(PREFIX)) packages.set(name, (await import(name)) as Record<string, unknown>);
  const calls: CodeCall[] = [];
  for (const file of (await Promise.all(SCANNED.map(sourceFiles))).flat()) {
    // Comments out: a doc comment may mention a command without sending it.
    const text = (await readFile(join(ROOT, file), 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const imported = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"](@aws-sdk\/client-[a-z0-9-]+)['"]/g)].map((m) => m[1]!);
    const operations = [
      ...[...text.matchAll(/new\s+(?:[\w$]+\.)?(\w+)Command\s*\(/g)].map((m) => m[1]!),
      ...[...text.matchAll(/\bpaginate([A-Z]\w+)\s*\(/g)].map((m) => m[1]!),
    ];
    const named = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"](@aws-sdk\/client-[a-z0-9-]+)['"]/g)].flatMap((m) =>
      m[1]!.split(',').map((n) => ({ name: n.trim().split(/\s+as\s+/)[0]!, pkg: m[2]! })),
    );
    for (const op of operations) {
      // The package the command is imported from by name; else (a namespace import) the one that exports it.
      const byName = named.filter((n) => n.name === `${op}Command`).map((n) => n.pkg);
      const owners = byName.length ? byName : [...new Set(imported)].filter((pkg) => packages.get(pkg) && `${op}Command` in packages.get(pkg)!);
      expect(owners, `${file}: which AWS SDK package sends ${op}Command?`).toHaveLength(1);
      calls.push({ action: `${PREFIX[owners[0]!]}:${op}`, file: relative(ROOT, join(ROOT, file)) });
    }
  }
  return calls;
}

const allowed = (policy: IamPolicy): Set<string> => new Set(policy.Statement.flatMap((s) => s.Action));

/** Every optional feature on, so every row applies. */
const everything = () =>
  testConfig({
    source: { passwordEnv: undefined, secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/source' } as never,
    target: { readReplica: true, passwordEnv: 'TARGET_PW' },
    network: { bastion: true, adminCidr: '203.0.113.7/32', natGateways: 'per-az' },
    dns: { hostedZone: 'example.com', record: 'www.example.com' },
    app: {},
  });

describe('iamPolicyFor', () => {
  it('covers every AWS command the code sends', async () => {
    const calls = await codeCalls();
    expect(calls.length).toBeGreaterThan(20);
    const policy = allowed(iamPolicyFor(everything()));
    const missing = calls.filter((c) => !policy.has(c.action));
    expect(missing.map((c) => `${c.action} (${c.file})`)).toEqual([]);
  });

  it('grants no RDS or DMS provision/destroy action the code does not call (permission-only ones excepted)', async () => {
    const used = new Set((await codeCalls()).map((c) => c.action));
    const permissionOnly = new Set(['rds:AddTagsToResource', 'rds:CreateDBSnapshot']);
    const unused = POLICY_TABLE.filter((row) => row.step === 'provision' || row.step === 'destroy')
      .flatMap((row) => row.actions)
      .filter((a) => /^(rds|dms):/.test(a) && !used.has(a) && !permissionOnly.has(a) && !/^dms:Delete(Endpoint|ReplicationTask)$/.test(a));
    expect(unused).toEqual([]);
  });

  it('is a valid policy: Sids unique and alphanumeric, no wildcard actions, `*` only where a row says why', () => {
    const policy = iamPolicyFor(everything());
    expect(policy.Version).toBe('2012-10-17');
    const sids = policy.Statement.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const s of policy.Statement) {
      expect(s.Sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(s.Action.every((a) => /^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a))).toBe(true);
      if (s.Resource === '*') expect(POLICY_TABLE.find((r) => r.sid === s.Sid)!.why.length).toBeGreaterThan(10);
    }
    // Regional `*` statements are pinned to the region; global ones (Route 53, STS) cannot be.
    const ec2 = policy.Statement.find((s) => s.Sid === 'ProvisionNetwork')!;
    expect(ec2.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': 'us-east-1' } });
    expect(policy.Statement.find((s) => s.Sid === 'AssessIdentity')!.Condition).toBeUndefined();
  });

  it('scopes RDS to the project’s names, DMS deletes to its tag, Route 53 to the one record', () => {
    const policy = iamPolicyFor(testConfig({ dns: { hostedZone: 'Z0123456789ABC', record: 'WWW.example.com.' } }), { accountId: '123456789012' });
    const by = (sid: string) => policy.Statement.find((s) => s.Sid === sid)!;
    expect(by('ProvisionRds').Resource).toContain('arn:aws:rds:us-east-1:123456789012:db:shop-db');
    expect(by('DestroyRds').Resource).toEqual([
      'arn:aws:rds:us-east-1:123456789012:db:shop-db',
      'arn:aws:rds:us-east-1:123456789012:db:shop-db-replica',
      'arn:aws:rds:us-east-1:123456789012:subgrp:shop-db',
      'arn:aws:rds:us-east-1:123456789012:pg:shop-db',
      'arn:aws:rds:us-east-1:123456789012:snapshot:shop-db-final-????????????',
    ]);
    expect(by('DestroyDms').Condition).toEqual({ StringEquals: { 'aws:ResourceTag/promigrate:project': 'shop' } });
    expect(by('ProvisionDms').Condition).toEqual({ StringEquals: { 'aws:RequestTag/promigrate:project': 'shop' } });
    expect(by('CutoverRecord')).toMatchObject({
      Resource: 'arn:aws:route53:::hostedzone/Z0123456789ABC',
      Condition: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['www.example.com'] } },
    });
  });

  it('IAM: exactly the two DMS service roles, their managed policies only, deletes only with this project’s tag, PassRole only to DMS', async () => {
    const secrets = testConfig({
      source: { passwordEnv: undefined, secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/source' } as never,
      dms: { secretsAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets' },
    });
    const policy = iamPolicyFor(secrets, { accountId: '123456789012' });
    const by = (sid: string) => policy.Statement.find((s) => s.Sid === sid)!;
    const roles = ['arn:aws:iam::123456789012:role/dms-vpc-role', 'arn:aws:iam::123456789012:role/dms-cloudwatch-logs-role'];
    expect(by('AssessIamRoles')).toMatchObject({ Action: ['iam:GetRole', 'iam:ListAttachedRolePolicies'], Resource: roles });
    expect(by('AssessIamRoles').Condition).toBeUndefined();
    expect(by('ProvisionDmsRoles')).toMatchObject({ Action: ['iam:CreateRole', 'iam:TagRole'], Resource: roles, Condition: { StringEquals: { 'aws:RequestTag/promigrate:project': 'shop' } } });
    expect(by('ProvisionDmsRolePolicies')).toMatchObject({
      Action: ['iam:AttachRolePolicy'], Resource: roles,
      Condition: { ArnEquals: { 'iam:PolicyARN': ['arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole', 'arn:aws:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole'] } },
    });
    expect(by('DestroyDmsRoles')).toMatchObject({ Resource: roles, Condition: { StringEquals: { 'aws:ResourceTag/promigrate:project': 'shop' } } });
    expect(by('ProvisionRdsServiceLinkedRole')).toEqual({
      Sid: 'ProvisionRdsServiceLinkedRole', Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole'],
      Resource: 'arn:aws:iam::123456789012:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS',
      Condition: { StringEquals: { 'iam:AWSServiceName': 'rds.amazonaws.com' } },
    });
    expect(by('SyncPassSecretsRole')).toMatchObject({ Resource: 'arn:aws:iam::123456789012:role/dms-secrets', Condition: { StringEquals: { 'iam:PassedToService': 'dms.amazonaws.com' } } });
    expect(by('AssessSecretsAccessRole').Resource).toBe('arn:aws:iam::123456789012:role/dms-secrets');
    // No IAM action on any other role, and none of them on `*`.
    for (const s of policy.Statement.filter((x) => x.Action.some((a) => a.startsWith('iam:')))) expect(s.Resource).not.toBe('*');
    const lean = iamPolicyFor(testConfig()).Statement.map((s) => s.Sid);
    expect(lean).not.toContain('SyncPassSecretsRole');
    expect(lean).not.toContain('AssessSecretsAccessRole');
    expect(lean).toContain('ProvisionDmsRoles');
  });

  it('the web tier (app:): its actions only with app:, scoped to promigrate\'s names', () => {
    const lean = allowed(iamPolicyFor(testConfig()));
    for (const action of ['elasticloadbalancing:CreateLoadBalancer', 'acm:RequestCertificate', 'autoscaling:CreateAutoScalingGroup', 'sns:CreateTopic', 'cloudwatch:PutMetricAlarm', 'ssm:GetParameter']) expect(lean.has(action), action).toBe(false);
    const policy = iamPolicyFor(everything(), { accountId: '123456789012' });
    const by = (sid: string) => policy.Statement.find((x) => x.Sid === sid)!;
    expect(by('AppLoadBalancer').Resource).toEqual([
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-alb/*',
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-app/*',
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-alb/*/*',
    ]);
    expect(by('AppAlarms').Resource).toContain('arn:aws:sns:us-east-1:123456789012:promigrate-shop-alarms');
    expect(by('AppAmiParameter').Resource).toBe('arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/*');
  });

  it('follows the config: no bastion, NAT, replica, DNS or secrets → none of their actions', () => {
    const lean = allowed(iamPolicyFor(testConfig({ network: { natGateways: 'none' }, target: { passwordEnv: 'TARGET_PW' } })));
    for (const action of ['ec2:RunInstances', 'ec2:CreateNatGateway', 'rds:CreateDBInstanceReadReplica', 'route53:ChangeResourceRecordSets', 'secretsmanager:GetSecretValue', 'secretsmanager:CreateSecret']) {
      expect(lean.has(action), action).toBe(false);
    }
    const managed = iamPolicyFor(testConfig());
    expect(managed.Statement.find((s) => s.Sid === 'ProvisionManagedPassword')).toMatchObject({
      Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
      Resource: 'arn:aws:secretsmanager:us-east-1:*:secret:rds!db-*',
    });
    const secrets = iamPolicyFor(everything()).Statement.find((s) => s.Sid === 'ReadConfiguredSecrets')!;
    expect(secrets.Resource).toEqual([
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/source',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/source-??????',
    ]);
  });
});

