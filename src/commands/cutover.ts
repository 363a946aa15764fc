import type { CommandHandler } from './spec.js';
import { createStepContext } from '../engine/context.js';
import { withSession } from '../engine/session.js';
import { runStepCommand } from './step-command.js';

const cutover: CommandHandler = async (args) => {
  const { globals, io, options } = args;
  if (options.prepareOnly === true && !globals.dryRun) {
    await withSession(globals, io, 'cutover', async (session) => {
      const { prepareOnly } = await import('../steps/cutover/index.js');
      const done = await prepareOnly(createStepContext(session, 'cutover'));
      const when = new Date(done.expiresAt).toISOString();
      io.result({ prepared: true, imageRecordSets: done.image, oldTtlExpiresAt: when }, () =>
        `Prepared: the rollback image (${done.image} record set(s)) is saved and the TTL is lowered; the switch can happen from ${when} on.\nRun \`promigrate cutover\` in the change window.`);
    });
    return;
  }
  await runStepCommand(args, 'cutover');
};
export default cutover;
