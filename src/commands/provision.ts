import type { CommandHandler } from './spec.js';
import { runStepCommand } from './step-command.js';

const provision: CommandHandler = async (args) => {
  await runStepCommand(args, 'provision');
};
export default provision;
