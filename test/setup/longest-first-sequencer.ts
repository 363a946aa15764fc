/**
 * Test files in the order that ends the run soonest on two workers: the longest first, so no
 * long e2e file starts last and runs alone. Vitest's own order puts failed files first and,
 * on a fresh checkout (CI: no results cache), sorts by file size, which started the 2-minute
 * demo test halfway through the run. Here a file's weight is its duration from vitest's
 * results cache when known, else an estimate: end-to-end files (child CLIs, whole pipelines)
 * well above unit files, larger files above smaller ones.
 */
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const END_TO_END = /^test\/(e2e|demo|engine\/engine-e2e|db)\//;

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const weight = new Map<TestSpecification, number>();
    for (const spec of files) {
      const path = relative(this.ctx.config.root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`)?.duration;
      weight.set(spec, cached ?? (END_TO_END.test(path) ? 20_000 : 0) + statSync(spec.moduleId).size / 10);
    }
    return [...files].sort((a, b) => weight.get(b)! - weight.get(a)!);
  }
}
