import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateVpcCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, DryRunViolation, type AuditRecord } from '../../src/aws/clients.js';
import { auditParams, findId } from '../../src/aws/guards.js';
import { makeSandbox } from '../helpers/sandbox.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { localSimulators } from './local-simulators.js';

const savedEnv = { ...process.env };
beforeEach(() => {
  const dir = tempDir();
  // No real shared config or credentials may leak into these tests.
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_ACCESS_KEY_ID = 'AKIATESTTESTTESTTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_ENDPOINT_URL') || k === 'AWS_PROFILE') delete process.env[k];
});
afterEach(() => {
  process.env = { ...savedEnv };
  removeTempDirs();
});

interface Sent {
  url: string;
  signingRegion?: string;
}

/** Where a client would send a command: captured just below the retry middleware, no network. */
async function whereTo(client: { middlewareStack: { addRelativeTo(m: unknown, o: unknown): void }; send(c: unknown): Promise<unknown> }, command: unknown): Promise<Sent> {
  let sent: Sent | undefined;
  client.middlewareStack.addRelativeTo(
    () => async (args: { request: { protocol: string; hostname: string; port?: number; path: string } }) => {
      const r = args.request;
      sent = { url: `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path}` };
      return { output: { $metadata: {} }, response: {} };
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'captureRequest', override: true },
  );
  await client.send(command);
  return sent!;
}

describe('createAwsClients without a sandbox', () => {
  it('honours an explicit endpointUrl (LocalStack, moto)', async () => {
    const aws = createAwsClients({ region: 'eu-west-1', endpointUrl: 'http://localhost:4566', dryRun: false });
    expect((await whereTo(await aws.ec2, new DescribeVpcsCommand({}))).url).toBe('http://localhost:4566/');
    expect((await whereTo(await aws.sts, new GetCallerIdentityCommand({}))).url).toBe('http://localhost:4566/');
    expect((await whereTo(await aws.iam, new GetRoleCommand({ RoleName: 'dms-vpc-role' }))).url).toBe('http://localhost:4566/');
    aws.destroy();
  });

  it('leaves AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> to the SDK', async () => {
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:4566';
    process.env.AWS_ENDPOINT_URL_EC2 = 'http://127.0.0.1:5000';
    const aws = createAwsClients({ region: 'us-west-2', dryRun: false });
    expect((await whereTo(await aws.ec2, new DescribeVpcsCommand({}))).url).toBe('http://127.0.0.1:5000/');
    expect((await whereTo(await aws.sts, new GetCallerIdentityCommand({}))).url).toBe('http://127.0.0.1:4566/');
    expect((await whereTo(await aws.iam, new GetRoleCommand({ RoleName: 'r' }))).url).toBe('http://127.0.0.1:4566/');
  });

  it('uses the regional endpoints by default; Route 53 resolves to its global endpoint from any region', async () => {
    const aws = createAwsClients({ region: 'eu-central-1', dryRun: false });
    expect((await whereTo(await aws.ec2, new DescribeVpcsCommand({}))).url).toBe('https://ec2.eu-central-1.amazonaws.com/');
    expect((await whereTo(await aws.route53, new GetHostedZoneCommand({ Id: '/hostedzone/Z1' }))).url).toBe(
      'https://route53.amazonaws.com/2013-04-01/hostedzone/Z1',
    );
    // IAM is global too: iam.amazonaws.com from any commercial region.
    expect((await whereTo(await aws.iam, new GetRoleCommand({ RoleName: 'r' }))).url).toBe('https://iam.amazonaws.com/');
  });

  it('takes credentials from the named profile and applies maxAttempts and standard retries', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE!, '[staging]\naws_access_key_id = AKIASTAGINGSTAGING00\naws_secret_access_key = s\n');
    const aws = createAwsClients({ region: 'us-east-1', profile: 'staging', maxAttempts: 7, dryRun: false });
    const sts = await aws.sts;
    const credentials = await (sts.config.credentials as () => Promise<{ accessKeyId: string }>)();
    expect(credentials.accessKeyId).toBe('AKIASTAGINGSTAGING00');
    expect(await sts.config.maxAttempts()).toBe(7);
    expect(sts.config.retryMode).toBe('standard');
    expect(((await sts.config.retryStrategy()) as { mode?: string }).mode).toBe('standard');
  });

  it('creates each client once, on first use', async () => {
    const aws = createAwsClients({ region: 'us-east-1', dryRun: false });
    expect(await aws.ec2).toBe(await aws.ec2);
    // The factory itself must not load the SDK: only type imports at the top of the module.
    const source = readFileSync(join(import.meta.dirname, '../../src/aws/clients.ts'), 'utf8');
    expect(source).not.toMatch(/^import (?!type)[^;]*'@aws-sdk\//m);
  });
});

