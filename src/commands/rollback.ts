import type { CommandHandler } from './spec.js';
import { createStepContext } from '../engine/context.js';
import { markRolledBack } from '../engine/reset.js';
import { withSession } from '../engine/session.js';

const REASON = 'requested by the operator (promigrate rollback)';

const rollback: CommandHandler = async ({ globals, io }) => {
  await withSession(globals, io, 'rollback', async (session) => {
    const { planRollback, rollbackCutover } = await import('../steps/cutover/rollback.js');
    const ctx = createStepContext(session, 'cutover');
    const plan = await planRollback(ctx);
    const restores = plan.restores.map((r) => `  ${r}`).join('\n');
    const lines = [
      plan.batch ? `restore ${plan.image.name} to:\n${restores}` : `${plan.image.name} already matches the saved image:\n${restores}`,
      ...(plan.unfreeze ? [`lift the write freeze on the source: ${plan.unfreeze.statements.join('; ')}`] : []),
    ];
    const done = await session.effects.perform(
      { kind: 'aws', operation: 'promigrate:rollback', description: `roll back the cutover: ${lines.join('; ')}`, params: { record: plan.image.name, unfreeze: plan.unfreeze !== undefined } },
      async () => {
        const yes = await io.ask({ kind: 'confirm', code: 'rollback.confirm', message: `Roll back the cutover?\n${lines.join('\n')}\n`, default: false });
        if (!yes) return undefined;
        const record = await rollbackCutover(ctx, REASON);
        await markRolledBack(session.store, record.at, REASON);
        return record;
      },
    );
    if (!done.performed) {
      io.result({ dryRun: true, ...plan }, () => `${lines.map((l) => `(plan) would ${l}`).join('\n')}${plan.batch ? `\n${JSON.stringify(plan.batch, null, 2)}` : ''}\nNothing was changed.`);
      return;
    }
    const record = done.value;
    if (!record) {
      io.result({ rolledBack: false }, () => 'Nothing was changed.');
      return;
    }
    io.result({ rolledBack: true, ...record, restored: plan.image.recordSets }, () =>
      `Rolled back: ${plan.image.name} is restored and in sync on every Route 53 server${record.freezeLifted ? '; the source accepts writes again' : ''}.`);
  });
};
export default rollback;
