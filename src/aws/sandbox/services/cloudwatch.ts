/**
 * Simulated Amazon CloudWatch. Metric alarms (PutMetricAlarm, DescribeAlarms, DeleteAlarms,
 * alarm tags) are in cloudwatch/alarms.ts. Metrics: GetMetricStatistics and GetMetricData for the DMS
 * replication-task metrics `AWS/DMS` CDCLatencySource / CDCLatencyTarget (seconds), which is
 * where real DMS reports CDC latency (the DMS API itself has no latency field).
 *
 * As in AWS, a metric is identified by its exact dimension set: ReplicationInstanceIdentifier
 * (the instance's identifier) + ReplicationTaskIdentifier (the task's resource id, i.e. the
 * last part of its ARN, not its name). Samples exist once a minute while the task is in CDC;
 * latency starts high after a full load (or a stop) and decays to about 1 s. Anything else
 * has no datapoints, as an unknown metric in CloudWatch.
 */
import { SimError } from '../errors.js';
import type { ServiceSimulator, SimContext } from '../types.js';
import { cdcLatency, cdcWindows } from './dms/progress.js';
import { dmsState } from './dms/state.js';
import { alarmHandlers } from './cloudwatch/alarms.js';

const MINUTE = 60_000;
const METRICS = ['CDCLatencySource', 'CDCLatencyTarget'];

type Dimension = { Name?: string; Value?: string };
type Sample = { t: number; v: number };

const invalid = (message: string) =>
  new SimError('InvalidParameterValueException', message, { httpStatusCode: 400 });

const toMs = (value: unknown, name: string): number => {
  const ms = value instanceof Date ? value.getTime() : new Date(value as string | number).getTime();
  if (Number.isNaN(ms)) throw invalid(`The parameter ${name} must be a valid timestamp.`);
  return ms;
};

/** One sample per minute of the metric, within [from, to) and not after now. */
function samples(ctx: SimContext, namespace: string, metric: string, dims: Dimension[], from: number, to: number): Sample[] {
  if (namespace !== 'AWS/DMS' || !METRICS.includes(metric) || dims.length !== 2) return [];
  const dim = (name: string) => dims.find((d) => d.Name === name)?.Value;
  const instanceId = dim('ReplicationInstanceIdentifier');
  const taskResourceId = dim('ReplicationTaskIdentifier');
  const s = dmsState(ctx);
  const task = Object.values(s.tasks).find(
    (t) => t.resourceId === taskResourceId && s.instances[t.instanceArn]?.id === instanceId,
  );
  if (!task) return [];
  const out: Sample[] = [];
  const until = Math.min(to, ctx.now() + 1);
  for (const w of cdcWindows(ctx, task)) {
    const end = Math.min(w.end ?? Infinity, until);
    for (let t = Math.ceil(Math.max(w.start, from) / MINUTE) * MINUTE; t < end; t += MINUTE) {
      const l = cdcLatency(task, w, t);
      out.push({ t, v: metric === 'CDCLatencySource' ? l.source : l.target });
    }
  }
  return out;
}

function statistic(values: number[], stat: string): number {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((a, b) => a + b, 0);
  switch (stat) {
    case 'Average': return sum / values.length;
    case 'Sum': return sum;
    case 'Minimum': return sorted[0]!;
    case 'Maximum': return sorted[sorted.length - 1]!;
    case 'SampleCount': return values.length;
    default: {
      const p = /^p(\d+(\.\d+)?)$/.exec(stat);
      if (!p) throw invalid(`The value ${stat} for parameter Stat is not valid.`);
      return sorted[Math.min(sorted.length - 1, Math.ceil((Number(p[1]) / 100) * sorted.length) - 1)]!;
    }
  }
}

/** Samples grouped into Period-second buckets aligned on the epoch. */
function buckets(all: Sample[], periodSeconds: number): Map<number, number[]> {
  const size = periodSeconds * 1000;
  const out = new Map<number, number[]>();
  for (const s of all) {
    const b = Math.floor(s.t / size) * size;
    out.set(b, [...(out.get(b) ?? []), s.v]);
  }
  return out;
}

function checkPeriod(period: unknown): number {
  const p = Number(period);
  if (!Number.isInteger(p) || p <= 0 || (p >= 60 ? p % 60 !== 0 : ![1, 5, 10, 30].includes(p))) {
    throw invalid('The parameter Period must be a multiple of 60.');
  }
  return p;
}

const metricHandlers: ServiceSimulator = {
  GetMetricStatistics(input, ctx) {
    const period = checkPeriod(input.Period);
    const from = toMs(input.StartTime, 'StartTime');
    const to = toMs(input.EndTime, 'EndTime');
    if (to <= from) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
    const stats: string[] = [...(input.Statistics ?? []), ...(input.ExtendedStatistics ?? [])];
    if (stats.length === 0) {
      throw new SimError('MissingRequiredParameterException', 'The parameter Statistics or ExtendedStatistics must be specified.');
    }
    if ((to - from) / (period * 1000) > 1440) {
      throw new SimError(
        'InvalidParameterCombinationException',
        'You have requested too many datapoints; the limit is 1,440. Increase Period or shorten the time range.',
      );
    }
    const grouped = buckets(samples(ctx, input.Namespace, input.MetricName, input.Dimensions ?? [], from, to), period);
    return {
      Label: input.MetricName,
      Datapoints: [...grouped.entries()].map(([t, values]) => {
        const point: Record<string, unknown> = { Timestamp: new Date(t), Unit: 'Seconds' };
        for (const s of input.Statistics ?? []) point[s] = statistic(values, s);
        if (input.ExtendedStatistics?.length) {
          point.ExtendedStatistics = Object.fromEntries(
            input.ExtendedStatistics.map((s: string) => [s, statistic(values, s)]),
          );
        }
        return point;
      }),
    };
  },

  GetMetricData(input, ctx) {
    const from = toMs(input.StartTime, 'StartTime');
    const to = toMs(input.EndTime, 'EndTime');
    if (to <= from) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
    const queries: Array<Record<string, any>> = input.MetricDataQueries ?? [];
    if (queries.length === 0 || queries.length > 500) {
      throw invalid('The parameter MetricDataQueries must contain between 1 and 500 queries.');
    }
    const ascending = input.ScanBy === 'TimestampAscending';
    const results = queries
      .filter((q) => q.ReturnData !== false)
      .map((q) => {
        if (!q.MetricStat) throw invalid('The sandbox supports MetricStat queries only (no Expression).');
        const { Metric, Period, Stat } = q.MetricStat;
        const grouped = buckets(samples(ctx, Metric?.Namespace, Metric?.MetricName, Metric?.Dimensions ?? [], from, to), checkPeriod(Period));
        const points = [...grouped.entries()]
          .map(([t, values]) => ({ t, v: statistic(values, Stat) }))
          .sort((a, b) => (ascending ? a.t - b.t : b.t - a.t));
        return {
          Id: q.Id,
          Label: q.Label ?? Metric?.MetricName,
          Timestamps: points.map((p) => new Date(p.t)),
          Values: points.map((p) => p.v),
          StatusCode: 'Complete',
          Messages: [],
        };
      });
    return { MetricDataResults: results, Messages: [] };
  },
};

export const cloudWatchSimulator: ServiceSimulator = { ...metricHandlers, ...alarmHandlers };
