import type { CommandHandler } from './spec.js';
import { createStepContext } from '../engine/context.js';
import { withSession } from '../engine/session.js';
import { runStepCommand } from './step-command.js';

const cutover: CommandHandler = async (args) => {
  const { globals, io, options } = args;
  if (options.prepareOnly !== true) {
    await runStepCommand(args, 'cutover');
    return;
  }
  const done = await withSession(globals, io, 'cutover', async (session) => {
    const { prepareOnly } = await import('../steps/cutover/index.js');
    const ctx = createStepContext(session, 'cutover');
    return session.effects.perform(
      { kind: 'aws', operation: 'promigrate:cutover-prepare', description: 'save the rollback image and lower the TTL' },
      () => prepareOnly(ctx),
    );
  });
  if (!done.performed) {
    // The prepare phase is the head of the cutover's plan, shown as `cutover --dry-run` shows it.
    await runStepCommand(args, 'cutover');
    return;
  }
  const when = new Date(done.value.expiresAt).toISOString();
  io.result({ prepared: true, imageRecordSets: done.value.image, oldTtlExpiresAt: when }, () =>
    `Prepared: the rollback image (${done.value.image} record set(s)) is saved and the TTL is lowered; the switch can happen from ${when} on.\nRun \`promigrate cutover\` in the change window.`);
};
export default cutover;
