import { CancelledError, StepFailedError, UsageError, awsCallFailureOf, describeFailure, isAwsServiceError, isPromigrateError } from '../errors.js';
import { errorName } from '../aws/errors.js';
import type { StateFile, StepStatus } from '../state/types.js';
import { createStepContext, type RunEnvironment } from './context.js';
import { dependencyGraph } from './registry.js';
import { releasingTarget } from './target-release.js';
import type { PlannedChange, Step, StepContext } from './step.js';

export interface StepReport {
  id: string;
  title: string;
  status: StepStatus | 'planned' | 'already-done';
  attempt?: number;
  outputs?: Record<string, unknown>;
  plan?: PlannedChange[];
  error?: string;
}

export interface RunReport {
  project: string;
  dryRun: boolean;
  graph: string[];
  steps: StepReport[];
}

/**
 * Runs the selected steps in order. Plan mode (dry run) is decided here, not by each
 * step: the engine calls only `plan()` and returns before any `apply()` (eksctl's
 * PlanMode). A step left `running` by a crash is `check()`ed first: its work may
 * already be complete.
 */
export interface RunOptions {
  /** Steps to run again even when done (e.g. `promigrate assess` always re-assesses). */
  rerun?: ReadonlySet<string>;
}

export async function runSteps(
  env: RunEnvironment,
  ordered: readonly Step[],
  selected: readonly Step[],
  options: RunOptions = {},
): Promise<RunReport> {
  const report: RunReport = { project: env.project, dryRun: env.dryRun, graph: dependencyGraph(ordered), steps: [] };
  if (env.dryRun) {
    const graph = report.graph.length === 0 ? ['(no steps registered)'] : report.graph;
    env.io.notify({ level: 'info', code: 'engine.plan.graph', message: `Steps (← what each needs):\n  ${graph.join('\n  ')}` });
  }
  const selectedIds = new Set(selected.map((s) => s.id));
  refuseMissingDependencies(env.store.data, ordered, selected, selectedIds, env.dryRun);

  for (const step of selected) {
    throwIfCancelled(env.signal);
    const current = env.store.data.steps[step.id];
    if ((current?.status === 'done' || current?.status === 'skipped') && !options.rerun?.has(step.id)) {
      env.io.notify({ level: 'info', code: 'engine.step.skip', message: `${step.id}: already ${current.status}` });
      report.steps.push({ id: step.id, title: step.title, status: 'already-done', attempt: current.attempt });
      continue;
    }
    const ctx = createStepContext(env, step.id);
    if (env.dryRun) {
      report.steps.push(await planStep(ctx, step));
      continue;
    }
    report.steps.push(await applyStep(env, ctx, step));
  }
  return report;
}

function showDocument(document: unknown): string {
  if (document === undefined) return '';
  return `\n${JSON.stringify(document, null, 2).replace(/^/gm, '      ')}`;
}

async function planStep(ctx: StepContext, step: Step): Promise<StepReport> {
  const changes = await step.plan(ctx).finally(() => ctx.surroundings.targetDatabase.release());
  ctx.io.notify({ level: 'info', code: 'engine.plan.step', message: `${step.id}: ${step.title}` });
  for (const change of changes) {
    ctx.io.notify({
      level: 'info',
      code: 'engine.plan.change',
      message: `  (plan) would ${change.action} ${change.target ? `${change.target}: ` : ''}${change.description}${showDocument(change.document)}`,
      data: { step: step.id, ...change },
    });
  }
  if (changes.length === 0) {
    ctx.io.notify({ level: 'info', code: 'engine.plan.change', message: '  (plan) nothing to do' });
  }
  return { id: step.id, title: step.title, status: 'planned', plan: changes };
}

