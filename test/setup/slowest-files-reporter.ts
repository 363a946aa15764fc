/**
 * A vitest reporter that prints the slowest test files after the run (each file's tests and
 * hooks plus its import), so CI logs show where the suite's time goes.
 * PROMIGRATE_SLOWEST_FILES=<n> sets how many (default 12, 0 turns it off).
 */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

export default class SlowestFilesReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const n = Number(process.env.PROMIGRATE_SLOWEST_FILES ?? 12);
    if (!(n > 0) || modules.length === 0) return;
    const rows = modules
      .map((m) => {
        const d = m.diagnostic();
        return { file: relative(process.cwd(), m.moduleId), ms: d.duration + d.collectDuration, tests: d.duration };
      })
      .sort((a, b) => b.ms - a.ms);
    const total = rows.reduce((s, r) => s + r.ms, 0);
    const lines = rows.slice(0, n).map((r) => `  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${((100 * r.ms) / total).toFixed(0).padStart(3)} %  ${r.file}`);
    console.log(`\nSlowest ${Math.min(n, rows.length)} of ${rows.length} test files (tests, hooks and import; ${(total / 1000).toFixed(0)} s in all):\n${lines.join('\n')}\n`);
  }
}