describe('dry-run guard', () => {
  it('refuses CreateVpc before it leaves the process but allows DescribeVpcs', async () => {
    const { sandbox, clients } = await makeSandbox({ simulators: localSimulators, dryRun: true });
    const ec2 = await clients.ec2;
    const err = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' })).catch((e) => e);
    expect(err).toBeInstanceOf(DryRunViolation);
    expect(err.message).toContain('ec2:CreateVpc');
    expect(sandbox.world.data.faults.mutatingCalls).toBe(0);
    expect((await ec2.send(new DescribeVpcsCommand({}))).Vpcs).toHaveLength(1);
    // EC2's own DryRun only checks permissions, so it may pass the guard.
    const probe = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', DryRun: true })).catch((e) => e);
    expect(probe.name).toBe('DryRunOperation');
  });

  it('guards real clients too, without any network access', async () => {
    const aws = createAwsClients({ region: 'us-east-1', endpointUrl: 'http://192.0.2.1:9', dryRun: true });
    await expect((await aws.secretsManager).send(new CreateSecretCommand({ Name: 'x', SecretString: 'y' }))).rejects.toBeInstanceOf(DryRunViolation);
    await expect((await aws.iam).send(new CreateRoleCommand({ RoleName: 'x', AssumeRolePolicyDocument: '{}' }))).rejects.toBeInstanceOf(DryRunViolation);
  });
});

describe('audit hook', () => {
  it('reports mutating calls — refused ones too, with the error — with redacted parameters and the resulting id', async () => {
    const entries: AuditRecord[] = [];
    const { clients } = await makeSandbox({ simulators: localSimulators, audit: (e) => void entries.push(e) });
    const ec2 = await clients.ec2;
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }] }));
    await ec2.send(new DescribeVpcsCommand({}));
    await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })).catch(() => undefined);
    const sm = await clients.secretsManager;
    const secret = await sm.send(new CreateSecretCommand({ Name: 'shop/db', SecretString: 'hunter2' }));

    expect(entries).toEqual([
      {
        operation: 'ec2:CreateVpc',
        params: { CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }] },
        resultId: vpc.Vpc!.VpcId,
      },
      { operation: 'ec2:CreateVpc', params: { CidrBlock: '10.0.0.0/8' }, outcome: 'error', error: expect.stringMatching(/^InvalidVpc\.Range: /) },
      { operation: 'secretsmanager:CreateSecret', params: { Name: 'shop/db', SecretString: '[redacted]' }, resultId: secret.ARN },
    ]);
    expect(JSON.stringify(entries)).not.toContain('hunter2');
  });

  it('redacts nested secrets and URL passwords, summarises bulk, finds ids best-effort', () => {
    const params = auditParams({
      MasterUserPassword: 'p',
      Endpoint: { Password: 'p', ServerName: 'db' },
      Url: 'postgres://admin:pw@db:5432/shop',
      UserData: 'IyEvYmluL3NoCg==',
      TableMappings: 'x'.repeat(1000),
    });
    expect(params).toEqual({
      MasterUserPassword: '[redacted]',
      Endpoint: { Password: '[redacted]', ServerName: 'db' },
      Url: 'postgres://admin:[redacted]@db:5432/shop',
      UserData: '[redacted]',
      TableMappings: '[1000 characters]',
    });
    expect(findId({ Subnet: { SubnetId: 'subnet-1', VpcId: 'vpc-1' } })).toBe('subnet-1');
    expect(findId({ ReservationId: 'r-1', Instances: [{ InstanceId: 'i-1', SubnetId: 's' }] })).toBe('i-1');
    expect(findId({ DBInstance: { DBInstanceIdentifier: 'shop-db' } })).toBe('shop-db');
    expect(findId({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING' } })).toBe('/change/C1');
    expect(findId({})).toBeUndefined();
  });
});
