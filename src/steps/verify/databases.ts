/**
 * The two databases verify compares and the tables it compares: the source as promigrate
 * reaches it (connectVia), the target as the surroundings reach it (the provisioned RDS
 * instance, through target.connectVia when given; in the sandbox the real database behind
 * sandbox.targetUrl); the tables are those sync's table mappings select.
 */
import { sourceConnectionSpec } from '../../db/connect.js';
import type { TableRef } from '../../db/compare/types.js';
import { resolvePassword } from '../../db/password.js';
import type { ConnectionSpec } from '../../db/types.js';
import { UsageError } from '../../errors.js';
import type { StepContext } from '../../engine/step.js';
import { readAssessReport } from '../../reports/assess.js';
import { buildTableMappings } from '../../migration/table-mappings.js';
import { targetFacts } from '../../engine/target-facts.js';

export async function sourceSpec(ctx: StepContext, database: string): Promise<ConnectionSpec> {
  const password = await resolvePassword(ctx.config.source, 'source', () => ctx.aws.secretsManager);
  return sourceConnectionSpec(ctx.config.source, database, password);
}

/** Why the data cannot be compared here, or undefined when it can. */
export function targetUnavailable(ctx: StepContext): string | undefined {
  return ctx.surroundings.targetDatabase.unavailable;
}

export function targetSpec(ctx: StepContext, database: string): Promise<ConnectionSpec> {
  return ctx.surroundings.targetDatabase.connection(database, targetFacts(ctx));
}

/** The tables sync replicates, optionally narrowed by `--tables` (schema.table, % wildcards). */
export function tablesToCompare(ctx: StepContext, only?: string[]): TableRef[] {
  // The same refusal as sync's: verify compares exactly the tables sync's list holds.
  const { inventory } = readAssessReport(ctx.stateDir, { neededBy: 'sync builds its table list from it', then: 're-run `promigrate sync`' });
  let selected = buildTableMappings(ctx.config, inventory).selected;
  if (only?.length) {
    const wanted = only.map((w) => new RegExp(`^${w.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/\*/g, '.*')}$`));
    selected = selected.filter((t) => wanted.some((re) => re.test(`${t.schema}.${t.table}`) || re.test(t.table)));
    if (selected.length === 0) {
      throw new UsageError(`--tables ${only.join(',')} matches none of the replicated tables.`, {
        hint: 'Name tables as schema.table or table (% matches any run of characters); `promigrate sync --dry-run` lists the selected tables.',
      });
    }
  }
  const targetDb = ctx.surroundings.targetDatabase.standInSchema;
  return selected.map((t) => ({ schema: t.schema, table: t.table, ...(targetDb ? { targetSchema: targetDb } : {}) }));
}
