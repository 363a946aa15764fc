/**
 * PutMetricAlarm input checks, after the PutMetricAlarm API reference (and the shapes it
 * uses): model constraints and the rules its parameter descriptions state are refused as
 * CloudWatch refuses them — `ValidationError` (e.g. "Period must be 10, 20, 30 or a multiple
 * of 60", "DatapointsToAlarm must be less than or equal to EvaluationPeriods"),
 * `MissingParameter`, `InvalidParameterCombination`. Where AWS's exact wording is not
 * documented the message is the sandbox's, naming the parameter.
 *
 * Actions are checked against the ARN forms the page lists, and must be in the alarm's
 * Region ("Invalid region … specified. Only … is supported."). CloudWatch does not check
 * that an SNS topic exists (the console only warns), and neither does the sandbox.
 */
import { SimError } from '../../errors.js';
import type { SimContext } from '../../types.js';
import { Constraints } from '../model-constraints.js';
import type { AlarmDefinition } from './alarm-state.js';

const validationError = (message: string) => new SimError('ValidationError', message);
const missing = (name: string) => new SimError('MissingParameter', `The parameter ${name} is required.`);
const combination = (message: string) => new SimError('InvalidParameterCombination', message);

const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];
const STATIC_OPERATORS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'];
const BAND_OPERATORS = ['LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'];
const TREAT_MISSING = ['breaching', 'notBreaching', 'ignore', 'missing'];
const UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits',
  'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second',
  'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second',
  'Terabits/Second', 'Count/Second', 'None',
];
/** ExtendedStatistic: p90, tm90, tc90, ts90, wm90, IQM, PR(n:m), TC/TM/TS/WM(X%:X%). */
const NUMBER = '(100(\\.0{1,2})?|\\d{1,2}(\\.\\d{1,2})?)';
const EXTENDED = new RegExp(`^((p|tm|tc|ts|wm)${NUMBER}|IQM|PR\\([\\d.]*:[\\d.]*\\)|(TC|TM|TS|WM)\\((${NUMBER}%)?:(${NUMBER}%)?\\))$`);
const PERCENTILE = new RegExp(`^p${NUMBER}$`);
const METRIC_ID = /^[a-z][a-zA-Z0-9_]*$/;

const P = '(aws|aws-cn|aws-us-gov)';
const REGION = '([a-z0-9-]+)';
/** The action ARN forms PutMetricAlarm lists (OKActions, AlarmActions, InsufficientDataActions). */
const ACTION_FORMS: Array<{ re: RegExp; kind: string; alarmOnly?: boolean }> = [
  { re: new RegExp(`^arn:${P}:automate:${REGION}:ec2:(stop|terminate|reboot|recover)$`), kind: 'ec2' },
  { re: new RegExp(`^arn:${P}:swf:${REGION}:\\d{12}:action/actions/AWS_EC2\\.InstanceId\\.(Stop|Terminate|Reboot|Recover)/1\\.0$`), kind: 'ec2' },
  { re: new RegExp(`^arn:${P}:autoscaling:${REGION}:\\d{12}:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName/[^:]+:policyName/.+$`), kind: 'autoscaling' },
  { re: new RegExp(`^arn:${P}:lambda:${REGION}:\\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$`), kind: 'lambda' },
  { re: new RegExp(`^arn:${P}:sns:${REGION}:\\d{12}:[A-Za-z0-9_-]{1,256}$`), kind: 'sns' },
  { re: new RegExp(`^arn:${P}:ssm:${REGION}:\\d{12}:opsitem:[1-5](#CATEGORY=.+)?$`), kind: 'ssm' },
  { re: new RegExp(`^arn:${P}:ssm-incidents::\\d{12}:responseplan/.+$`), kind: 'ssm-incidents' },
  { re: new RegExp(`^arn:${P}:aiops:${REGION}:\\d{12}:investigation-group:.+$`), kind: 'aiops', alarmOnly: true },
];

