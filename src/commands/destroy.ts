import type { CommandHandler } from './spec.js';
import { ExitCode, UsageError } from '../errors.js';
import { createStepContext } from '../engine/context.js';
import { resetSteps } from '../engine/reset.js';
import { withSession } from '../engine/session.js';
import { taskContext } from '../engine/resources/context.js';
import { destroyComplete, destroyResources, destroyTargets } from '../engine/resources/destroy.js';
import { inventoryLines, outcomeLines } from '../engine/resources/destroy-report.js';
import { sweepTasks } from '../steps/index.js';
import { withDestroyOptions } from '../steps/provision/database-shared.js';

const RERUN = 'Fix the causes above and run `promigrate destroy` again: it deletes what is left.';

const destroy: CommandHandler = async ({ globals, options, io }) => {
  const skipFinalSnapshot = options.skipFinalSnapshot === true;
  return withSession(globals, io, 'destroy', async (session) => {
    const cutover = session.store.data.steps.cutover;
    if (cutover?.status === 'done' && options.force !== true) {
      const record = typeof cutover.outputs.record === 'string' ? cutover.outputs.record : 'the domain';
      throw new UsageError(`Cutover switched ${record} to this stack: destroying it would take the site down.`, {
        hint: 'Run `promigrate rollback` first (it points the record back), or pass --force if the record no longer points here.',
      });
    }
    const ctx = createStepContext(session, 'destroy');
    const tasks = await sweepTasks(ctx.config);
    const { targets, notInventoried } = await destroyTargets(taskContext(ctx, new Map()), tasks);
    const unlisted = inventoryLines(notInventoried);
    const listing = targets.map((x) => `  ${x.key} ${x.id}${x.orphan ? ' (orphan: found by tag, not in state)' : ''}`).join('\n');
    const code = unlisted.length > 0 ? ExitCode.stepFailed : ExitCode.ok;
    const withUnlisted = (text: string): string => (unlisted.length ? `${text}\n${unlisted.join('\n')}\n${RERUN}` : text);
    if (targets.length === 0) {
      io.result({ dryRun: session.effects.planMode, deleted: [], notInventoried }, () => withUnlisted('Nothing to destroy: no resource of this project was found.'));
      return code;
    }
    const db = targets.filter((x) => x.type.startsWith('rds:db-instance'));
    const done = await session.effects.perform(
      { kind: 'aws', operation: 'promigrate:destroy', description: `delete, in reverse dependency order:\n${listing}`, params: { resources: targets.map((x) => x.key) } },
      async () => {
        const confirmed = await io.ask({
          kind: 'confirm',
          code: 'destroy.confirm',
          message: `Delete ${targets.length} resource(s) of ${session.project}${db.length ? `, turning off RDS deletion protection${skipFinalSnapshot ? ' WITHOUT a final snapshot' : ' (a final snapshot is kept)'}` : ''}?\n${listing}\n${unlisted.map((l) => `(${l})\n`).join('')}`,
          default: false,
        });
        if (!confirmed) return undefined;
        const outcome = await destroyResources(withDestroyOptions(taskContext(ctx, new Map()), { skipFinalSnapshot }), tasks, targets, notInventoried);
        await resetSteps(session.store, ['provision', 'sync', 'cutover', 'verify']);
        return outcome;
      },
    );
    if (!done.performed) {
      io.result({ dryRun: true, wouldDelete: targets, notInventoried }, () => withUnlisted(`${done.planned.line}\nNothing was changed.`));
      return code;
    }
    const outcome = done.value;
    if (!outcome) {
      io.result({ dryRun: false, deleted: [] }, () => 'Nothing was deleted.');
      return ExitCode.ok;
    }
    if (destroyComplete(outcome) && unlisted.length === 0) {
      io.result({ dryRun: false, deleted: outcome.deleted }, () => `Deleted ${outcome.deleted.length} resource(s). Adopted resources were left alone.`);
      return ExitCode.ok;
    }
    const left = [...unlisted, ...outcomeLines(outcome, session.project)];
    io.result({ dryRun: false, complete: false, ...outcome, notInventoried }, () =>
      [`Deleted ${outcome.deleted.length} of ${targets.length} resource(s); not done:`, ...left.map((l) => `  ${l}`), RERUN].join('\n'),
    );
    return ExitCode.stepFailed;
  });
};
export default destroy;