async function applyStep(env: RunEnvironment, ctx: StepContext, step: Step): Promise<StepReport> {
  const { store, io } = env;
  const previous = store.data.steps[step.id];

  if (previous?.status === 'running') {
    io.notify({ level: 'info', code: 'engine.step.resume', message: `${step.id}: was interrupted; checking what is already done` });
    const check = await abortable(step.check(ctx), env.signal);
    if (check.ok) {
      await setStatus(env, step.id, 'done');
      io.notify({ level: 'info', code: 'engine.step.done', message: `${step.id}: already complete` });
      return finished(env, step);
    }
  }

  const before = store.data.steps[step.id]?.status ?? 'pending';
  await store.update((draft) => {
    const entry = (draft.steps[step.id] ??= { status: 'pending', attempt: 0, outputs: {}, checkpoints: {} });
    entry.status = 'running';
    entry.attempt += 1;
    entry.startedAt = new Date().toISOString();
    delete entry.finishedAt;
    delete entry.error;
  });
  const activity = io.activity(`step.${step.id}`, `${step.id}: ${step.title}`);
  try {
    // Ctrl-C while the status was being saved: do not start the step at all.
    env.signal.throwIfAborted();
    const outputs = await abortable(releasingTarget(env.aws.surroundings, step.id, step.apply(ctx)), env.signal);
    await store.update((draft) => {
      const entry = draft.steps[step.id]!;
      Object.assign(entry.outputs, outputs);
      entry.status = 'done';
      entry.finishedAt = new Date().toISOString();
    });
    activity.succeed(`${step.id}: done`);
    return finished(env, step);
  } catch (err) {
    const cancelled = env.signal.aborted;
    // Bad input (2), a confirmation that could not be asked (4) and a declined one (130) keep
    // their own exit code and one-sentence error; a failure gets its ✗ line and exit 1.
    const badInput = isPromigrateError(err) && ([2, 4, 130] as number[]).includes(err.exitCode);
    if (badInput) activity.stop();
    else activity.fail(`${step.id}: ${cancelled ? 'cancelled' : 'failed'}`);
    // A confirmation that could not be asked (4) or was declined (130) is not a failure: the
    // step keeps the status it had, and the next run asks again.
    const declined = !cancelled && isPromigrateError(err) && (err.exitCode === 4 || err.exitCode === 130);
    await store.update((draft) => {
      const entry = draft.steps[step.id]!;
      if (declined) {
        entry.status = before;
        return;
      }
      entry.status = 'failed';
      entry.finishedAt = new Date().toISOString();
      entry.error = {
        message: cancelled ? 'cancelled by the operator' : describeFailure(err),
        code: cancelled ? 'Cancelled' : errorName(err) || undefined,
        at: entry.finishedAt,
      };
    });
    if (cancelled) throw new CancelledError(`Cancelled during ${step.id}; state saved.`, { hint: 'Run the same command again to resume.' });
    if (badInput) throw err;
    throw new StepFailedError(step.id, `Step ${step.id} failed: ${describeFailure(err)}`, {
      cause: err,
      hint: failureHint(err, step.id),
    });
  }
}

function finished(env: RunEnvironment, step: Step): StepReport {
  const entry = env.store.data.steps[step.id]!;
  return { id: step.id, title: step.title, status: entry.status, attempt: entry.attempt, outputs: entry.outputs };
}

async function setStatus(env: RunEnvironment, id: string, status: StepStatus): Promise<void> {
  await env.store.update((draft) => {
    const entry = draft.steps[id]!;
    entry.status = status;
    entry.finishedAt = new Date().toISOString();
  });
}

function refuseMissingDependencies(
  state: StateFile,
  ordered: readonly Step[],
  selected: readonly Step[],
  selectedIds: Set<string>,
  dryRun: boolean,
): void {
  const byId = new Map(ordered.map((s) => [s.id, s]));
  for (const step of selected) {
    for (const dep of step.dependsOn) {
      const status = state.steps[dep]?.status;
      if (status === 'done' || status === 'skipped' || selectedIds.has(dep)) continue;
      // A plan may look ahead: later steps plan against what earlier ones would create.
      if (dryRun) continue;
      throw new UsageError(`Step ${step.id} needs ${dep} (${byId.get(dep)?.title ?? dep}), which is ${status ?? 'pending'}.`, {
        hint: `Run \`promigrate run --to ${dep}\` first, or \`promigrate run --from ${dep}\`.`,
      });
    }
  }
}

/**
 * Races a step call against cancellation: on Ctrl-C the in-flight call is abandoned (its
 * own signal-aware waits stop too) so state can be saved and the lock released at once.
 */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // The call has started all the same: its own rejection (the same cancellation, as a rule)
    // must not surface as an unhandled rejection, which would kill the process mid-save.
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError('Cancelled; state saved.', { hint: 'Run the same command again to resume.' });
}

function failureHint(err: unknown, stepId: string): string {
  if (isPromigrateError(err) && err.hint) return err.hint;
  if (isAwsServiceError(err) && /AccessDenied|UnauthorizedOperation|NotAuthorized/.test(err.name)) {
    return 'Your AWS identity lacks the permission named above: `promigrate iam-policy` prints the policy promigrate needs. Then re-run to resume.';
  }
  const check = awsCallFailureOf(err)?.hint;
  return `${check ? `${check} ` : ''}Fix the cause and run \`promigrate run --from ${stepId}\` to resume.`;
}