/** Valid alarm periods: 10, 20, 30 or any multiple of 60 (PutMetricAlarm, Period). */
const validPeriod = (p: number) => Number.isInteger(p) && ([10, 20, 30].includes(p) || (p >= 60 && p % 60 === 0));

function checkActions(ctx: SimContext, member: string, actions: string[] | undefined, dims: Array<{ Name: string }> | undefined): void {
  for (const arn of actions ?? []) {
    const form = ACTION_FORMS.find((f) => f.re.test(arn) && (!f.alarmOnly || member === 'AlarmActions'));
    if (!form) throw validationError(`Invalid ${member}: ${arn} is not an action CloudWatch alarms can take.`);
    const region = form.re.exec(arn)![2];
    if (form.kind !== 'ssm-incidents' && region !== ctx.region) {
      throw validationError(`Invalid region ${region} specified. Only ${ctx.region} is supported.`);
    }
    if (form.kind === 'ec2' && !dims?.some((d) => d.Name === 'InstanceId')) {
      throw validationError(`The EC2 action ${arn} can only be used by an alarm on an EC2 per-instance metric (dimension InstanceId).`);
    }
  }
}

function checkMetricQueries(c: Constraints, queries: Array<Record<string, any>>): void {
  if (!c.length('metrics', queries, 1, 10)) return;
  queries.forEach((q, i) => {
    const at = `metrics.${i + 1}.member`;
    if (c.required(`${at}.id`, q.Id) && c.length(`${at}.id`, q.Id, 1, 255)) c.pattern(`${at}.id`, q.Id, METRIC_ID, '^[a-z][a-zA-Z0-9_]*$');
    c.length(`${at}.expression`, q.Expression, 1, 2048);
  });
}

