import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { iamSimulator } from '../../../src/aws/sandbox/services/iam.js';
import { dmsTrustPolicy } from '../../../src/aws/dms/service-roles.js';
import type { SimContext } from '../../../src/aws/sandbox/types.js';
import { mockClient } from 'aws-sdk-client-mock';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import type { MigrationConfig } from '../../../src/config/schema.js';
import { seedOperatorAccount } from '../../../src/aws/sandbox/seed.js';
import { awsPreflight } from '../../../src/steps/assess/preflight.js';
import { UsageError } from '../../../src/errors.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import { validInput } from '../config/fixtures.js';

function config(mutate: (c: Record<string, any>) => void = () => undefined): MigrationConfig {
  const input = validInput();
  input.aws = { region: 'us-east-1', mode: 'sandbox' };
  mutate(input);
  return parseConfigText(stringify(input), 'test.yaml', 'yaml');
}

async function preflight(cfg: MigrationConfig, seed = true) {
  const { clients } = await makeSandbox({ initWorld: seed ? (ctx) => seedOperatorAccount(ctx, cfg) : undefined });
  return awsPreflight(clients, cfg);
}

const ids = (r: Awaited<ReturnType<typeof preflight>>, severity: string) =>
  r.findings.filter((f) => f.severity === severity).map((f) => f.id);

describe('AWS pre-flight against the sandbox', () => {
  it('a ready account: identity, AZs, the record with its TTL, the engine offered — no blockers', async () => {
    const r = await preflight(config());
    expect(ids(r, 'blocker')).toEqual([]);
    expect(r.account).toMatch(/^\d{12}$/);
    expect(r.availabilityZones.length).toBeGreaterThanOrEqual(2);
    expect(r.record).toMatchObject({ name: 'www.example.com.', type: 'A', ttl: 3600, values: ['203.0.113.10'] });
    const record = r.findings.find((f) => f.id === 'aws.record')!;
    expect(record.fix).toContain('lowers the TTL to 60 s');
    expect(r.findings.find((f) => f.id === 'aws.engine-version')?.evidence).toContain('mysql 8.0');
  });

  it('with a bastion: the image provision will launch is the standard AL2023 one, which ships EC2 Instance Connect', async () => {
    const none = await preflight(config());
    expect(none.findings.find((f) => f.id === 'aws.bastion-image')).toBeUndefined();
    const r = await preflight(config((c) => (c.network = { ...c.network, bastion: true, adminCidr: '203.0.113.7/32' })));
    const image = r.findings.find((f) => f.id === 'aws.bastion-image')!;
    // The sandbox's catalogue holds a newer minimal image, which lacks the agent: not chosen.
    expect(image).toMatchObject({ severity: 'info', title: 'Bastion image ships EC2 Instance Connect' });
    expect(image.evidence).toMatch(/^al2023-ami-2023\.6\.20250107\.0-kernel-6\.1-x86_64 \(ami-[0-9a-f]{17}, Amazon\): the standard Amazon Linux 2023 image/);
  });

  it('a missing hosted zone is a blocker naming the zone', async () => {
    const r = await preflight(config(), false);
    const zone = r.findings.find((f) => f.id === 'aws.hosted-zone')!;
    expect(zone.severity).toBe('blocker');
    expect(zone.evidence).toContain('example.com');
  });

  it('a record that does not exist yet is a warning', async () => {
    const cfg = config();
    const { clients } = await makeSandbox({ initWorld: (ctx) => seedOperatorAccount(ctx, config((c) => (c.dns.record = 'shop.example.com'))) });
    const r = await awsPreflight(clients, cfg);
    expect(r.findings.find((f) => f.id === 'aws.record')?.severity).toBe('warning');
  });

  it('an existing VPC id that is not there, too many AZs, an engine version and a class not offered are blockers', async () => {
    const r = await preflight(
      config((c) => {
        c.network = { vpcId: 'vpc-0123456789abcdef0', azCount: 6 };
        c.target = { engineVersion: '5.1', instanceClass: 'db.z9.huge' };
      }),
    );
    expect(ids(r, 'blocker').sort()).toEqual(['aws.availability-zones', 'aws.engine-version', 'aws.vpc-not-found']);
    const r2 = await preflight(config((c) => (c.target = { instanceClass: 'db.z9.huge' })));
    expect(ids(r2, 'blocker')).toEqual(['aws.instance-class']);
  });

  it('NAT gateways per AZ are checked against the Elastic IP quota', async () => {
    const r = await preflight(config((c) => (c.network = { natGateways: 'per-az', azCount: 3 })));
    expect(r.findings.find((f) => f.id === 'aws.eip-quota')).toMatchObject({ severity: 'info', evidence: expect.stringContaining('3 NAT gateway(s) need 3 more') });
  });
});

