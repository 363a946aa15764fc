import type { CommandArgs, CommandHandler } from './spec.js';
import { withSession } from '../engine/session.js';
import { orderSteps, selectSteps, type Selection } from '../engine/registry.js';
import { runSteps, type RunReport } from '../engine/runner.js';
import { acceptRisks, riskIds } from '../engine/risks.js';
import { loadSteps } from '../steps/index.js';
import { loadConfig } from '../config/load.js';

/** `promigrate run` and `promigrate plan` (= run --dry-run) share this. */
export async function runCommand({ globals, options, io }: CommandArgs, name: string): Promise<number> {
  // The config first: a config error is reported without loading the steps (and the AWS SDK they import).
  const loaded = await loadConfig(globals.config);
  const ordered = orderSteps(await loadSteps());
  const selection: Selection = {
    ...(typeof options.from === 'string' ? { from: options.from } : {}),
    ...(typeof options.to === 'string' ? { to: options.to } : {}),
    ...(Array.isArray(options.only) ? { only: (options.only as string[]).flatMap((s) => s.split(',')) } : {}),
  };
  const selected = selectSteps(ordered, selection);
  const report = await withSession(globals, io, name, async (session) => {
    if (!globals.dryRun) await acceptRisks(session.store, riskIds(options.acceptRisk));
    return runSteps(session, ordered, selected);
  }, { config: loaded });
  io.result(report, () => summary(report));
  return 0;
}

function summary(report: RunReport): string {
  if (report.steps.length === 0) return 'No steps to run.';
  if (report.dryRun) {
    const planned = report.steps.filter((s) => s.status === 'planned').length;
    return `Plan for ${report.project}: ${planned} step(s) would run; nothing was changed.\nRun \`promigrate run\` (without --dry-run) to apply.`;
  }
  const done = report.steps.filter((s) => s.status === 'done').length;
  const already = report.steps.filter((s) => s.status === 'already-done').length;
  return `${report.project}: ${done} step(s) completed${already ? `, ${already} already done` : ''}. See \`promigrate status\`.`;
}

const run: CommandHandler = (args) => runCommand(args, 'run');
export default run;
