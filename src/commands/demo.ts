import type { CommandHandler } from './spec.js';

const demo: CommandHandler = async (args) => {
  const { runDemo } = await import('../demo/run-demo.js');
  const dir = typeof args.options.dir === 'string' ? args.options.dir : 'promigrate-demo';
  return runDemo(args, { dir, break: args.options.break === true });
};
export default demo;
