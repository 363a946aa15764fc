/** What the target database's connection needs to know of a step (see Surroundings.targetDatabase). */
import type { TargetFacts } from '../aws/surroundings.js';
import type { StepContext } from './step.js';

export function targetFacts(ctx: StepContext): TargetFacts {
  return {
    provisionOutputs: ctx.outputsOf('provision'),
    secretsManager: () => ctx.aws.secretsManager,
    ec2: () => ctx.aws.ec2,
    instanceConnect: () => ctx.aws.instanceConnect,
    hostKeys: ctx.hostKeys,
    now: () => new Date(ctx.clock.now()),
    notify: (message) => ctx.io.notify({ level: 'info', code: 'target.tunnel', message }),
  };
}
