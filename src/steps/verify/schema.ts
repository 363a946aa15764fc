/**
 * verify's schema comparison: the selection's tables, views, routines, triggers, events and
 * sequences on the source against the target (src/db/schema/compare.ts). What only cutover
 * builds — foreign keys, triggers, events, sequence positions — is a difference once cutover
 * has built it, and until then listed as pending, so a verify between sync and cutover is
 * not failed for what is not due yet.
 */
import { compareSchemas } from '../../db/schema/compare.js';
import type { StepContext } from '../../engine/step.js';
import { errorMessage } from '../../errors.js';
import { checkpointName, sides, type PhaseCheckpoint } from '../../migration/target-schema.js';
import type { SchemaResult } from '../../reports/verify.js';
import { readAssessReport } from '../../reports/assess.js';

function cutoverBuilt(ctx: StepContext): boolean {
  const cp = ctx.state().steps.cutover?.checkpoints?.[checkpointName('cutover')] as PhaseCheckpoint | undefined;
  return cp?.finishedAt !== undefined;
}

export async function compareSchema(ctx: StepContext): Promise<SchemaResult> {
  const empty = { tables: 0, objects: 0, sequences: 0, differences: [], pendingCutover: [] };
  const unavailable = ctx.surroundings.targetDatabase.unavailable;
  if (unavailable) return { ...empty, skipped: unavailable, ok: true };
  const { inventory } = readAssessReport(ctx.stateDir, { neededBy: 'verify compares the schema of the tables sync replicates', then: 're-run `promigrate verify`' });
  const s = await sides(ctx, inventory);
  const { targetSchema: _mapped, ...asOnSource } = s.selection;
  let result;
  try {
    const [source, target] = await Promise.all([
      s.adapter.snapshot(s.sourceIn, asOnSource, 'source'),
      s.adapter.snapshot(s.target, s.selection, 'target'),
    ]);
    result = compareSchemas(source, target);
  } catch (err) {
    return { ...empty, skipped: `reading the schema failed: ${errorMessage(err)}`, ok: false };
  }
  const built = cutoverBuilt(ctx);
  const differences = result.differences.filter((d) => built || !d.cutover);
  const pendingCutover = built ? [] : result.differences.filter((d) => d.cutover);
  return { tables: result.tables, objects: result.objects, sequences: result.sequences, differences, pendingCutover, ok: differences.length === 0 };
}