export function checkAlarm(ctx: SimContext, input: Record<string, any>, creating: boolean): AlarmDefinition {
  const c = new Constraints();
  if (c.required('alarmName', input.AlarmName) && c.length('alarmName', input.AlarmName, 1, 255)) {
    // "The name must contain only UTF-8 characters, and can't contain ASCII control characters."
    c.pattern('alarmName', input.AlarmName, /^[^\x00-\x1f\x7f]*$/, '[^\\x00-\\x1f\\x7f]*');
  }
  c.length('alarmDescription', input.AlarmDescription, 0, 1024);
  for (const [member, at] of [['OKActions', 'oKActions'], ['AlarmActions', 'alarmActions'], ['InsufficientDataActions', 'insufficientDataActions']] as const) {
    if (c.length(at, input[member], 0, 5)) (input[member] ?? []).forEach((a: string, i: number) => c.length(`${at}.${i + 1}.member`, a, 1, 1024));
  }
  c.length('metricName', input.MetricName, 1, 255);
  if (c.length('namespace', input.Namespace, 1, 255)) c.pattern('namespace', input.Namespace, /^[^:].*$/, '[^:].*');
  c.oneOf('statistic', input.Statistic, STATISTICS);
  if (c.length('dimensions', input.Dimensions, 0, 30)) {
    (input.Dimensions ?? []).forEach((d: { Name?: string; Value?: string }, i: number) => {
      if (c.required(`dimensions.${i + 1}.member.name`, d.Name)) c.length(`dimensions.${i + 1}.member.name`, d.Name, 1, 255);
      if (c.required(`dimensions.${i + 1}.member.value`, d.Value)) c.length(`dimensions.${i + 1}.member.value`, d.Value, 1, 1024);
    });
  }
  c.range('period', input.Period, 1);
  c.oneOf('unit', input.Unit, UNITS);
  c.range('evaluationPeriods', input.EvaluationPeriods, 1);
  c.range('datapointsToAlarm', input.DatapointsToAlarm, 1);
  c.oneOf('comparisonOperator', input.ComparisonOperator, [...STATIC_OPERATORS, ...BAND_OPERATORS]);
  c.length('treatMissingData', input.TreatMissingData, 1, 255);
  c.length('evaluateLowSampleCountPercentile', input.EvaluateLowSampleCountPercentile, 1, 255);
  if (input.Metrics !== undefined) checkMetricQueries(c, input.Metrics);
  c.length('thresholdMetricId', input.ThresholdMetricId, 1, 255);
  if (creating && input.Tags !== undefined) {
    (input.Tags as Array<{ Key?: string; Value?: string }>).forEach((t, i) => {
      if (c.required(`tags.${i + 1}.member.key`, t.Key)) c.length(`tags.${i + 1}.member.key`, t.Key, 1, 128);
      if (c.required(`tags.${i + 1}.member.value`, t.Value)) c.length(`tags.${i + 1}.member.value`, t.Value, 0, 256);
    });
  }
  c.throwIfAny('ValidationError');

  if (input.EvaluationCriteria !== undefined || input.EvaluationInterval !== undefined) {
    throw new SimError('UnsupportedOperation', 'The promigrate sandbox does not simulate PromQL alarms (EvaluationCriteria, EvaluationInterval).');
  }
  const single = input.MetricName !== undefined;
  const math = input.Metrics !== undefined;
  if (single === math) {
    throw validationError(single
      ? 'Metrics cannot be used together with MetricName, Namespace, Dimensions, Period, Unit, Statistic or ExtendedStatistic.'
      : 'One of MetricName or Metrics must be specified.');
  }
  let periods: number[] = [];
  if (single) {
    if (input.Namespace === undefined) throw missing('Namespace');
    if (input.Statistic !== undefined && input.ExtendedStatistic !== undefined) {
      throw combination('Statistic and ExtendedStatistic cannot both be specified.');
    }
    if (input.Statistic === undefined && input.ExtendedStatistic === undefined) throw missing('Statistic or ExtendedStatistic');
    if (input.ExtendedStatistic !== undefined && !EXTENDED.test(input.ExtendedStatistic)) {
      throw validationError(`The value ${input.ExtendedStatistic} for parameter ExtendedStatistic is not supported.`);
    }
    if (input.Period === undefined) throw missing('Period');
    periods = [input.Period];
    const names = (input.Dimensions ?? []).map((d: { Name: string }) => d.Name);
    if (new Set(names).size !== names.length) throw new SimError('InvalidParameterValue', 'The collection Dimensions must not contain duplicate dimension names.');
  } else {
    const extra = ['Namespace', 'Dimensions', 'Period', 'Unit', 'Statistic', 'ExtendedStatistic'].find((k) => input[k] !== undefined);
    if (extra) throw validationError(`Metrics cannot be used together with ${extra}.`);
    const queries: Array<Record<string, any>> = input.Metrics;
    const ids = queries.map((q) => q.Id);
    if (new Set(ids).size !== ids.length) throw validationError('The Id of each element of the metrics list must be unique.');
    for (const q of queries) {
      if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
        throw validationError(`The metrics list element ${q.Id} must have exactly one of MetricStat or Expression.`);
      }
      if (q.MetricStat) {
        const m = q.MetricStat;
        if (!m.Metric?.MetricName || !m.Metric?.Namespace) throw missing(`Metrics.${q.Id}.MetricStat.Metric (MetricName and Namespace)`);
        if (m.Period === undefined) throw missing(`Metrics.${q.Id}.MetricStat.Period`);
        if (m.Stat === undefined) throw missing(`Metrics.${q.Id}.MetricStat.Stat`);
        periods.push(m.Period);
      } else if (q.Period !== undefined) {
        periods.push(q.Period);
      }
    }
    if (queries.filter((q) => q.ReturnData !== false).length !== 1) {
      throw validationError('Exactly one element of the metrics list should return data.');
    }
  }
  const badPeriod = periods.find((p) => !validPeriod(p));
  if (badPeriod !== undefined) throw validationError('Period must be 10, 20, 30 or a multiple of 60');

  if (input.EvaluationPeriods === undefined) throw missing('EvaluationPeriods');
  if (input.DatapointsToAlarm !== undefined && input.DatapointsToAlarm > input.EvaluationPeriods) {
    throw validationError('DatapointsToAlarm must be less than or equal to EvaluationPeriods');
  }
  // "Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms with
  // a period of less than one hour (3,600 seconds), the total evaluation period can't be longer
  // than one day (86,400 seconds)."
  const period = Math.max(...periods);
  const span = period * input.EvaluationPeriods;
  if (period < 3600 && span > 86_400) {
    throw validationError('Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400)');
  }
  if (span > 604_800) {
    throw validationError('Metrics cannot be checked across more than a week (EvaluationPeriods * Period must be <= 604800)');
  }

  if (input.ComparisonOperator === undefined) throw missing('ComparisonOperator');
  const band = BAND_OPERATORS.includes(input.ComparisonOperator);
  if (input.ThresholdMetricId !== undefined) {
    if (!math) throw validationError('ThresholdMetricId can only be used with Metrics.');
    if (input.Threshold !== undefined) throw combination('Threshold and ThresholdMetricId cannot both be specified.');
    const q = (input.Metrics as Array<Record<string, any>>).find((m) => m.Id === input.ThresholdMetricId);
    if (!q || !/ANOMALY_DETECTION_BAND\s*\(/.test(String(q.Expression ?? ''))) {
      throw validationError(`ThresholdMetricId ${input.ThresholdMetricId} must be the Id of an ANOMALY_DETECTION_BAND expression in Metrics.`);
    }
    if (!band) throw validationError(`ComparisonOperator ${input.ComparisonOperator} cannot be used with an anomaly detection threshold.`);
    if ((input.AlarmActions ?? []).some((a: string) => a.includes(':autoscaling:'))) {
      throw validationError('An alarm based on an anomaly detection model cannot have Auto Scaling actions.');
    }
  } else {
    if (input.Threshold === undefined) throw missing('Threshold');
    if (band) throw validationError(`ComparisonOperator ${input.ComparisonOperator} can only be used with ThresholdMetricId.`);
  }
  if (input.TreatMissingData !== undefined && !TREAT_MISSING.includes(input.TreatMissingData)) {
    throw validationError(`TreatMissingData must be one of ${TREAT_MISSING.join(', ')}.`);
  }
  if (input.EvaluateLowSampleCountPercentile !== undefined) {
    if (!['evaluate', 'ignore'].includes(input.EvaluateLowSampleCountPercentile)) {
      throw validationError('EvaluateLowSampleCountPercentile must be evaluate or ignore.');
    }
    if (!PERCENTILE.test(input.ExtendedStatistic ?? '')) {
      throw validationError('EvaluateLowSampleCountPercentile can only be used with a percentile ExtendedStatistic.');
    }
  }
  const dims: Array<{ Name: string; Value: string }> | undefined = input.Dimensions;
  checkActions(ctx, 'OKActions', input.OKActions, dims);
  checkActions(ctx, 'AlarmActions', input.AlarmActions, dims);
  checkActions(ctx, 'InsufficientDataActions', input.InsufficientDataActions, dims);

  const def: AlarmDefinition = {
    ActionsEnabled: input.ActionsEnabled ?? true,
    OKActions: [...(input.OKActions ?? [])],
    AlarmActions: [...(input.AlarmActions ?? [])],
    InsufficientDataActions: [...(input.InsufficientDataActions ?? [])],
    EvaluationPeriods: input.EvaluationPeriods,
    ComparisonOperator: input.ComparisonOperator,
  };
  if (single) def.Dimensions = (dims ?? []).map((d) => ({ Name: d.Name, Value: d.Value }));
  for (const k of ['AlarmDescription', 'MetricName', 'Namespace', 'Statistic', 'ExtendedStatistic', 'Period', 'Unit', 'DatapointsToAlarm', 'Threshold', 'TreatMissingData', 'EvaluateLowSampleCountPercentile', 'ThresholdMetricId'] as const) {
    if (input[k] !== undefined) (def as unknown as Record<string, unknown>)[k] = input[k];
  }
  if (math) def.Metrics = (input.Metrics as Array<Record<string, unknown>>).map((q) => ({ ...q, ReturnData: q.ReturnData !== false }));
  return def;
}
