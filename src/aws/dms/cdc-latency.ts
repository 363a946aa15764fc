/**
 * CDC latency of a replication task. DMS publishes it only as CloudWatch metrics
 * (`AWS/DMS` CDCLatencySource / CDCLatencyTarget, seconds, one datapoint a minute), keyed by
 * the instance's identifier and the task's resource id (the last part of its ARN, not its name).
 */
import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { cdcStable } from './task-status.js';

export interface LatencySample {
  at: number;
  source: number;
  target: number;
}

const MINUTE = 60_000;

export const taskResourceId = (taskArn: string): string => taskArn.split(':').pop() ?? taskArn;

/**
 * The last `minutes` of paired samples, oldest first. A minute with only one of the two
 * metrics is left out: a sample counts only when both sides were measured.
 */
export async function cdcLatencySamples(
  cloudwatch: CloudWatchClient,
  ids: { instanceId: string; taskArn: string },
  now: number,
  minutes: number,
): Promise<LatencySample[]> {
  const dimensions = [
    { Name: 'ReplicationInstanceIdentifier', Value: ids.instanceId },
    { Name: 'ReplicationTaskIdentifier', Value: taskResourceId(ids.taskArn) },
  ];
  const query = (id: string, metric: string) => ({
    Id: id,
    MetricStat: { Metric: { Namespace: 'AWS/DMS', MetricName: metric, Dimensions: dimensions }, Period: 60, Stat: 'Maximum' },
  });
  const end = Math.floor(now / MINUTE) * MINUTE + MINUTE;
  const out = await cloudwatch.send(new GetMetricDataCommand({
    StartTime: new Date(end - (minutes + 1) * MINUTE),
    EndTime: new Date(end),
    ScanBy: 'TimestampAscending',
    MetricDataQueries: [query('source', 'CDCLatencySource'), query('target', 'CDCLatencyTarget')],
  }));
  const series = (id: string) => {
    const r = out.MetricDataResults?.find((x) => x.Id === id);
    return new Map((r?.Timestamps ?? []).map((t, i) => [new Date(t).getTime(), r!.Values?.[i] ?? Number.NaN]));
  };
  const source = series('source');
  const target = series('target');
  return [...source.keys()]
    .filter((t) => target.has(t))
    .sort((a, b) => a - b)
    .map((at) => ({ at, source: source.get(at)!, target: target.get(at)! }));
}

/** How many of the latest samples, counting back, are at or below the threshold. */
export function stableRun(samples: LatencySample[], thresholdSeconds: number): number {
  let n = 0;
  for (let i = samples.length - 1; i >= 0 && cdcStable([samples[i]!], thresholdSeconds, 1); i--) n++;
  return n;
}
