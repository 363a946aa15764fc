import type { CommandHandler } from './spec.js';
import { UsageError } from '../errors.js';
import { createStepContext } from '../engine/context.js';
import { resetSteps } from '../engine/reset.js';
import { withSession } from '../engine/session.js';
import { taskContext } from '../engine/resources/context.js';
import { destroyResources, destroyTargets } from '../engine/resources/destroy.js';
import { sweepTasks } from '../steps/index.js';
import { withDestroyOptions } from '../steps/provision/database-shared.js';

const destroy: CommandHandler = async ({ globals, options, io }) => {
  const skipFinalSnapshot = options.skipFinalSnapshot === true;
  await withSession(globals, io, 'destroy', async (session) => {
    const cutover = session.store.data.steps.cutover;
    if (cutover?.status === 'done' && options.force !== true) {
      const record = typeof cutover.outputs.record === 'string' ? cutover.outputs.record : 'the domain';
      throw new UsageError(`Cutover switched ${record} to this stack: destroying it would take the site down.`, {
        hint: 'Run `promigrate rollback` first (it points the record back), or pass --force if the record no longer points here.',
      });
    }
    const ctx = createStepContext(session, 'destroy');
    const tasks = await sweepTasks(ctx.config);
    const targets = await destroyTargets(taskContext(ctx, new Map()), tasks);
    const listing = targets.map((x) => `  ${x.key} ${x.id}${x.orphan ? ' (orphan: found by tag, not in state)' : ''}`).join('\n');
    if (targets.length === 0) {
      io.result({ dryRun: session.effects.planMode, deleted: [] }, () => 'Nothing to destroy: no resource of this project was found.');
      return;
    }
    const db = targets.filter((x) => x.type.startsWith('rds:db-instance'));
    const done = await session.effects.perform(
      { kind: 'aws', operation: 'promigrate:destroy', description: `delete, in reverse dependency order:\n${listing}`, params: { resources: targets.map((x) => x.key) } },
      async () => {
        const confirmed = await io.ask({
          kind: 'confirm',
          code: 'destroy.confirm',
          message: `Delete ${targets.length} resource(s) of ${session.project}${db.length ? `, turning off RDS deletion protection${skipFinalSnapshot ? ' WITHOUT a final snapshot' : ' (a final snapshot is kept)'}` : ''}?\n${listing}\n`,
          default: false,
        });
        if (!confirmed) return false;
        await destroyResources(withDestroyOptions(taskContext(ctx, new Map()), { skipFinalSnapshot }), tasks, targets);
        await resetSteps(session.store, ['provision', 'sync', 'cutover', 'verify']);
        return true;
      },
    );
    if (!done.performed) {
      io.result({ dryRun: true, wouldDelete: targets }, () => `${done.planned.line}\nNothing was changed.`);
    } else if (!done.value) {
      io.result({ dryRun: false, deleted: [] }, () => 'Nothing was deleted.');
    } else {
      io.result({ dryRun: false, deleted: targets }, () => `Deleted ${targets.length} resource(s). Adopted resources were left alone.`);
    }
  });
};
export default destroy;
