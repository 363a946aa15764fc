import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { crashMatrix } from '../helpers/crash-matrix.js';
import { adminConnection } from '../helpers/db/mariadb.js';
import { projectInventory } from '../helpers/project-inventory.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { copyWorkspace } from '../helpers/workspace-copy.js';

const mariadb = inject('mariadb');
const PASSWORD = `Pw-${randomBytes(8).toString('hex')}`;
const HYBRIDBTS = readFileSync(new URL('../fixtures/sql/hybridbts-mysql.sql', import.meta.url), 'utf8');
const PROJECT = 'prov-e2e';

const CONFIG = `project:
  name: ${PROJECT}
aws:
  mode: sandbox
source:
  engine: mariadb
  host: 127.0.0.1
  port: ${mariadb.port}
  user: dms_prov
  databases: [shop_prov]
  passwordEnv: SRC_PW
  tls: { mode: disable }
target:
  engine: mariadb
  multiAz: true
network:
  natGateways: per-az
dns:
  hostedZone: example.com
  record: www.example.com
`;

/** The keys one provision of this config makes: one resource each. */
const EXPECTED_KEYS = [
  'db.instance', 'db.parameter-group', 'db.subnet-group', 'dms.instance', 'dms.subnet-group',
  'iam.role.dms-cloudwatch-logs', 'iam.role.dms-vpc',
  'network.eip.0', 'network.eip.1', 'network.igw', 'network.nat.0', 'network.nat.1',
  'network.rt.private.0', 'network.rt.private.1', 'network.rt.public',
  'network.subnet.private.0', 'network.subnet.private.1', 'network.subnet.public.0', 'network.subnet.public.1',
  'network.vpc', 'sg.app', 'sg.db', 'sg.dms',
].sort();

const cli = (cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, { cwd, env: { SRC_PW: PASSWORD, PROMIGRATE_SANDBOX_SEED: '11', ...env } });

/** A workspace `assess` passed in, made once; each test gets its own copy (see assessed()). */
let assessedTemplate = '';

beforeAll(async () => {
  const admin = await adminConnection(mariadb);
  try {
    await admin.query(`DROP DATABASE IF EXISTS shop_prov; CREATE DATABASE shop_prov; USE shop_prov; ${HYBRIDBTS}`);
    await admin.query(`CREATE OR REPLACE USER 'dms_prov'@'%' IDENTIFIED BY '${PASSWORD}';
      GRANT SELECT ON shop_prov.* TO 'dms_prov'@'%'; GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'dms_prov'@'%';`);
  } finally {
    await admin.end();
  }
  assessedTemplate = tempDir();
  writeFileSync(join(assessedTemplate, 'promigrate.yaml'), CONFIG);
  const result = await cli(assessedTemplate, ['assess']);
  expect(result.code, result.stderr).toBe(0);
  expect(existsSync(join(assessedTemplate, '.promigrate/lock')), 'assess released its lock').toBe(false);
});
afterAll(removeTempDirs);

/**
 * A fresh workspace in which assess has passed: a copy of the one assessed in beforeAll
 * (config, state, reports, audit log and sandbox world, whatever assess left), with the
 * template's absolute path in the state (the report's path) pointed at the copy.
 */
async function assessed(): Promise<string> {
  const cwd = copyWorkspace(assessedTemplate);
  expect(stateOf(cwd).steps.assess.status).toBe('done');
  return cwd;
}

let provisionedTemplate: Promise<string> | undefined;

/**
 * A fresh workspace in which provision has run: a copy of one provisioned once for the
 * destroy tests (provisioning is the costly part; each test then destroys its own copy).
 */
async function provisioned(): Promise<string> {
  provisionedTemplate ??= (async () => {
    const cwd = await assessed();
    const result = await cli(cwd, ['provision']);
    expect(result.code, result.stderr).toBe(0);
    return cwd;
  })();
  return copyWorkspace(await provisionedTemplate);
}

const stateOf = (cwd: string) => JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
const auditLines = (cwd: string): string[] =>
  existsSync(join(cwd, '.promigrate/audit.jsonl')) ? readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean) : [];

async function expectExactlyOneOfEach(cwd: string): Promise<void> {
  const inventory = await projectInventory(join(cwd, '.promigrate'), PROJECT);
  expect(inventory.keys).toEqual(EXPECTED_KEYS);
  expect(Object.keys(stateOf(cwd).resources).sort()).toEqual(EXPECTED_KEYS);
}

