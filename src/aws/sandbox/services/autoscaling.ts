/**
 * Simulated Amazon EC2 Auto Scaling, for groups that launch from EC2 launch templates:
 *
 * - groups (autoscaling/groups.ts): create, describe (tag filters, NextToken paging), update,
 *   set desired capacity, delete (ResourceInUse / ScalingActivityInProgress unless ForceDelete);
 * - capacity (autoscaling/capacity.ts): the group's instances are real EC2 instances of the
 *   sandbox, launched from the template into the group's subnets across AZs, tagged, registered
 *   with the group's target groups once running, Pending → InService → Terminating (draining
 *   first) → gone, on the simulated clock (autoscaling/launch.ts launches one);
 * - scaling activities (autoscaling/activities.ts), target tracking policies
 *   (autoscaling/policies.ts), tags (autoscaling/tags.ts).
 */
import type { ServiceSimulator } from '../types.js';
import { activityOperations } from './autoscaling/activities.js';
import { groupOperations } from './autoscaling/groups.js';
import { policyOperations } from './autoscaling/policies.js';
import { tagOperations } from './autoscaling/tags.js';

export const autoScalingSimulator: ServiceSimulator = {
  ...groupOperations,
  ...activityOperations,
  ...policyOperations,
  ...tagOperations,
};
