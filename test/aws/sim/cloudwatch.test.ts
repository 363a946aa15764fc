import { describe, expect, it } from 'vitest';
import { cloudWatchSimulator as cw } from '../../../src/aws/sandbox/services/cloudwatch.js';
import { dmsSimulator as dms } from '../../../src/aws/sandbox/services/dms.js';
import { MIN, expectSimError, makeSim } from './helpers.js';

function cdcTask(rows = 600_000) {
  const sim = makeSim({ hooks: { sourceTables: () => [{ schema: 'shop', table: 'orders', rows }] } });
  const instanceArn = sim.call(dms, 'CreateReplicationInstance', { ReplicationInstanceIdentifier: 'shop-dms', ReplicationInstanceClass: 'dms.t3.medium' })
    .ReplicationInstance.ReplicationInstanceArn;
  sim.advance(7 * MIN);
  const endpoint = (id: string, type: string) => sim.call(dms, 'CreateEndpoint', {
    EndpointIdentifier: id, EndpointType: type, EngineName: 'mysql', ServerName: 'h', Port: 3306, Username: 'u', Password: 'p',
  }).Endpoint.EndpointArn;
  const taskArn = sim.call(dms, 'CreateReplicationTask', {
    ReplicationTaskIdentifier: 'shop-sync', SourceEndpointArn: endpoint('s', 'source'), TargetEndpointArn: endpoint('t', 'target'),
    ReplicationInstanceArn: instanceArn, MigrationType: 'full-load-and-cdc',
    TableMappings: JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 'shop', 'table-name': '%' }, 'rule-action': 'include' }] }),
  }).ReplicationTask.ReplicationTaskArn as string;
  sim.advance(MIN);
  sim.call(dms, 'StartReplicationTask', { ReplicationTaskArn: taskArn, StartReplicationTaskType: 'start-replication' });
  const loadedAt = sim.ctx.now() + MIN + (rows / 1000) * 1000; // starting + full load at 1000 rows/s
  const dims = [
    { Name: 'ReplicationInstanceIdentifier', Value: 'shop-dms' },
    { Name: 'ReplicationTaskIdentifier', Value: taskArn.split(':').pop() },
  ];
  return { sim, taskArn, loadedAt, dims };
}

describe('CloudWatch AWS/DMS CDC latency', () => {
  it('has no datapoints during full load, then latency that decays to about a second', () => {
    const { sim, loadedAt, dims } = cdcTask();
    const stats = (metric: string, from: number, to: number) =>
      sim.call(cw, 'GetMetricStatistics', {
        Namespace: 'AWS/DMS', MetricName: metric, Dimensions: dims, StartTime: new Date(from), EndTime: new Date(to), Period: 60, Statistics: ['Average', 'Maximum'],
      });
    sim.advance(5 * MIN);
    expect(stats('CDCLatencySource', sim.ctx.now() - 5 * MIN, sim.ctx.now()).Datapoints).toEqual([]);
    sim.advance(loadedAt - sim.ctx.now() + 30 * MIN);
    const source = stats('CDCLatencySource', loadedAt, sim.ctx.now());
    expect(source.Label).toBe('CDCLatencySource');
    const points = [...source.Datapoints].sort((a: any, b: any) => a.Timestamp - b.Timestamp);
    expect(points.length).toBeGreaterThanOrEqual(29);
    expect(points[0].Average).toBeGreaterThan(30);
    expect(points[0].Unit).toBe('Seconds');
    expect(points.at(-1).Average).toBeLessThan(2);
    const target = stats('CDCLatencyTarget', sim.ctx.now() - 5 * MIN, sim.ctx.now()).Datapoints;
    expect(target.every((p: any) => p.Average >= 0.3 && p.Average < 3)).toBe(true);
  });

  it('answers GetMetricData, newest first by default', () => {
    const { sim, loadedAt, dims } = cdcTask(60_000);
    sim.advance(loadedAt - sim.ctx.now() + 20 * MIN);
    const query = (Id: string, MetricName: string, Dimensions = dims) => ({
      Id, MetricStat: { Metric: { Namespace: 'AWS/DMS', MetricName, Dimensions }, Period: 300, Stat: 'Maximum' },
    });
    const out = sim.call(cw, 'GetMetricData', {
      StartTime: new Date(sim.ctx.now() - 20 * MIN), EndTime: new Date(sim.ctx.now()),
      MetricDataQueries: [
        query('src', 'CDCLatencySource'),
        query('byName', 'CDCLatencySource', [dims[0]!, { Name: 'ReplicationTaskIdentifier', Value: 'shop-sync' }]),
      ],
    });
    const [src, byName] = out.MetricDataResults;
    expect(src).toMatchObject({ Id: 'src', StatusCode: 'Complete' });
    expect(src.Values.length).toBeGreaterThanOrEqual(4);
    expect(src.Timestamps[0].getTime()).toBeGreaterThan(src.Timestamps[1].getTime());
    // The task dimension is the resource id from the ARN, not the task's name.
    expect(byName.Values).toEqual([]);
  });

  it('stops reporting when the task stops, and validates requests', () => {
    const { sim, taskArn, loadedAt, dims } = cdcTask(60_000);
    sim.advance(loadedAt - sim.ctx.now() + 10 * MIN);
    sim.call(dms, 'StopReplicationTask', { ReplicationTaskArn: taskArn });
    const stoppedAt = sim.ctx.now();
    sim.advance(30 * MIN);
    const after = sim.call(cw, 'GetMetricStatistics', {
      Namespace: 'AWS/DMS', MetricName: 'CDCLatencySource', Dimensions: dims, StartTime: new Date(stoppedAt + MIN), EndTime: new Date(sim.ctx.now()), Period: 60, Statistics: ['Average'],
    });
    expect(after.Datapoints).toEqual([]);
    const base = { Namespace: 'AWS/DMS', MetricName: 'CDCLatencySource', Dimensions: dims, StartTime: new Date(0), EndTime: new Date(MIN * 10), Period: 60, Statistics: ['Average'] };
    expectSimError(() => sim.call(cw, 'GetMetricStatistics', { ...base, Period: 90 }), 'InvalidParameterValueException');
    expectSimError(() => sim.call(cw, 'GetMetricStatistics', { ...base, Statistics: [] }), 'MissingRequiredParameterException');
    expectSimError(() => sim.call(cw, 'GetMetricStatistics', { ...base, EndTime: new Date(MIN * 60 * 48) }), 'InvalidParameterCombinationException');
  });
});