let cleanMutatingCalls = 0;

// Every test works in its own copy of the assessed workspace, so they all run concurrently
// (the CLIs they start keep both cores busy); a longer timeout for a busy machine.
describe.concurrent('promigrate provision against the sandbox', { timeout: 180_000 }, () => {
  it('builds the landing zone safely, in parallel; a re-run changes nothing', async () => {
    const cwd = await assessed();
    const result = await cli(cwd, ['provision', '--json']);
    expect(result.code, result.stderr).toBe(0);
    await expectExactlyOneOfEach(cwd);
    const inventory = await projectInventory(join(cwd, '.promigrate'), PROJECT);
    expect(inventory.dbInstances).toEqual([{ id: `${PROJECT}-db`, encrypted: true, public: false, deletionProtection: true, status: 'available' }]);
    const state = stateOf(cwd);
    expect(state.steps.provision.status).toBe('done');
    expect(state.steps.provision.outputs).toMatchObject({ rdsPort: 3306, dmsInstanceArn: expect.stringMatching(/^arn:aws:dms:/) });
    const audit = auditLines(cwd).map((l) => JSON.parse(l));
    cleanMutatingCalls = audit.length;
    expect(audit.every((a) => a.step === 'provision')).toBe(true);
    expect(audit.slice(0, 4).map((a) => a.operation).sort()).toEqual(['iam:AttachRolePolicy', 'iam:AttachRolePolicy', 'iam:CreateRole', 'iam:CreateRole']);
    expect(audit.map((a) => a.operation)).toEqual(expect.arrayContaining(['ec2:CreateVpc', 'ec2:CreateNatGateway', 'rds:CreateDBInstance', 'dms:CreateReplicationInstance']));
    // Progress went to stdout as JSON lines, with the result document last.
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.event === 'progress' && l.key === 'db.instance' && l.status === 'ready')).toBe(true);

    const again = await cli(cwd, ['provision']);
    expect(again.code, again.stderr).toBe(0);
    expect(auditLines(cwd)).toHaveLength(cleanMutatingCalls);
    await expectExactlyOneOfEach(cwd);
  });

  it('--dry-run lists every call against the real current state and changes nothing', async () => {
    const cwd = await assessed();
    const before = readFileSync(join(cwd, '.promigrate/state.json'), 'utf8');
    const world = existsSync(join(cwd, '.promigrate/sandbox.json')) ? readFileSync(join(cwd, '.promigrate/sandbox.json'), 'utf8') : '';
    const result = await cli(cwd, ['provision', '--dry-run', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout.trim().split('\n').pop()!).steps[0].plan;
    const creates = plan.filter((c: { action: string }) => c.action === 'create');
    expect(creates.map((c: { target: string }) => c.target).sort()).toEqual(EXPECTED_KEYS);
    // The DMS service roles a fresh account lacks come first, before anything billable.
    expect(plan.slice(0, 3).map((c: { target: string }) => c.target)).toEqual(['iam.role.dms-vpc', 'iam.role.dms-cloudwatch-logs', 'network.vpc']);
    const dbCall = creates.find((c: { target: string }) => c.target === 'db.instance').details.calls[0];
    expect(dbCall).toMatchObject({ operation: 'rds:CreateDBInstance', params: { StorageEncrypted: true, PubliclyAccessible: false, DeletionProtection: true, MultiAZ: true } });
    expect(result.stdout).not.toContain(PASSWORD);
    expect(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8')).toBe(before);
    expect(auditLines(cwd)).toEqual([]);
    expect(existsSync(join(cwd, '.promigrate/sandbox.json')) ? readFileSync(join(cwd, '.promigrate/sandbox.json'), 'utf8') : '').toBe(world);
  });

  it('refuses to run before assess has passed', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'promigrate.yaml'), CONFIG);
    const result = await cli(cwd, ['provision']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Step provision needs assess');
  });

  // Crash points spread over the whole run: right after the Nth mutating AWS call. All of
  // them under `npm run test:crash`, a random one under `npm test` (test/helpers/crash-matrix.ts).
  const crashes = crashMatrix('provision', [[1, 2, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29]], [1]);
  it.each(crashes.points)(
    `kill -9 after mutating call %i, resume → exactly one of every resource (${crashes.label})`,
    async (n) => {
      const cwd = await assessed();
      const crashed = await cli(cwd, ['provision'], { PROMIGRATE_SANDBOX_CRASH_AFTER: String(n) });
      expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
      expect(() => stateOf(cwd)).not.toThrow();
      const resumed = await cli(cwd, ['provision']);
      expect(resumed.code, resumed.stderr).toBe(0);
      await expectExactlyOneOfEach(cwd);
    },
  );

  it('adopts an existing VPC (network.vpcId) and destroy leaves it in place', async () => {
    const cwd = await assessed();
    const { openSandbox } = await import('../../src/aws/sandbox/index.js');
    const { createAwsClients } = await import('../../src/aws/clients.js');
    const { CreateVpcCommand, DescribeVpcsCommand } = await import('@aws-sdk/client-ec2');
    const worldPath = join(cwd, '.promigrate/sandbox.json');
    const withVpc = (vpcId: string): string => CONFIG.replace('  natGateways: per-az\n', `  natGateways: per-az\n  vpcId: ${vpcId}\n`);

    // The account's default VPC has its address space taken by default subnets: refused clearly.
    const sandbox = await openSandbox({ worldPath, region: 'us-east-1', faults: {} });
    const aws = createAwsClients({ region: 'us-east-1', dryRun: false, sandbox });
    const ec2 = await aws.ec2;
    const defaultVpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0]!;
    // The operator's own, empty VPC, made outside promigrate.
    const operatorVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.77.0.0/16' }))).Vpc!;
    aws.destroy();
    await sandbox.close();

    writeFileSync(join(cwd, 'promigrate.yaml'), withVpc(defaultVpc.VpcId!));
    const conflict = await cli(cwd, ['provision']);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/cannot be created in vpc-.*conflicts with another subnet/);
    expect(conflict.stderr).not.toMatch(/\n\s+at /);

    writeFileSync(join(cwd, 'promigrate.yaml'), withVpc(operatorVpc.VpcId!));
    const provisioned = await cli(cwd, ['provision']);
    expect(provisioned.code, provisioned.stderr).toBe(0);
    expect(stateOf(cwd).resources['network.vpc']).toMatchObject({ id: operatorVpc.VpcId, adopted: true });
    const destroyed = await cli(cwd, ['destroy', '--yes', '--skip-final-snapshot', '--json']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    const deleted = JSON.parse(destroyed.stdout.trim().split('\n').pop()!).deleted.map((x: { id: string }) => x.id);
    expect(deleted).not.toContain(operatorVpc.VpcId);
    const after = await openSandbox({ worldPath, persist: false, region: 'us-east-1', faults: {} });
    const check = createAwsClients({ region: 'us-east-1', dryRun: true, sandbox: after });
    const still = (await (await check.ec2).send(new DescribeVpcsCommand({ Filters: [{ Name: 'vpc-id', Values: [operatorVpc.VpcId!] }] }))).Vpcs ?? [];
    check.destroy();
    expect(still).toHaveLength(1);
    expect((await projectInventory(join(cwd, '.promigrate'), PROJECT)).keys).toEqual([]);
  });

  it('destroy deletes what it can when one service cannot be listed, names that service, and a re-run finishes', async () => {
    const cwd = await provisioned();
    // Every DescribeDBInstances fails (after the SDK's retries): RDS cannot be inventoried.
    const partial = await cli(cwd, ['destroy', '--yes', '--skip-final-snapshot'], { PROMIGRATE_SANDBOX_FAIL: 'DescribeDBInstances:999:InternalFailure' });
    expect(partial.code, partial.stderr).toBe(1);
    expect(partial.stdout).toMatch(/could not list db\.instance \(rds:db-instance\), so what it made may still exist: DescribeDBInstances \(RDS\) was refused: InternalFailure/);
    expect(partial.stdout).toMatch(/network\.vpc vpc-\w+ was not tried: it waits on /);
    expect(partial.stdout).toContain('run `promigrate destroy` again');
    expect(partial.stderr).not.toMatch(/\n\s+at /);
    // The billable NAT gateways and their Elastic IPs are gone all the same.
    const between = await projectInventory(join(cwd, '.promigrate'), PROJECT);
    expect(between.keys.filter((k) => /^network\.(nat|eip)\./.test(k))).toEqual([]);
    expect(between.keys).toContain('db.instance');
    expect(Object.keys(stateOf(cwd).resources)).not.toContain('network.nat.0');
    expect(Object.keys(stateOf(cwd).resources)).toContain('network.vpc');

    const rest = await cli(cwd, ['destroy', '--yes', '--skip-final-snapshot', '--json']);
    expect(rest.code, rest.stderr).toBe(0);
    expect((await projectInventory(join(cwd, '.promigrate'), PROJECT)).keys).toEqual([]);
    expect(stateOf(cwd).resources).toEqual({});
  });

  it('destroy reports a resource of this state that lost its tags, leaves it and what stands on it, and deletes it once re-tagged', async () => {
    const cwd = await provisioned();
    const natId: string = stateOf(cwd).resources['network.nat.0'].id;
    const { openSandbox } = await import('../../src/aws/sandbox/index.js');
    const { createAwsClients } = await import('../../src/aws/clients.js');
    const { CreateTagsCommand, DeleteTagsCommand, DescribeNatGatewaysCommand } = await import('@aws-sdk/client-ec2');
    const worldPath = join(cwd, '.promigrate/sandbox.json');
    const withEc2 = async <T>(body: (ec2: import('@aws-sdk/client-ec2').EC2Client) => Promise<T>): Promise<T> => {
      const sandbox = await openSandbox({ worldPath, region: 'us-east-1', faults: {} });
      const aws = createAwsClients({ region: 'us-east-1', dryRun: false, sandbox });
      try {
        return await body(await aws.ec2);
      } finally {
        aws.destroy();
        await sandbox.close();
      }
    };
    const tags = await withEc2(async (ec2) => (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }))).NatGateways![0]!.Tags!);
    await withEc2((ec2) => ec2.send(new DeleteTagsCommand({ Resources: [natId], Tags: [{ Key: 'promigrate:project' }] })));

    const partial = await cli(cwd, ['destroy', '--yes', '--skip-final-snapshot']);
    expect(partial.code, partial.stderr).toBe(1);
    expect(partial.stdout).toContain(
      `network.nat.0 ${natId} is in this project's state but no longer carries promigrate:project=${PROJECT} (it does not carry promigrate:project=${PROJECT}): ` +
        `re-tag it with promigrate:project=${PROJECT} and run destroy again, or delete it by hand`,
    );
    expect(partial.stdout).toMatch(/network\.eip\.0 eipalloc-\w+ was not tried: it waits on network\.nat\.0/);
    expect(stateOf(cwd).resources['network.nat.0'].id).toBe(natId);
    const nat = await withEc2(async (ec2) => (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }))).NatGateways![0]!);
    expect(nat.State).toBe('available');

    await withEc2((ec2) => ec2.send(new CreateTagsCommand({ Resources: [natId], Tags: tags })));
    const rest = await cli(cwd, ['destroy', '--yes', '--skip-final-snapshot']);
    expect(rest.code, rest.stdout + rest.stderr).toBe(0);
    expect((await projectInventory(join(cwd, '.promigrate'), PROJECT)).keys).toEqual([]);
    expect(stateOf(cwd).resources).toEqual({});
  });

  it('destroy removes everything it made, found by tag too, and nothing of the operator’s', async () => {
    const cwd = await provisioned();
    // An orphan: state loses a resource (as if a crash had hit before the state write).
    const state = stateOf(cwd);
    delete state.resources['sg.app'];
    state.serial += 1;
    writeFileSync(join(cwd, '.promigrate/state.json'), JSON.stringify(state));
    // A later config with fewer pieces: destroy must still sweep the NAT gateways, addresses
    // and route table of the former per-AZ layout.
    writeFileSync(join(cwd, 'promigrate.yaml'), CONFIG.replace('  natGateways: per-az\n', '  natGateways: single\n'));
    const plan = await cli(cwd, ['destroy', '--dry-run', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const wouldDelete = JSON.parse(plan.stdout.trim().split('\n').pop()!).wouldDelete;
    expect(wouldDelete.map((x: { key: string }) => x.key).sort()).toEqual(EXPECTED_KEYS);
    expect(wouldDelete.find((x: { key: string }) => x.key === 'sg.app').orphan).toBe(true);
    const refused = await cli(cwd, ['destroy']);
    expect(refused.code, 'a non-interactive destroy needs --yes').toBe(4);
    const before = await projectInventory(join(cwd, '.promigrate'), PROJECT);
    const destroyed = await cli(cwd, ['destroy', '--yes']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    const after = await projectInventory(join(cwd, '.promigrate'), PROJECT);
    expect(after.keys).toEqual([]);
    expect(after.foreignVpcs).toBe(before.foreignVpcs);
    expect(stateOf(cwd).resources).toEqual({});
    expect(stateOf(cwd).steps.provision.status).toBe('pending');
  });
});
