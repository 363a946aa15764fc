/**
 * The DMS service roles end to end, the built CLI against the sandbox: a fresh world has no
 * DMS role, assess says provision will create them, `provision --dry-run` lists them before
 * the VPC, provision creates them (tagged, with their managed policies) and destroy removes
 * them — unless another project's DMS subnet group in the region still needs them.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateReplicationSubnetGroupCommand } from '@aws-sdk/client-database-migration-service';
import { GetRoleCommand, ListAttachedRolePoliciesCommand, type Role } from '@aws-sdk/client-iam';
import { CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import { openSandbox } from '../../src/aws/sandbox/index.js';
import { tagsToRecord } from '../../src/aws/tags.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { adminConnection } from '../helpers/db/mariadb.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const mariadb = inject('mariadb');
const PASSWORD = `Pw-${randomBytes(8).toString('hex')}`;
const PROJECT = 'iam-e2e';
const ROLES = ['dms-vpc-role', 'dms-cloudwatch-logs-role'];
const CONFIG = `project:
  name: ${PROJECT}
aws:
  mode: sandbox
source:
  engine: mariadb
  host: 127.0.0.1
  port: ${mariadb.port}
  user: dms_iam
  databases: [shop_iam]
  passwordEnv: SRC_PW
  tls: { mode: disable }
target:
  engine: mariadb
network:
  natGateways: none
`;

const cli = (cwd: string, args: string[]): Promise<CliResult> => runCli(args, { cwd, env: { SRC_PW: PASSWORD, PROMIGRATE_SANDBOX_SEED: '23' } });
const lastJson = (r: CliResult) => JSON.parse(r.stdout.trim().split('\n').pop()!);

/** Runs `use` with SDK clients on the workspace's persisted sandbox world (written back when `write`). */
async function withWorld<T>(cwd: string, use: (aws: AwsClients) => Promise<T>, write = false): Promise<T> {
  const sandbox = await openSandbox({ worldPath: join(cwd, '.promigrate/sandbox.json'), persist: write, region: 'us-east-1', faults: {} });
  const aws = createAwsClients({ region: 'us-east-1', dryRun: !write, sandbox });
  try {
    return await use(aws);
  } finally {
    aws.destroy();
    await sandbox.close();
  }
}

/** Each DMS role in the world: its tags and attached policy ARNs, or null when absent. */
const roles = (cwd: string) =>
  withWorld(cwd, async (aws) => {
    const iam = await aws.iam;
    const out: Record<string, { tags: Record<string, string>; policies: string[]; path: string } | null> = {};
    for (const name of ROLES) {
      const role: Role | undefined = await iam.send(new GetRoleCommand({ RoleName: name })).then((r) => r.Role, (err: { name?: string }) => {
        if (err.name === 'NoSuchEntityException') return undefined;
        throw err;
      });
      out[name] = role
        ? { tags: tagsToRecord(role.Tags), path: role.Path!, policies: ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))).AttachedPolicies ?? []).map((p) => p.PolicyArn!) }
        : null;
    }
    return out;
  });

