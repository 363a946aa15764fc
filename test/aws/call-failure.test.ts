import { join } from 'node:path';
import { DescribeReplicationInstancesCommand } from '@aws-sdk/client-database-migration-service';
import { CreateVpcCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand, DescribeDBEngineVersionsCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import { isAwsError } from '../../src/aws/errors.js';
import { readableText } from '../../src/aws/call-failure.js';
import { awsCallFailureOf, describeFailure } from '../../src/errors.js';
import { foreignEndpoint, HTML_500, type ForeignEndpoint } from '../helpers/foreign-endpoint.js';
import { makeSandbox } from '../helpers/sandbox.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const savedEnv = { ...process.env };
let endpoint: ForeignEndpoint;
let aws: AwsClients;

beforeAll(async () => {
  endpoint = await foreignEndpoint(HTML_500);
});
afterAll(async () => {
  await endpoint.close();
});
beforeEach(() => {
  const dir = tempDir();
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_ACCESS_KEY_ID = 'AKIATESTTESTTESTTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_ENDPOINT_URL') || k === 'AWS_PROFILE') delete process.env[k];
  // One attempt: the SDK's retry back-off would wait on the wall clock.
  aws = createAwsClients({ region: 'us-east-1', endpointUrl: endpoint.url, maxAttempts: 1, dryRun: false });
});
afterEach(() => {
  aws.destroy();
  process.env = { ...savedEnv };
  removeTempDirs();
});

async function failureOf(call: Promise<unknown>): Promise<Error> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the call must fail').toBeInstanceOf(Error);
  return err as Error;
}

describe('an AWS call that fails says which call to which service failed and what came back', () => {
  it('a proxy’s HTML error page: status, content type and the page’s title', async () => {
    endpoint.answer = HTML_500;
    const err = await failureOf((await aws.rds).send(new DescribeDBEngineVersionsCommand({ Engine: 'mariadb' })));
    expect(describeFailure(err)).toBe(
      `DescribeDBEngineVersions (RDS, us-east-1, endpoint ${endpoint.url}) failed: the response was not AWS XML (HTTP 500, text/html: "500 Internal Server Error")`,
    );
    expect(awsCallFailureOf(err)).toMatchObject({ kind: 'not-aws', operation: 'DescribeDBEngineVersions', service: 'RDS', region: 'us-east-1', httpStatus: 500 });
  });

  it('HTML that is not even well-formed XML, to a JSON service', async () => {
    endpoint.answer = { status: 502, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html><body><h1>Bad <b>gateway</h1><br></body></html>' };
    const err = await failureOf((await aws.dms).send(new DescribeReplicationInstancesCommand({})));
    expect(describeFailure(err)).toBe(
      `DescribeReplicationInstances (DMS, us-east-1, endpoint ${endpoint.url}) failed: the response was not AWS JSON (HTTP 502, text/html: "Bad gateway")`,
    );
  });

  it('an empty 503', async () => {
    endpoint.answer = { status: 503 };
    const err = await failureOf((await aws.ec2).send(new DescribeVpcsCommand({})));
    expect(describeFailure(err)).toBe(
      `DescribeVpcs (EC2, us-east-1, endpoint ${endpoint.url}) failed: the response was not AWS XML (HTTP 503, no content type, empty body)`,
    );
    expect(awsCallFailureOf(err)?.hint).toContain(endpoint.url);
  });

  it('an answer the SDK cannot read (a timestamp as an ISO string where DMS sends epoch seconds)', async () => {
    endpoint.answer = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ ReplicationInstances: [{ ReplicationInstanceIdentifier: 'x', InstanceCreateTime: '2024-01-01T00:00:00Z' }] }),
    };
    const err = await failureOf((await aws.dms).send(new DescribeReplicationInstancesCommand({})));
    expect(describeFailure(err)).toBe(
      `the answer to DescribeReplicationInstances (DMS, us-east-1, endpoint ${endpoint.url}) could not be read by the AWS SDK ` +
        '(Expected real number, got implicit NaN) — the endpoint may not be AWS or may be a different API version',
    );
    expect(awsCallFailureOf(err)).toMatchObject({ kind: 'unreadable', httpStatus: 200 });
  });

  it('an error code the SDK does not model is still a refusal with its code', async () => {
    endpoint.answer = {
      status: 400,
      headers: { 'content-type': 'text/xml' },
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>BrandNewError</Code><Message>Something new.</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
    };
    const err = await failureOf((await aws.rds).send(new DescribeDBEngineVersionsCommand({})));
    expect(describeFailure(err)).toBe('DescribeDBEngineVersions (RDS) was refused: BrandNewError: Something new.');
    expect(awsCallFailureOf(err)).toMatchObject({ kind: 'refused', code: 'BrandNewError', httpStatus: 400 });
  });

  it('nothing listening', async () => {
    const closed = createAwsClients({ region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:1', maxAttempts: 1, dryRun: false });
    const err = await failureOf((await closed.ec2).send(new DescribeVpcsCommand({})));
    closed.destroy();
    expect(describeFailure(err)).toBe('could not reach http://127.0.0.1:1 for DescribeVpcs (EC2): connect ECONNREFUSED 127.0.0.1:1');
    expect(awsCallFailureOf(err)).toMatchObject({ kind: 'unreachable', code: 'ECONNREFUSED', region: 'eu-west-1' });
  });

  it('never carries the request: a password sent with the call is nowhere in the failure', async () => {
    endpoint.answer = HTML_500;
    const password = 'Sup3r-Secret-Pw-4471';
    const err = await failureOf(
      (await aws.rds).send(
        new CreateDBInstanceCommand({ DBInstanceIdentifier: 'x-db', DBInstanceClass: 'db.t3.micro', Engine: 'mariadb', MasterUsername: 'admin', MasterUserPassword: password }),
      ),
    );
    expect(endpoint.requests.at(-1)).toContain(password);
    expect(JSON.stringify(awsCallFailureOf(err))).not.toContain(password);
    expect(describeFailure(err)).not.toContain(password);
  });
});

describe('in the sandbox', () => {
  it('a refusal names the call and keeps the SDK’s error as it was', async () => {
    const { clients } = await makeSandbox();
    const err = await failureOf((await clients.rds).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })));
    expect(isAwsError(err, 'DBInstanceNotFoundFault')).toBe(true);
    expect(describeFailure(err)).toBe('DescribeDBInstances (RDS) was refused: DBInstanceNotFoundFault: DBInstance nope not found.');
    expect(awsCallFailureOf(err)).toMatchObject({ endpoint: 'the sandbox', httpStatus: 404 });
    clients.destroy();
  });

  it('the dry-run guard’s refusal is promigrate’s own, not an AWS failure', async () => {
    const { clients } = await makeSandbox({ dryRun: true });
    const err = await failureOf((await clients.ec2).send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' })));
    expect(err.name).toBe('DryRunViolation');
    expect(awsCallFailureOf(err)).toBeUndefined();
    clients.destroy();
  });
});

describe('readableText', () => {
  it('strips tags and cuts long text', () => {
    expect(readableText('<p>Service <b>Unavailable</b></p>')).toBe('Service Unavailable');
    expect(readableText(`<pre>${'x'.repeat(300)}</pre>`)).toBe(`${'x'.repeat(100)}…`);
  });
});
