import type { CommandHandler } from './spec.js';
import { runCommand } from './run.js';

const plan: CommandHandler = (args) => runCommand({ ...args, globals: { ...args.globals, dryRun: true } }, 'plan');
export default plan;
