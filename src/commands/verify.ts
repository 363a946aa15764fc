import type { CommandHandler } from './spec.js';
import { createStepContext } from '../engine/context.js';
import { withSession } from '../engine/session.js';
import { releasingTarget } from '../engine/target-release.js';
import { runStepCommand } from './step-command.js';

/**
 * `promigrate verify`: the verify step (after cutover). `--data-only` compares the data alone,
 * at any time after sync, without touching the step's status.
 */
const verify: CommandHandler = async (args) => {
  const { globals, io, options } = args;
  if (options.dataOnly === true && !globals.dryRun) {
    let code = 0;
    await withSession(globals, io, 'verify', async (session) => {
      session.stepOptions = { verify: options };
      const [{ runVerification, verifyOptionsOf }, { renderVerifySummary }] = await Promise.all([
        import('../steps/verify/index.js'),
        import('../ui/verify-view.js'),
      ]);
      const ctx = createStepContext(session, 'verify');
      const { report, paths } = await releasingTarget(ctx.surroundings, 'verify', runVerification(ctx, verifyOptionsOf(ctx)));
      await (await import('../steps/verify/data.js')).consumeDataCheckpoint(ctx);
      io.result(report, () => `${renderVerifySummary(report)}\n\nReports: ${paths.md}, .json and .html`);
      code = report.verdict === 'verified' ? 0 : 1;
    });
    return code;
  }
  const started = Date.now();
  try {
    await runStepCommand(args, 'verify');
  } finally {
    if (!globals.dryRun) await printSummary(args, started);
  }
};

/** The report's summary (also after a failed verification: that is when it matters most). */
async function printSummary({ globals, io }: Parameters<CommandHandler>[0], since: number): Promise<void> {
  if (globals.json) return;
  const [{ stat }, { readVerifyReport, verifyReportPaths }, { renderVerifySummary }] = await Promise.all([
    import('node:fs/promises'),
    import('../reports/verify.js'),
    import('../ui/verify-view.js'),
  ]);
  const paths = verifyReportPaths(globals.stateDir);
  const written = await stat(paths.json).then((s) => s.mtimeMs, () => 0);
  if (written < since - 1000) return;
  io.notify({ level: 'info', code: 'verify.summary', message: `${renderVerifySummary(readVerifyReport(globals.stateDir))}\n\nReports: ${paths.md}, .json and .html` });
}
export default verify;
