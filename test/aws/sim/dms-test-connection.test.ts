/**
 * TestConnection of a PostgreSQL target endpoint fails, as in AWS, when the endpoint's
 * DatabaseName does not exist on the server: the RDS instance knows its DBName (and
 * `postgres`); a real database behind the sandbox target answers for itself.
 */
import { describe, expect, it } from 'vitest';
import { dmsSimulator as dms } from '../../../src/aws/sandbox/services/dms.js';
import { rdsSimulator as rds } from '../../../src/aws/sandbox/services/rds.js';
import type { SimHooks } from '../../../src/aws/sandbox/types.js';
import { UsageError } from '../../../src/errors.js';
import { MIN, makeSim } from './helpers.js';

const missing = (name: string) =>
  'Test Endpoint failed: Application-Status: 1020912, Application-Message: Cannot connect to ODBC provider ODBC general error., ' +
  `Application-Detailed-Message: RetCode: SQL_ERROR SqlState: 08001 NativeError: 101 Message: FATAL:  database "${name}" does not exist`;

function world(hooks: SimHooks = {}, dbName: string | null = 'shop') {
  const sim = makeSim({ hooks });
  sim.call(rds, 'CreateDBInstance', {
    DBInstanceIdentifier: 'shop-db', Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20,
    MasterUsername: 'shopadmin', MasterUserPassword: 'S3cret-Passw0rd!', ...(dbName ? { DBName: dbName } : {}),
  });
  const instanceArn = sim.call(dms, 'CreateReplicationInstance', {
    ReplicationInstanceIdentifier: 'shop-dms', ReplicationInstanceClass: 'dms.t3.medium',
  }).ReplicationInstance.ReplicationInstanceArn;
  sim.advance(15 * MIN);
  const address = sim.call(rds, 'DescribeDBInstances', { DBInstanceIdentifier: 'shop-db' }).DBInstances[0].Endpoint.Address as string;
  const endpoint = (id: string, type: string, databaseName: string, serverName = address) =>
    sim.call(dms, 'CreateEndpoint', {
      EndpointIdentifier: id, EndpointType: type, EngineName: 'postgres', ServerName: serverName, Port: 5432,
      Username: 'shopadmin', Password: 'x', DatabaseName: databaseName,
    }).Endpoint.EndpointArn as string;
  const test = async (endpointArn: string) => {
    await sim.call(dms, 'TestConnection', { ReplicationInstanceArn: instanceArn, EndpointArn: endpointArn });
    sim.advance(30_000);
    const [c] = sim.call(dms, 'DescribeConnections', { Filters: [{ Name: 'endpoint-arn', Values: [endpointArn] }] }).Connections;
    return { status: c.Status, message: c.LastFailureMessage };
  };
  return { sim, endpoint, test };
}

describe('DMS TestConnection of a PostgreSQL target endpoint', () => {
  it('fails when the database is neither the instance\'s DBName nor postgres', async () => {
    const { endpoint, test } = world();
    expect(await test(endpoint('t-shop', 'target', 'shop'))).toEqual({ status: 'successful', message: undefined });
    expect(await test(endpoint('t-postgres', 'target', 'postgres'))).toEqual({ status: 'successful', message: undefined });
    expect(await test(endpoint('t-orders', 'target', 'orders'))).toEqual({ status: 'failed', message: missing('orders') });
    // A source endpoint, and a server that is no sandbox RDS instance, are not judged.
    expect(await test(endpoint('s-orders', 'source', 'orders'))).toMatchObject({ status: 'successful' });
    expect(await test(endpoint('t-elsewhere', 'target', 'orders', 'db.example.com'))).toMatchObject({ status: 'successful' });
  });

  it('fails for the source database name on an instance created without DBName', async () => {
    const { endpoint, test } = world({}, null);
    expect(await test(endpoint('t-shop', 'target', 'shop'))).toEqual({ status: 'failed', message: missing('shop') });
  });

  it('lets a real database behind the target decide, and passes a sandbox configuration error through', async () => {
    const asked: string[] = [];
    let answer: boolean | Error = false;
    const { endpoint, test } = world({
      targetDatabaseExists: async (e) => {
        asked.push(`${e.engineName}:${e.databaseName}`);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    const arn = endpoint('t-shop', 'target', 'shop');
    expect(await test(arn)).toEqual({ status: 'failed', message: missing('shop') });
    answer = true;
    expect(await test(endpoint('t-orders', 'target', 'orders'))).toEqual({ status: 'successful', message: undefined });
    expect(asked).toEqual(['postgres:shop', 'postgres:orders']);
    answer = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    expect(await test(arn)).toMatchObject({ status: 'failed', message: expect.stringContaining('Network error has occurred') });
    answer = new UsageError('The environment variable PW (the password of sandbox.targetUrl) is not set.');
    await expect(test(arn)).rejects.toBeInstanceOf(UsageError);
  });
});
