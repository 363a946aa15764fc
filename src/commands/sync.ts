import type { CommandHandler } from './spec.js';
import { runStepCommand } from './step-command.js';

const sync: CommandHandler = async (args) => {
  await runStepCommand(args, 'sync');
};
export default sync;
