/** What the target database's connection needs to know of a step (see Surroundings.targetDatabase). */
import type { TargetFacts } from '../aws/surroundings.js';
import { BASTION_OS_USER, targetRoute } from '../tunnel/target-route.js';
import type { PlannedChange, StepContext } from './step.js';

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

/**
 * What reaching the target costs in AWS calls, for a plan: with the bastion route, one
 * SendSSHPublicKey (a key generated for the run) and a tunnel for the step's duration.
 */
export function targetTunnelPlan(ctx: StepContext): PlannedChange[] {
  if (targetRoute(ctx.config).kind !== 'bastion') return [];
  const resources = (ctx.outputsOf('provision').resources ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const bastion = typeof resources['bastion.instance']?.id === 'string' ? String(resources['bastion.instance'].id) : '<the bastion provision builds>';
  const db = resources['db.instance'];
  const rds = typeof db?.address === 'string' ? `${db.address}:${String(db.port)}` : '<the RDS endpoint>';
  return [{
    action: 'call',
    target: 'target.tunnel',
    description: `ec2-instance-connect:SendSSHPublicKey to ${bastion} for ${BASTION_OS_USER} (an Ed25519 key generated for this run, kept in memory), then an SSH tunnel from a loopback port to ${rds}, closed when the step ends`,
    details: { instanceId: bastion, osUser: BASTION_OS_USER, destination: rds },
  }];
}
