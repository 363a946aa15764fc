/**
 * The two databases verify compares and the tables it compares: the source as promigrate
 * reaches it (connectVia), the target as the provisioned RDS instance (through
 * target.connectVia when given) or, in the sandbox, the real database behind
 * sandbox.targetUrl; the tables are those sync's table mappings select.
 */
import type { MigrationConfig } from '../../config/schema.js';
import { sandboxTargetSpec } from '../../aws/sandbox/copy/hooks.js';
import { sourceConnectionSpec } from '../../db/connect.js';
import type { TableRef } from '../../db/compare/types.js';
import { resolvePassword } from '../../db/password.js';
import type { ConnectionSpec } from '../../db/types.js';
import { UsageError } from '../../errors.js';
import type { StepContext } from '../../engine/step.js';
import { readAssessReport } from '../../reports/assess.js';
import { buildTableMappings } from '../../migration/table-mappings.js';

export async function sourceSpec(ctx: StepContext, database: string): Promise<ConnectionSpec> {
  const password = await resolvePassword(ctx.config.source, 'source', () => ctx.aws.secretsManager);
  return sourceConnectionSpec(ctx.config.source, database, password);
}

/** Why the data cannot be compared here, or undefined when it can. */
export function targetUnavailable(config: MigrationConfig): string | undefined {
  if (config.aws.mode === 'sandbox' && !config.sandbox.targetUrl) {
    return 'the sandbox has no real target database (set sandbox.targetUrl to compare real data)';
  }
  return undefined;
}

export async function targetSpec(ctx: StepContext, database: string): Promise<ConnectionSpec> {
  const { config } = ctx;
  if (config.aws.mode === 'sandbox') {
    const spec = sandboxTargetSpec(config)!;
    // A MySQL sandbox target is one database standing in for all of them; PostgreSQL keeps schemas.
    return config.target.engine === 'postgres' ? { ...spec, database } : spec;
  }
  const db = ((ctx.outputsOf('provision').resources ?? {}) as Record<string, Record<string, unknown>>)['db.instance'] ?? {};
  if (typeof db.address !== 'string') {
    throw new UsageError('The RDS instance address is not known.', { hint: 'Run `promigrate provision` first (it records the endpoint), then verify.' });
  }
  const { target } = config;
  const ref = target.manageMasterUserPassword ? { secretArn: String(db.masterUserSecretArn) } : target;
  const password = await resolvePassword(ref, 'target', () => ctx.aws.secretsManager);
  const host = target.connectVia?.host ?? db.address;
  const port = target.connectVia?.port ?? Number(db.port);
  return {
    engine: target.engine,
    host,
    port,
    user: target.masterUsername,
    ...(password !== undefined ? { password } : {}),
    database,
    tls: { mode: 'require' },
    connectTimeoutMs: config.source.connectTimeoutMs,
    label: `target database ${target.masterUsername}@${host}:${port}/${database}`,
  };
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
  const sandboxMysql = ctx.config.aws.mode === 'sandbox' && ctx.config.target.engine !== 'postgres';
  const targetDb = sandboxMysql ? sandboxTargetSpec(ctx.config)?.database : undefined;
  return selected.map((t) => ({ schema: t.schema, table: t.table, ...(targetDb ? { targetSchema: targetDb } : {}) }));
}
