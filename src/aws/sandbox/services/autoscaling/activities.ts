/**
 * Auto Scaling DescribeScalingActivities (API reference): newest first, for one group or all,
 * by activity id; activities of deleted groups only with IncludeDeletedGroups. Status follows
 * the instance (see capacity.ts): a launch is InProgress until the instance is in service; a
 * termination waits for connection draining (WaitingForELBConnectionDraining), then for EC2.
 */
import type { Activity, DescribeScalingActivitiesType } from '@aws-sdk/client-auto-scaling';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { activityStatus } from './capacity.js';
import { groupVisible } from './groups.js';
import { asgState, pageRecords, type ActivityRec } from './state.js';

function activityOut(ctx: SimContext, a: ActivityRec, deleted: boolean): Activity {
  const status = activityStatus(ctx, a);
  return {
    ActivityId: a.id,
    AutoScalingGroupName: a.group,
    AutoScalingGroupARN: a.groupArn,
    Description: a.description,
    Cause: a.cause,
    StartTime: new Date(a.startTime),
    ...(status.endTime !== undefined ? { EndTime: new Date(status.endTime) } : {}),
    StatusCode: status.code,
    ...(a.failure !== undefined ? { StatusMessage: a.failure } : {}),
    Progress: status.progress,
    Details: JSON.stringify({ ...(a.subnetId ? { 'Subnet ID': a.subnetId } : {}), ...(a.az ? { 'Availability Zone': a.az } : {}) }),
    ...(deleted ? { AutoScalingGroupState: 'Deleted' } : {}),
  };
}

export const activityOperations: ServiceSimulator = {
  DescribeScalingActivities: (input: DescribeScalingActivitiesType, ctx) => {
    const s = asgState(ctx);
    const live = (a: ActivityRec): boolean => {
      const g = s.groups[a.group];
      return !!g && g.arn === a.groupArn && groupVisible(ctx, g);
    };
    let list = [...s.activities].reverse();
    if (!input.IncludeDeletedGroups) list = list.filter(live);
    if (input.AutoScalingGroupName) list = list.filter((a) => a.group === input.AutoScalingGroupName);
    if (input.ActivityIds?.length) list = list.filter((a) => input.ActivityIds!.includes(a.id));
    const { items, NextToken } = pageRecords(list, input, 100, 100);
    return { Activities: items.map((a) => activityOut(ctx, a, !live(a))), ...(NextToken ? { NextToken } : {}) };
  },
};
