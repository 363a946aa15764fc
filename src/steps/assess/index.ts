import { mkdir } from 'node:fs/promises';
import { openSource } from '../../db/connect.js';
import type { Database, Inventory } from '../../db/types.js';
import type { MigrationConfig } from '../../config/schema.js';
import { PromigrateError, ExitCode } from '../../errors.js';
import type { PlannedChange, Step, StepContext } from '../../engine/step.js';
import { statePaths } from '../../state/paths.js';
import { TOOL_VERSION } from '../../version.js';
import type { Finding } from './finding.js';
import { awsPreflight } from './preflight.js';
import { buildAssessReport } from './report.js';
import { assessReportPaths, type AssessReport } from '../../reports/assess.js';
import { ASSESS } from '../catalog.js';

/** The step found blockers the operator has not accepted: fix them, or --accept-risk. */
export class BlockersFoundError extends PromigrateError {
  constructor(readonly report: AssessReport, readonly reportPath: string) {
    const ids = report.summary.unacceptedBlockers;
    super(`${ids.length} blocker(s) found: ${ids.join(', ')}.`, ExitCode.stepFailed, {
      hint: `See ${reportPath}. Fix them (\`promigrate assess --fix-script\` writes the fixes), or accept each with --accept-risk <id>.`,
    });
  }
}


async function engineFindings(db: Database, inventory: Inventory, config: MigrationConfig): Promise<Finding[]> {
  const options = { lobMode: config.dms.lobMode, lobMaxSizeKb: config.dms.lobMaxSizeKb, migrationUser: config.source.user, migrationType: config.dms.migrationType };
  if (db.engine === 'postgres') {
    const { checkPostgresSource } = await import('./postgres-checks.js');
    return checkPostgresSource(db as Parameters<typeof checkPostgresSource>[0], inventory, options);
  }
  const { checkMysqlSource } = await import('./mysql-checks.js');
  return checkMysqlSource(db as Parameters<typeof checkMysqlSource>[0], inventory, options);
}

/** Reads everything, changes nothing; writes the report files. */
export async function assessSource(ctx: StepContext): Promise<{ report: AssessReport; paths: ReturnType<typeof assessReportPaths> }> {
  const { config, io } = ctx;
  const activity = io.activity('assess.source', `connecting to the ${config.source.engine} source ${config.source.host}:${config.source.port}`);
  let db: Database | undefined;
  try {
    db = await openSource(config.source, () => ctx.aws.secretsManager);
    activity.update(`taking the inventory of ${config.source.databases.join(', ')}`);
    const inventory = await db.inventory(config.source.databases);
    activity.update(`checking ${inventory.totals.tables} tables and the server's replication settings`);
    const findings = await engineFindings(db, inventory, config);
    activity.update(`AWS pre-flight in ${ctx.aws.region}`);
    const preflight = await awsPreflight(ctx.aws, config);
    activity.succeed(`assessed ${inventory.totals.tables} tables on ${inventory.version.raw}`);
    const state = ctx.state();
    const report = buildAssessReport({
      project: ctx.project,
      toolVersion: TOOL_VERSION,
      configHash: state.configHash,
      region: ctx.aws.region,
      sourceLabel: db.label,
      databases: config.source.databases,
      inventory,
      findings: [...findings, ...preflight.findings],
      preflight,
      acceptedRisks: state.acceptedRisks,
      now: new Date(),
    });
    return { report, paths: await writeReports(ctx.stateDir, report) };
  } catch (err) {
    // No verdict line: the error itself is the one sentence the operator needs.
    activity.stop();
    throw err;
  } finally {
    await db?.close();
  }
}

async function writeReports(stateDir: string, report: AssessReport): Promise<ReturnType<typeof assessReportPaths>> {
  const paths = assessReportPaths(stateDir);
  await mkdir(statePaths(stateDir).reports, { recursive: true });
  const { default: writeFileAtomic } = await import('write-file-atomic');
  const { renderAssessMarkdown } = await import('../../reports/assess-markdown.js');
  await writeFileAtomic(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(paths.md, renderAssessMarkdown(report));
  return paths;
}

export const assessStep: Step = {
  ...ASSESS,
  async plan(ctx): Promise<PlannedChange[]> {
    const { source } = ctx.config;
    return [
      { action: 'check', target: 'source', description: `connect to ${source.engine} ${source.user}@${source.connectVia?.host ?? source.host}:${source.connectVia?.port ?? source.port} and inventory ${source.databases.join(', ')} (read-only)` },
      { action: 'check', target: 'source', description: 'check binlog/WAL settings, retention budget, privileges, keys, LOBs and types' },
      { action: 'check', target: 'aws', description: `AWS pre-flight in ${ctx.aws.region}: identity, AZs, quotas, hosted zone and record, engine version (read-only)` },
      { action: 'create', target: 'reports', description: `${assessReportPaths(ctx.stateDir).md} and .json` },
    ];
  },
  async apply(ctx) {
    const { report, paths } = await assessSource(ctx);
    const outputs = {
      report: paths.json,
      verdict: report.summary.verdict,
      blockers: report.summary.blockers,
      warnings: report.summary.warnings,
      acceptedRisks: report.summary.acceptedRisks,
      totals: report.inventory.totals,
      suggestedDmsInstanceClass: report.suggestion.instanceClass,
      generatedAt: report.generatedAt,
    };
    await ctx.setOutputs(outputs);
    if (report.summary.verdict === 'blocked') throw new BlockersFoundError(report, paths.md);
    return outputs;
  },
  async check(ctx) {
    const out = ctx.self().outputs as { verdict?: string };
    return out.verdict && out.verdict !== 'blocked' ? { ok: true } : { ok: false, reason: 'no passing assessment recorded' };
  },
};
