import type { CommandArgs } from './spec.js';
import { withSession } from '../engine/session.js';
import { orderSteps } from '../engine/registry.js';
import { runSteps, type RunReport, type StepReport } from '../engine/runner.js';
import { loadSteps } from '../steps/index.js';
import { loadConfig } from '../config/load.js';

/**
 * `promigrate provision` (and the other step commands): run that one step — again if it
 * is already done, since every step is idempotent — after checking that the steps it
 * depends on are done. With --dry-run: its plan only.
 */
export async function runStepCommand({ globals, io, options }: CommandArgs, stepId: string): Promise<RunReport> {
  // The config first: a config error is reported without loading the steps (and the AWS SDK they import).
  const loaded = await loadConfig(globals.config);
  const ordered = orderSteps(await loadSteps());
  const step = ordered.find((s) => s.id === stepId);
  if (!step) throw new Error(`internal error: no step ${stepId}`);
  const report = await withSession(globals, io, stepId, async (session) => {
    session.stepOptions = { [stepId]: options };
    return runSteps(session, ordered, [step], { rerun: new Set([stepId]) });
  }, { config: loaded });
  io.result(report, () => summarise(report.steps[0], globals.dryRun, stepId));
  return report;
}

function summarise(step: StepReport | undefined, dryRun: boolean, stepId: string): string {
  if (!step) return '';
  if (dryRun) {
    const creates = (step.plan ?? []).filter((c) => c.action === 'create').length;
    return `Plan for ${stepId}: ${step.plan?.length ?? 0} item(s), ${creates} to create; nothing was changed.\nRun \`promigrate ${stepId}\` (without --dry-run) to apply.`;
  }
  const outputs = Object.entries(step.outputs ?? {})
    .filter(([k, v]) => k !== 'resources' && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `  ${k}: ${String(v)}`);
  return [`${stepId}: done.`, ...outputs].join('\n');
}
