/**
 * What a real account refuses at create time, through the sandbox (its own RDS validation, or
 * PROMIGRATE_SANDBOX_FAIL-style fault injection, which answers with AWS's error shape for the
 * code): one sentence naming the resource and the fix, exit 1 — or 2 when the config chose
 * what AWS does not offer. The codes are the API references' (see src/aws/refusals.ts).
 */
import { describe, expect, it } from 'vitest';
import { explainRefusal } from '../../../src/aws/refusals.js';
import type { FailRule } from '../../../src/aws/sandbox/faults.js';
import { ConfigError, ExitCode, PromigrateError } from '../../../src/errors.js';
import { databaseTasks } from '../../../src/steps/provision/database.js';
import { dmsTasks } from '../../../src/steps/provision/dms.js';
import { iamRoleTasks } from '../../../src/steps/provision/iam-roles.js';
import { networkTasks } from '../../../src/steps/provision/network.js';
import type { MigrationConfig } from '../../../src/config/schema.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import { awsError, sandboxNetwork, withNetwork } from './db-dms-fixtures.js';
import { applyTasks, makeTaskContext, testConfig } from './harness.js';

async function refusal(config: MigrationConfig, which: 'network' | 'database' | 'dms', fail: FailRule[] = []): Promise<PromigrateError> {
  const { sandbox, clients } = await makeSandbox({ faults: { fail } });
  const network = which === 'network' ? undefined : await sandboxNetwork(clients);
  const h = makeTaskContext({ config, clients, clock: sandbox.clock });
  if (network) withNetwork(h, network);
  const tasks = which === 'network' ? networkTasks(config) : which === 'database' ? databaseTasks(config) : [...iamRoleTasks(), ...databaseTasks(config), ...dmsTasks(config)]; // a fresh sandbox account has no DMS roles
  const err = await applyTasks(h, tasks).then(
    () => undefined,
    (e: unknown) => e,
  );
  clients.destroy();
  expect(err, 'the create must be refused').toBeInstanceOf(PromigrateError);
  return err as PromigrateError;
}

const fail = (operation: string, error: string): FailRule[] => [{ operation, count: 1, error }];

