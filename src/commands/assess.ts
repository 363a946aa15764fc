import type { CommandHandler } from './spec.js';
import { withSession } from '../engine/session.js';
import { orderSteps } from '../engine/registry.js';
import { acceptRisks, riskIds } from '../engine/risks.js';
import { runSteps } from '../engine/runner.js';
import { StepFailedError } from '../errors.js';
import { loadSteps } from '../steps/index.js';
import { BlockersFoundError } from '../steps/assess/index.js';
import { assessReportPaths, readAssessReport } from '../reports/assess.js';

const assess: CommandHandler = async ({ globals, options, io }) => {
  const ordered = orderSteps(await loadSteps());
  const step = ordered.find((s) => s.id === 'assess')!;
  let blocked: BlockersFoundError | undefined;
  const report = await withSession(globals, io, 'assess', async (session) => {
    if (!globals.dryRun) await acceptRisks(session.store, riskIds(options.acceptRisk));
    try {
      const run = await runSteps(session, ordered, [step], { rerun: new Set(['assess']) });
      if (globals.dryRun) {
        io.result(run, () => 'This was a plan; nothing was read or written. Run `promigrate assess` to assess.');
        return undefined;
      }
    } catch (err) {
      if (err instanceof StepFailedError && err.cause instanceof BlockersFoundError) blocked = err.cause;
      else throw err;
    }
    return readAssessReport(session.store.stateDir, { neededBy: 'the summary and the fix script are made from it' });
  });
  if (!report) return 0;

  if (options.fixScript !== undefined) {
    const target = typeof options.fixScript === 'string' ? options.fixScript : assessReportPaths(globals.stateDir).fix;
    const [{ default: writeFileAtomic }, { renderFixScript }] = await Promise.all([import('write-file-atomic'), import('../steps/assess/fix-script.js')]);
    await writeFileAtomic(target, renderFixScript(report));
    io.notify({ level: 'info', code: 'assess.fix-script', message: `Fixes written to ${target} (review them; promigrate never changes the source).` });
  }
  const { renderAssessSummary } = await import('../ui/assess-view.js');
  io.result(report, () => `${renderAssessSummary(report)}\n\nReports: ${assessReportPaths(globals.stateDir).md} and .json`);
  if (blocked) {
    io.notify({ level: 'error', code: 'assess.blocked', message: `${blocked.message} ${blocked.hint ?? ''}`.trim() });
    return 1;
  }
  return 0;
};

export default assess;
