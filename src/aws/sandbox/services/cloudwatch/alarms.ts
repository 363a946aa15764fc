/**
 * CloudWatch metric alarms: PutMetricAlarm, DescribeAlarms, DeleteAlarms and the alarm
 * tagging operations (TagResource, UntagResource, ListTagsForResource), each after its API
 * reference page. States come from alarm-state.ts, input checks from alarm-validate.ts.
 */
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { Constraints } from '../model-constraints.js';
import { page } from '../paging.js';
import { mergeTags, removeTags } from '../sim-util.js';
import { alarmArn, alarmsState, currentState, initialState, type AlarmRec } from './alarm-state.js';
import { checkAlarm } from './alarm-validate.js';

const MAX_TAGS = 50;
const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

const regionAlarms = (ctx: SimContext): AlarmRec[] =>
  Object.values(alarmsState(ctx).alarms)
    .filter((a) => a.region === ctx.region)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

function metricAlarm(ctx: SimContext, alarm: AlarmRec) {
  const state = currentState(ctx, alarm);
  const { AlarmDescription, ...rest } = alarm.definition;
  return {
    AlarmName: alarm.name,
    AlarmArn: alarm.arn,
    ...(AlarmDescription !== undefined ? { AlarmDescription } : {}),
    AlarmConfigurationUpdatedTimestamp: new Date(alarm.configUpdatedAt),
    ...structuredClone(rest),
    StateValue: state.value,
    StateReason: state.reason,
    ...(state.reasonData ? { StateReasonData: state.reasonData } : {}),
    StateUpdatedTimestamp: new Date(state.at),
    StateTransitionedTimestamp: new Date(state.at),
  };
}

/** An alarm by ARN for the tagging operations: InvalidParameterValue when malformed, ResourceNotFoundException when absent. */
function taggedAlarm(ctx: SimContext, arn: unknown): AlarmRec {
  const m = typeof arn === 'string' ? /^arn:(aws|aws-cn|aws-us-gov):cloudwatch:([a-z0-9-]+):(\d{12}):(alarm|insight-rule):(.+)$/.exec(arn) : null;
  if (!m) throw new SimError('InvalidParameterValueException', `Invalid ResourceARN: ${String(arn)}`);
  const alarm = alarmsState(ctx).alarms[arn as string];
  if (!alarm || alarm.region !== ctx.region) {
    throw new SimError('ResourceNotFoundException', `The resource ${String(arn)} does not exist.`, { httpStatusCode: 404 });
  }
  return alarm;
}

function checkTagList(tags: Array<{ Key?: string; Value?: string }> | undefined, at = 'tags'): Array<{ Key: string; Value: string }> {
  const c = new Constraints();
  if (c.required(at, tags)) {
    tags!.forEach((t, i) => {
      if (c.required(`${at}.${i + 1}.member.key`, t.Key)) c.length(`${at}.${i + 1}.member.key`, t.Key, 1, 128);
      if (c.required(`${at}.${i + 1}.member.value`, t.Value)) c.length(`${at}.${i + 1}.member.value`, t.Value, 0, 256);
    });
  }
  c.throwIfAny('ValidationError');
  return tags!.map((t) => ({ Key: t.Key!, Value: t.Value! }));
}

