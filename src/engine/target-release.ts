import type { Surroundings } from '../aws/surroundings.js';
import { ExitCode, StepFailedError, describeFailure, isPromigrateError } from '../errors.js';

/**
 * Closes the step's tunnel to the target database (if it opened one) when the step ends,
 * however it ends. A step that failed after the tunnel dropped fails with that reason: the
 * database driver's "connection lost" would not say why.
 */
export async function releasingTarget<T>(surroundings: Pick<Surroundings, 'targetDatabase'>, stepId: string, work: Promise<T>): Promise<T> {
  const release = () => surroundings.targetDatabase.release();
  let value: T;
  try {
    value = await work;
  } catch (err) {
    const loss = await release().catch(() => undefined);
    // Bad input, a confirmation and a cancellation keep their own error and exit code.
    if (!loss || (isPromigrateError(err) && err.exitCode !== ExitCode.stepFailed)) throw err;
    throw new StepFailedError(stepId, `the SSH tunnel through the bastion ${loss.instanceId} dropped mid-step (${loss.reason}): ${describeFailure(err)}`, {
      cause: err,
      hint: (isPromigrateError(err) && err.hint) || `Check the bastion and this machine's connection to it, then run the same command again: ${stepId} resumes from its last checkpoint.`,
    });
  }
  await release();
  return value;
}