beforeAll(async () => {
  const admin = await adminConnection(mariadb);
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS shop_iam; USE shop_iam; CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY, name VARCHAR(40));`);
    await admin.query(`CREATE OR REPLACE USER 'dms_iam'@'%' IDENTIFIED BY '${PASSWORD}';
      GRANT SELECT ON shop_iam.* TO 'dms_iam'@'%'; GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'dms_iam'@'%';`);
  } finally {
    await admin.end();
  }
});
afterAll(removeTempDirs);

async function assessed(): Promise<{ cwd: string; assess: CliResult }> {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'promigrate.yaml'), CONFIG);
  const assess = await cli(cwd, ['assess', '--json']);
  expect(assess.code, assess.stderr).toBe(0);
  return { cwd, assess };
}

describe.concurrent('the DMS service roles, end to end', { timeout: 180_000 }, () => {
  it('a fresh sandbox has none; assess reports them, the plan lists them first, provision creates them, destroy removes them', async () => {
    const { cwd, assess } = await assessed();
    expect(await roles(cwd)).toEqual({ 'dms-vpc-role': null, 'dms-cloudwatch-logs-role': null });
    const report = JSON.parse(readFileSync(join(cwd, '.promigrate/reports/assess.json'), 'utf8'));
    const findings = (report.findings as Array<{ id: string; severity: string; title: string }>).filter((f) => f.id.startsWith('aws.iam-role:'));
    expect(findings.map((f) => [f.id, f.severity, f.title]).sort()).toEqual(ROLES.map((name) => [`aws.iam-role:${name}`, 'info', 'DMS service role missing: provision will create it']).sort());
    expect(assess.stdout).toContain('aws.iam-role:dms-vpc-role');

    const dry = await cli(cwd, ['provision', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = lastJson(dry).steps[0].plan as Array<{ target: string; action: string; details: { calls: Array<{ operation: string }> } }>;
    expect(plan.slice(0, 3).map((c) => [c.target, c.action])).toEqual([['iam.role.dms-vpc', 'create'], ['iam.role.dms-cloudwatch-logs', 'create'], ['network.vpc', 'create']]);
    expect(plan[0]!.details.calls.map((c) => c.operation)).toEqual(['iam:CreateRole', 'iam:AttachRolePolicy']);
    expect(await roles(cwd)).toEqual({ 'dms-vpc-role': null, 'dms-cloudwatch-logs-role': null });

    const provisioned = await cli(cwd, ['provision']);
    expect(provisioned.code, provisioned.stderr).toBe(0);
    const made = await roles(cwd);
    expect(made['dms-vpc-role']).toEqual({
      path: '/',
      tags: expect.objectContaining({ 'promigrate:project': PROJECT, 'promigrate:step': 'provision', 'promigrate:key': 'iam.role.dms-vpc' }),
      policies: ['arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole'],
    });
    expect(made['dms-cloudwatch-logs-role']?.policies).toEqual(['arn:aws:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole']);
    const state = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
    expect(state.resources['iam.role.dms-vpc']).toMatchObject({ type: 'iam:role', id: 'dms-vpc-role' });
    const audit = readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).operation);
    expect(audit.indexOf('iam:CreateRole')).toBeLessThan(audit.indexOf('ec2:CreateVpc'));

    const destroyed = await cli(cwd, ['destroy', '--yes', '--skip-final-snapshot']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(await roles(cwd)).toEqual({ 'dms-vpc-role': null, 'dms-cloudwatch-logs-role': null });
  });

  it('destroy leaves the roles it made while another DMS subnet group in the region needs them, and says so', async () => {
    const { cwd } = await assessed();
    expect((await cli(cwd, ['provision'])).code).toBe(0);
    // Another project's DMS in the same account and region.
    await withWorld(cwd, async (aws) => {
      const ec2 = await aws.ec2;
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.88.0.0/16' }))).Vpc!.VpcId!;
      const subnets = await Promise.all(['a', 'b'].map(async (az, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.88.${i}.0/24`, AvailabilityZone: `us-east-1${az}` }))).Subnet!.SubnetId!));
      await (await aws.dms).send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: 'crm-dms', ReplicationSubnetGroupDescription: 'crm', SubnetIds: subnets }));
    }, true);
    const destroyed = await cli(cwd, ['destroy', '--yes', '--skip-final-snapshot']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stderr + destroyed.stdout).toMatch(/dms-vpc-role was made by this project but is left in place: DMS replication subnet group\(s\) crm-dms in us-east-1/);
    const left = await roles(cwd);
    expect(left['dms-vpc-role']?.tags['promigrate:project']).toBe(PROJECT);
    expect(left['dms-cloudwatch-logs-role']).not.toBeNull();
  });
});