describe('refused creates name the resource and the fix', () => {
  it('a VPC quota used up (VpcLimitExceeded)', async () => {
    const err = await refusal(testConfig(), 'network', fail('CreateVpc', 'VpcLimitExceeded'));
    expect(err.message).toBe(
      'The VPC (network.vpc) could not be created: a quota of the account in us-east-1 is used up (VpcLimitExceeded: Injected failure of CreateVpc (PROMIGRATE_SANDBOX_FAIL)).',
    );
    expect(err.hint).toBe('Request a quota increase for "VPCs per Region" (Amazon Virtual Private Cloud (Amazon VPC)) in Service Quotas, or delete ones you no longer use, then re-run.');
    expect(err.exitCode).toBe(ExitCode.stepFailed);
  });

  it('Elastic IPs used up (AddressLimitExceeded)', async () => {
    const err = await refusal(testConfig({ network: { natGateways: 'single' } }), 'network', fail('AllocateAddress', 'AddressLimitExceeded'));
    expect(err.message).toMatch(/^The Elastic IP for NAT gateway 0 \(network\.eip\.0\) could not be created: a quota of the account in us-east-1 is used up \(AddressLimitExceeded/);
    expect(err.hint).toContain('"EC2-VPC Elastic IPs" (Amazon Elastic Compute Cloud (Amazon EC2)) in Service Quotas');
  });

  it('EC2 permission missing (UnauthorizedOperation): the call and iam-policy', async () => {
    const err = await refusal(testConfig(), 'network', fail('CreateVpc', 'UnauthorizedOperation'));
    expect(err.message).toBe('The VPC (network.vpc) could not be created: your AWS identity may not call ec2:CreateVpc (UnauthorizedOperation).');
    expect(err.hint).toContain('`promigrate iam-policy` prints the policy promigrate needs');
  });

  it('RDS instances or storage used up (InstanceQuotaExceeded, StorageQuotaExceeded)', async () => {
    const instances = await refusal(testConfig(), 'database', fail('CreateDBInstance', 'InstanceQuotaExceeded'));
    expect(instances.message).toMatch(/^The RDS instance shop-db \(db\.instance\) could not be created: a quota of the account in us-east-1 is used up \(InstanceQuotaExceededFault/);
    expect(instances.hint).toContain('"DB instances" (Amazon Relational Database Service (Amazon RDS))');
    const storage = await refusal(testConfig(), 'database', fail('CreateDBInstance', 'StorageQuotaExceeded'));
    expect(storage.hint).toContain('"Total storage for all DB instances"');
  });

  it('no RDS capacity for the class in the AZ (InsufficientDBInstanceCapacity): exit 1, another class or later', async () => {
    const err = await refusal(testConfig({ target: { instanceClass: 'db.r6g.large' } }), 'database', fail('CreateDBInstance', 'InsufficientDBInstanceCapacity'));
    expect(err.message).toMatch(/^The RDS instance shop-db \(db\.instance\) could not be created: AWS has no capacity for db\.r6g\.large in us-east-1 right now \(InsufficientDBInstanceCapacityFault/);
    expect(err.exitCode).toBe(ExitCode.stepFailed);
    expect(err.hint).toContain('pick another target.instanceClass; `aws rds describe-orderable-db-instance-options --engine mysql --region us-east-1');
  });

  it('an instance class RDS does not offer with the engine is the config’s fault (exit 2)', async () => {
    const err = await refusal(testConfig({ target: { instanceClass: 'db.x9.huge' } }), 'database');
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(ExitCode.badInput);
    expect((err as ConfigError).path).toBe('target.instanceClass');
    expect(err.message).toMatch(
      /^target\.instanceClass db\.x9\.huge is not offered for mysql 8\.0 in us-east-1, so the RDS instance shop-db \(db\.instance\) could not be created \(InvalidParameterCombination: RDS does not support creating a DB instance with the following combination: DBInstanceClass=db\.x9\.huge/,
    );
    expect(err.hint).toMatch(/^Pick another target\.instanceClass; `aws rds describe-orderable-db-instance-options --engine mysql --region us-east-1/);
  });

  it('an engine version RDS does not offer is the config’s fault (exit 2)', async () => {
    const err = await refusal(testConfig({ target: { engineVersion: '8.0.99' } }), 'database');
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe('target.engineVersion');
    expect(err.message).toBe(
      'target.engineVersion 8.0.99 is not offered for mysql in us-east-1, so the RDS instance shop-db (db.instance) could not be created (InvalidParameterCombination: Cannot find version 8.0.99 for mysql).',
    );
    expect(err.hint).toContain('`aws rds describe-db-engine-versions --engine mysql --region us-east-1');
  });

  it('DMS: quota, storage and capacity (ResourceQuotaExceededFault, StorageQuotaExceededFault, InsufficientResourceCapacityFault)', async () => {
    const config = testConfig({ target: { deletionProtection: false }, dms: { instanceClass: 'dms.c5.large' } });
    const quota = await refusal(config, 'dms', fail('CreateReplicationInstance', 'ResourceQuotaExceededFault'));
    expect(quota.message).toMatch(/^The DMS replication instance shop-dms \(dms\.instance\) could not be created: a quota of the account in us-east-1 is used up \(ResourceQuotaExceededFault/);
    expect(quota.hint).toContain('(AWS Database Migration Service (AWS DMS)) in Service Quotas');
    const storage = await refusal(config, 'dms', fail('CreateReplicationInstance', 'StorageQuotaExceededFault'));
    expect(storage.hint).toContain('"Allocated storage" (AWS Database Migration Service (AWS DMS))');
    const capacity = await refusal(config, 'dms', fail('CreateReplicationInstance', 'InsufficientResourceCapacityFault'));
    expect(capacity.message).toMatch(/AWS has no capacity for dms\.c5\.large in us-east-1 right now \(InsufficientResourceCapacityFault/);
    expect(capacity.hint).toContain('pick another dms.instanceClass; `aws dms describe-orderable-replication-instances');
  });

  it('an error outside the table stands as AWS sent it', async () => {
    const { sandbox, clients } = await makeSandbox({ faults: { fail: fail('CreateVpc', 'InvalidVpcRange') } });
    const config = testConfig();
    const err = await applyTasks(makeTaskContext({ config, clients, clock: sandbox.clock }), networkTasks(config)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    clients.destroy();
    expect(err?.name).toBe('InvalidVpcRange');
  });
});

describe('explainRefusal', () => {
  it('hands on EC2’s encoded authorization message with the command that decodes it', () => {
    const err = awsError('UnauthorizedOperation', 'You are not authorized to perform this operation. Encoded authorization failure message: AbCd-EfGh_123');
    const explained = explainRefusal(err, { what: 'the NAT gateway 0 (network.nat.0)', service: 'ec2', region: 'eu-west-1', operation: 'CreateNatGateway' })!;
    expect(explained.message).toBe('The NAT gateway 0 (network.nat.0) could not be created: your AWS identity may not call ec2:CreateNatGateway (UnauthorizedOperation).');
    expect(explained.hint).toContain('aws sts decode-authorization-message --encoded-message AbCd-EfGh_123');
  });
});
