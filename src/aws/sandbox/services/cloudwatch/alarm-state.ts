/**
 * CloudWatch metric alarms in the sandbox world, and their state derived from the clock.
 *
 * PutMetricAlarm: "When this operation creates an alarm, the alarm state is immediately set
 * to INSUFFICIENT_DATA. The alarm is then evaluated and its state is set appropriately. …
 * When you update an existing alarm, its state is left unchanged, but the update completely
 * overwrites the previous configuration of the alarm."
 *
 * The sandbox publishes no metric an alarm can watch, so every evaluation finds all of its
 * datapoints missing, and the alarm goes where TreatMissingData sends it (CloudWatch User
 * Guide, "Configuring how CloudWatch alarms treat missing data"): `missing` (the default) →
 * INSUFFICIENT_DATA, `notBreaching` → OK, `breaching` → ALARM, `ignore` → the state stays.
 * The first evaluation comes `durations.cloudwatchAlarmEvaluation` after the configuration
 * was written. Actions are never executed (nothing is delivered in the sandbox).
 */
import type { SimContext } from '../../types.js';
import { partition, type Tag } from '../sim-util.js';

export type StateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmState {
  value: StateValue;
  reason: string;
  reasonData?: string;
  /** When the state value last changed. */
  at: number;
}

/** The alarm's configuration as DescribeAlarms returns it (MetricAlarm fields). */
export interface AlarmDefinition {
  AlarmDescription?: string;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: Array<{ Name: string; Value: string }>;
  Period?: number;
  Unit?: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator: string;
  TreatMissingData?: string;
  EvaluateLowSampleCountPercentile?: string;
  Metrics?: Array<Record<string, unknown>>;
  ThresholdMetricId?: string;
}

export interface AlarmRec {
  arn: string;
  region: string;
  name: string;
  definition: AlarmDefinition;
  tags: Tag[];
  createdAt: number;
  configUpdatedAt: number;
  /** The state as it stood when the configuration was last written. */
  state: AlarmState;
}

export interface AlarmsSlice {
  /** By alarm ARN. */
  alarms: Record<string, AlarmRec>;
}

export const alarmsState = (ctx: SimContext): AlarmsSlice =>
  ctx.slice<AlarmsSlice>('cloudwatch', () => ({ alarms: {} }));

export const alarmArn = (ctx: SimContext, name: string): string =>
  `arn:${partition(ctx.region)}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`;

/** A new alarm's state, in CloudWatch's words. */
export const initialState = (at: number): AlarmState => ({ value: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation', at });

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** CloudWatch's `queryDate` format: `2025-01-06T09:01:00.000+0000`. */
const queryDate = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

/** What an evaluation with every datapoint missing concludes; undefined: the state stays (`ignore`). */
function evaluateMissing(def: AlarmDefinition, at: number): Omit<AlarmState, 'at'> | undefined {
  const treat = def.TreatMissingData ?? 'missing';
  if (treat === 'ignore') return undefined;
  const n = def.EvaluationPeriods;
  const data = JSON.stringify({
    version: '1.0',
    queryDate: queryDate(at),
    ...(def.Statistic ? { statistic: def.Statistic } : {}),
    ...(def.Period ? { period: def.Period } : {}),
    recentDatapoints: [],
    ...(def.Threshold !== undefined ? { threshold: def.Threshold } : {}),
    evaluatedDatapoints: [],
  });
  if (treat === 'missing') {
    const m = def.DatapointsToAlarm ?? n;
    return { value: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${plural(m, 'datapoint was', 'datapoints were')} unknown.`, reasonData: data };
  }
  const as = treat === 'breaching' ? 'Breaching' : 'NonBreaching';
  return {
    value: treat === 'breaching' ? 'ALARM' : 'OK',
    reason: `Threshold Crossed: no datapoints were received for ${plural(n, 'period', 'periods')} and ${plural(n, 'missing datapoint was', 'missing datapoints were')} treated as [${as}].`,
    reasonData: data,
  };
}

/** The alarm's state at `ctx.now()`. */
export function currentState(ctx: SimContext, alarm: AlarmRec): AlarmState {
  const evaluatedAt = alarm.configUpdatedAt + ctx.durations.cloudwatchAlarmEvaluation;
  if (ctx.now() < evaluatedAt) return alarm.state;
  const next = evaluateMissing(alarm.definition, evaluatedAt);
  if (!next) return alarm.state;
  return { ...next, at: next.value === alarm.state.value ? alarm.state.at : evaluatedAt };
}