describe('AWS pre-flight: the IAM roles DMS needs', () => {
  const role = (ctx: SimContext, name: string, trust = dmsTrustPolicy(), policy?: string, tags?: Array<{ Key: string; Value: string }>) => {
    iamSimulator.CreateRole!({ RoleName: name, AssumeRolePolicyDocument: trust, ...(tags ? { Tags: tags } : {}) }, ctx);
    if (policy) iamSimulator.AttachRolePolicy!({ RoleName: name, PolicyArn: `arn:aws:iam::aws:policy/service-role/${policy}` }, ctx);
  };
  const iamFindings = (r: Awaited<ReturnType<typeof preflight>>) => r.findings.filter((f) => f.id.startsWith('aws.iam-role:'));

  it('a fresh account: both account-wide roles are missing, and provision will create them', async () => {
    const r = await preflight(config());
    expect(iamFindings(r).map((f) => [f.id, f.severity, f.title])).toEqual([
      ['aws.iam-role:dms-vpc-role', 'info', 'DMS service role missing: provision will create it'],
      ['aws.iam-role:dms-cloudwatch-logs-role', 'info', 'DMS service role missing: provision will create it'],
    ]);
    expect(iamFindings(r)[0]!.fix).toContain('provision creates it first');
  });

  it('roles the console made are used as they are; a dms-vpc-role DMS cannot use is a blocker, a broken logs role a warning', async () => {
    const cfg = config();
    const ready = async (init: (ctx: SimContext) => void) => {
      const { clients } = await makeSandbox({ initWorld: (ctx) => (seedOperatorAccount(ctx, cfg), init(ctx)) });
      return iamFindings(await awsPreflight(clients, cfg));
    };
    const fine = await ready((ctx) => {
      role(ctx, 'dms-vpc-role', undefined, 'AmazonDMSVPCManagementRole');
      role(ctx, 'dms-cloudwatch-logs-role', undefined, 'AmazonDMSCloudWatchLogsRole', [{ Key: 'promigrate:project', Value: 'crm' }]);
    });
    expect(fine.map((f) => f.severity)).toEqual(['info', 'info']);
    expect(fine[0]!.evidence).toMatch(/role\/dms-vpc-role exists \(not made by promigrate\); provision uses it as it is/);
    expect(fine[1]!.evidence).toContain('made by promigrate project crm');

    const broken = await ready((ctx) => {
      role(ctx, 'dms-vpc-role', dmsTrustPolicy().replace('dms.amazonaws.com', 'ec2.amazonaws.com'), 'AmazonDMSVPCManagementRole');
      role(ctx, 'dms-cloudwatch-logs-role');
    });
    expect(broken.map((f) => [f.severity, f.evidence.replace(/^\S+ /, '')])).toEqual([
      ['blocker', '(not made by promigrate): its trust policy does not let dms.amazonaws.com assume it'],
      ['warning', '(not made by promigrate): it does not have the managed policy AmazonDMSCloudWatchLogsRole'],
    ]);
  });

  it('dms.secretsAccessRoleArn: missing or not trusting DMS is a blocker; the global principal alone a warning (the guide asks for dms.<region>.amazonaws.com)', async () => {
    const withRole = (name: string) => config((c) => {
      c.source = { ...c.source, passwordEnv: undefined, secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/source' };
      c.dms = { secretsAccessRoleArn: `arn:aws:iam::${'0'.repeat(12)}:role/${name}` };
    });
    const check = async (name: string, trust?: string) => {
      const cfg = withRole(name);
      const { sandbox, clients } = await makeSandbox({ accountId: '0'.repeat(12), initWorld: (ctx) => (seedOperatorAccount(ctx, cfg), trust && role(ctx, name, trust)) });
      expect(sandbox.world.accountId).toBe('000000000000');
      return (await awsPreflight(clients, cfg)).findings.find((f) => f.id === 'aws.iam-role:secrets-access')!;
    };
    expect(await check('dms-secrets')).toMatchObject({ severity: 'blocker', title: 'Secrets Manager access role not found' });
    expect(await check('dms-secrets', dmsTrustPolicy().replace('dms.amazonaws.com', 'ec2.amazonaws.com'))).toMatchObject({ severity: 'blocker', evidence: expect.stringContaining('trusts ec2.amazonaws.com') });
    expect(await check('dms-secrets', dmsTrustPolicy())).toMatchObject({ severity: 'warning', evidence: expect.stringContaining('regional principal dms.us-east-1.amazonaws.com') });
    expect(await check('dms-secrets', dmsTrustPolicy().replace('dms.amazonaws.com', 'dms.us-east-1.amazonaws.com'))).toMatchObject({ severity: 'info' });
  });
});

describe('AWS pre-flight against a real endpoint', () => {
  it('credentials that may not read IAM: a warning naming the permission, not a failure', async () => {
    const { sandbox } = await makeSandbox();
    const iam = mockClient(IAMClient);
    iam.on(GetRoleCommand).rejects(Object.assign(new Error('User: arn:aws:iam::123456789012:user/ops is not authorized to perform: iam:GetRole on resource: role dms-vpc-role'), { name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } }));
    const { createAwsClients } = await import('../../../src/aws/clients.js');
    const sandboxed = createAwsClients({ region: 'us-east-1', dryRun: false, sandbox });
    // Every service from the sandbox but IAM, which is the mocked real client.
    const clients = new Proxy(sandboxed, { get: (target, prop) => (prop === 'iam' ? Promise.resolve(new IAMClient({ region: 'us-east-1' })) : Reflect.get(target, prop)) });
    const r = await awsPreflight(clients, config());
    iam.restore();
    const denied = r.findings.filter((f) => f.id.startsWith('aws.iam-role:'));
    expect(denied.map((f) => f.severity)).toEqual(['warning', 'warning']);
    expect(denied[0]).toMatchObject({ title: 'Cannot read the IAM role', evidence: expect.stringContaining('iam:GetRole on dms-vpc-role was refused'), fix: expect.stringContaining('Allow iam:GetRole') });
  });


  it('rejected credentials are one clear usage error (exit 2)', async () => {
    const sts = mockClient(STSClient);
    const err = Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId', $fault: 'client' });
    sts.on(GetCallerIdentityCommand).rejects(err);
    const clients = { region: 'us-east-1', sts: Promise.resolve(new STSClient({ region: 'us-east-1' })) } as never;
    const failure = await awsPreflight(clients, config()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UsageError);
    expect((failure as UsageError).exitCode).toBe(2);
    expect((failure as UsageError).message).toBe('AWS rejected the credentials (InvalidClientTokenId: The security token included in the request is invalid.).');
    sts.restore();
  });
});