export const alarmHandlers: ServiceSimulator = {
  PutMetricAlarm(input, ctx) {
    const arn = alarmArn(ctx, String(input.AlarmName ?? ''));
    const s = alarmsState(ctx);
    const existing = s.alarms[arn];
    const definition = checkAlarm(ctx, input, !existing);
    const now = ctx.now();
    if (existing) {
      // An update keeps the alarm's state (and its tags: "any tags you specify in this
      // parameter are ignored"), but replaces its whole configuration.
      existing.state = currentState(ctx, existing);
      existing.definition = definition;
      existing.configUpdatedAt = now;
      return {};
    }
    const tags = input.Tags ? checkTagList(input.Tags) : [];
    if (tags.length > MAX_TAGS) throw new SimError('LimitExceeded', `An alarm can have at most ${MAX_TAGS} tags.`);
    s.alarms[arn] = {
      arn, region: ctx.region, name: input.AlarmName, definition, tags: mergeTags([], tags), createdAt: now, configUpdatedAt: now, state: initialState(now),
    };
    return {};
  },

  DescribeAlarms(input, ctx) {
    const c = new Constraints();
    c.length('alarmNames', input.AlarmNames, 0, 100);
    c.length('alarmNamePrefix', input.AlarmNamePrefix, 1, 255);
    c.length('actionPrefix', input.ActionPrefix, 1, 1024);
    c.oneOf('stateValue', input.StateValue, STATES);
    c.range('maxRecords', input.MaxRecords, 1, 100);
    (input.AlarmTypes ?? []).forEach((t: string) => c.oneOf('alarmTypes', t, ['CompositeAlarm', 'MetricAlarm']));
    c.throwIfAny('ValidationError');
    if (input.AlarmNames?.length && input.AlarmNamePrefix !== undefined) {
      throw new SimError('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be specified together.');
    }
    const family = input.ChildrenOfAlarmName ?? input.ParentsOfAlarmName;
    if (family !== undefined) {
      const others = ['AlarmNames', 'AlarmNamePrefix', 'AlarmTypes', 'StateValue', 'ActionPrefix'].filter((k) => input[k] !== undefined);
      if (others.length || (input.ChildrenOfAlarmName !== undefined && input.ParentsOfAlarmName !== undefined)) {
        throw new SimError('ValidationError', 'ChildrenOfAlarmName and ParentsOfAlarmName cannot be used with any other parameter but MaxRecords and NextToken.');
      }
      // The sandbox has no composite alarm: no alarm has parents or children.
      return { MetricAlarms: [], CompositeAlarms: [] };
    }
    const types: string[] = input.AlarmTypes?.length ? input.AlarmTypes : ['MetricAlarm'];
    const wanted = (a: AlarmRec) =>
      (!input.AlarmNames?.length || input.AlarmNames.includes(a.name)) &&
      (input.AlarmNamePrefix === undefined || a.name.startsWith(input.AlarmNamePrefix)) &&
      (input.ActionPrefix === undefined ||
        [...a.definition.OKActions, ...a.definition.AlarmActions, ...a.definition.InsufficientDataActions].some((x) => x.startsWith(input.ActionPrefix))) &&
      (input.StateValue === undefined || currentState(ctx, a).value === input.StateValue);
    const found = types.includes('MetricAlarm') ? regionAlarms(ctx).filter(wanted).map((a) => metricAlarm(ctx, a)) : [];
    const { items, NextToken } = page(found, { MaxResults: input.MaxRecords ?? 50, NextToken: input.NextToken }, { min: 1, max: 100, errorName: 'InvalidNextToken' });
    return {
      MetricAlarms: items,
      ...(types.includes('CompositeAlarm') ? { CompositeAlarms: [] } : {}),
      ...(NextToken ? { NextToken } : {}),
    };
  },

  // "If you specify an incorrect alarm name or make any other error in the operation, no
  // alarms are deleted."
  DeleteAlarms(input, ctx) {
    const c = new Constraints();
    if (c.required('alarmNames', input.AlarmNames)) c.length('alarmNames', input.AlarmNames, 0, 100);
    c.throwIfAny('ValidationError');
    const s = alarmsState(ctx);
    const names: string[] = input.AlarmNames;
    const missing = names.filter((n) => !s.alarms[alarmArn(ctx, n)]);
    if (missing.length) throw new SimError('ResourceNotFound', `The alarms [${missing.join(', ')}] do not exist.`, { httpStatusCode: 404 });
    for (const n of names) delete s.alarms[alarmArn(ctx, n)];
    return {};
  },

  TagResource(input, ctx) {
    const alarm = taggedAlarm(ctx, input.ResourceARN);
    const merged = mergeTags(alarm.tags, checkTagList(input.Tags));
    if (merged.length > MAX_TAGS) throw new SimError('InvalidParameterValueException', `A resource can have at most ${MAX_TAGS} tags.`);
    alarm.tags = merged;
    return {};
  },

  UntagResource(input, ctx) {
    const alarm = taggedAlarm(ctx, input.ResourceARN);
    alarm.tags = removeTags(alarm.tags, input.TagKeys ?? []);
    return {};
  },

  ListTagsForResource(input, ctx) {
    return { Tags: taggedAlarm(ctx, input.ResourceARN).tags.map((t) => ({ ...t })) };
  },
};
