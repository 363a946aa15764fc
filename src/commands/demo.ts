import type { CommandHandler } from './spec.js';
import { riskIds } from '../engine/risks.js';

const demo: CommandHandler = async (args) => {
  const { runDemo } = await import('../demo/run-demo.js');
  const dir = typeof args.options.dir === 'string' ? args.options.dir : 'promigrate-demo';
  return runDemo(args, {
    dir,
    break: args.options.break === true,
    interactive: args.options.interactive === true,
    ...(typeof args.options.source === 'string' ? { source: args.options.source } : {}),
    acceptRisks: riskIds(args.options.acceptRisk),
  });
};
export default demo;
