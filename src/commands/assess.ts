import type { CommandHandler } from './spec.js';
import { withSession } from '../engine/session.js';
import { orderSteps } from '../engine/registry.js';
import { acceptRisks, riskIds } from '../engine/risks.js';
import { runSteps } from '../engine/runner.js';
import { StepFailedError } from '../errors.js';
import { loadSteps } from '../steps/index.js';
import { loadConfig } from '../config/load.js';
import { BlockersFoundError } from '../steps/assess/index.js';
import { assessReportPaths, readAssessReport, type AssessReport } from '../reports/assess.js';
import type { Effects } from '../engine/effects.js';
import type { IoHost } from '../ui/io-host.js';

const assess: CommandHandler = async ({ globals, options, io }) => {
  // The config first: a config error is reported without loading the steps (and the AWS SDK they import).
  const loaded = await loadConfig(globals.config);
  const ordered = orderSteps(await loadSteps());
  const step = ordered.find((s) => s.id === 'assess')!;
  let blocked: BlockersFoundError | undefined;
  const report = await withSession(globals, io, 'assess', async (session) => {
    // Accepted risks are state, which plan mode does not write.
    if (!session.dryRun) await acceptRisks(session.store, riskIds(options.acceptRisk));
    try {
      const run = await runSteps(session, ordered, [step], { rerun: new Set(['assess']) });
      if (run.dryRun) {
        io.result(run, () => 'This was a plan; nothing was read or written. Run `promigrate assess` to assess.');
        return undefined;
      }
    } catch (err) {
      if (err instanceof StepFailedError && err.cause instanceof BlockersFoundError) blocked = err.cause;
      else throw err;
    }
    const assessed = readAssessReport(session.store.stateDir, { neededBy: 'the summary and the fix script are made from it' });
    if (options.fixScript !== undefined) await writeFixScript(session.effects, assessed, fixScriptPath(options.fixScript, globals.stateDir), io);
    return assessed;
  }, { config: loaded });
  if (!report) return 0;

  const { renderAssessSummary } = await import('../ui/assess-view.js');
  io.result(report, () => `${renderAssessSummary(report)}\n\nReports: ${assessReportPaths(globals.stateDir).md} and .json`);
  if (blocked) {
    io.notify({ level: 'error', code: 'assess.blocked', message: `${blocked.message} ${blocked.hint ?? ''}`.trim() });
    return 1;
  }
  return 0;
};

const fixScriptPath = (option: unknown, stateDir: string): string => (typeof option === 'string' ? option : assessReportPaths(stateDir).fix);

/** A file the operator names, maybe outside the state dir: through the effects gate. */
async function writeFixScript(effects: Effects, report: AssessReport, target: string, io: IoHost): Promise<void> {
  const [{ default: writeFileAtomic }, { renderFixScript }] = await Promise.all([import('write-file-atomic'), import('../steps/assess/fix-script.js')]);
  const done = await effects.perform({ kind: 'file', operation: 'file:write', description: `write the fix script ${target}`, params: { path: target } }, () => writeFileAtomic(target, renderFixScript(report)));
  if (done.performed) io.notify({ level: 'info', code: 'assess.fix-script', message: `Fixes written to ${target} (review them; promigrate never changes the source).` });
}

export default assess;
