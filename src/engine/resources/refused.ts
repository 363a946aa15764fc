/**
 * Every create of a resource task goes through here (applyGraph): an AWS refusal a real
 * account produces — permission, quota, capacity, a class or version not offered — becomes
 * one sentence naming the resource and the fix (aws/refusals.ts); anything else stands.
 */
import { explainRefusal } from '../../aws/refusals.js';
import { awsCallFailureOf } from '../../errors.js';
import type { ResourceTask, TaskContext } from './task.js';

export async function explainingRefusals<R>(task: ResourceTask, t: TaskContext, call: () => Promise<R>): Promise<R> {
  try {
    return await call();
  } catch (err) {
    const who = task.identify?.(t) ?? {};
    const operation = awsCallFailureOf(err)?.operation;
    const explained = explainRefusal(err, {
      what: `the ${who.noun ?? task.title}${who.name ? ` ${who.name}` : ''} (${task.key})`,
      service: task.type.split(':')[0]!,
      region: t.step.aws.region,
      ...(operation ? { operation } : {}),
      ...(who.engine ? { engine: who.engine } : {}),
      ...(who.instanceClass ? { instanceClass: who.instanceClass } : {}),
      ...(who.engineVersion ? { engineVersion: who.engineVersion } : {}),
    });
    throw explained ?? err;
  }
}
