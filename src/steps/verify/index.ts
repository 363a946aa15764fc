/**
 * Verify: prove the migration. Every replicated table compared between source and target,
 * the record in Route 53 and at the zone's name servers, the app through DNS and at the new
 * target, DMS's own statistics — and a report (md, json, html) someone can sign.
 */
import { mkdir } from 'node:fs/promises';
import type { PlannedChange, Step, StepContext } from '../../engine/step.js';
import { ExitCode, PromigrateError } from '../../errors.js';
import { statePaths } from '../../state/paths.js';
import { TOOL_VERSION } from '../../version.js';
import { compareData } from './data.js';
import { compareSchema } from './schema.js';
import { tablesToCompare, targetUnavailable } from './databases.js';
import { checkDms } from './dms.js';
import { checkDns } from './dns.js';
import { checkHttp } from './http.js';
import { verdictOf } from './report.js';
import { VERIFY_REPORT_VERSION, verifyReportPaths, type VerifyReport } from '../../reports/verify.js';
import { VERIFY } from '../catalog.js';
import { targetTunnelPlan } from '../../engine/target-facts.js';


export class NotVerifiedError extends PromigrateError {
  constructor(readonly report: VerifyReport, path: string) {
    super(report.verdict === 'differences' ? `Verification found differences: ${report.problems.join(' ')}` : `Verification incomplete: ${report.problems.join(' ')}`, ExitCode.stepFailed, {
      hint: `See ${path}. Fix what is named, then run \`promigrate verify\` again.`,
    });
  }
}

export interface VerifyOptions {
  dataOnly: boolean;
  tables?: string[];
}

export function verifyOptionsOf(ctx: StepContext): VerifyOptions {
  const raw = ctx.options.tables;
  const tables = typeof raw === 'string' ? raw.split(',').map((x) => x.trim()).filter(Boolean) : undefined;
  return { dataOnly: ctx.options.dataOnly === true, ...(tables?.length ? { tables } : {}) };
}

async function writeReports(stateDir: string, report: VerifyReport): Promise<ReturnType<typeof verifyReportPaths>> {
  const paths = verifyReportPaths(stateDir);
  await mkdir(statePaths(stateDir).reports, { recursive: true });
  const [{ default: writeFileAtomic }, view] = await Promise.all([import('write-file-atomic'), import('../../reports/verify-documents.js')]);
  await writeFileAtomic(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(paths.md, view.renderVerifyMarkdown(report));
  await writeFileAtomic(paths.html, view.renderVerifyHtml(report));
  return paths;
}

/** Runs every check, writes the reports, and returns the report (whatever its verdict). */
export async function runVerification(ctx: StepContext, opts: VerifyOptions): Promise<{ report: VerifyReport; paths: ReturnType<typeof verifyReportPaths>; dataRunId?: string }> {
  const wallStart = Date.now();
  const unavailable = targetUnavailable(ctx);
  const data: VerifyReport['data'] = { tables: [], identical: 0, different: 0, durationMs: 0, resumedTables: 0, notes: [] };
  let dataRunId: string | undefined;
  if (unavailable) data.skipped = unavailable;
  else {
    const outcome = await compareData(ctx, opts.tables);
    dataRunId = outcome.runId;
    Object.assign(data, {
      source: outcome.labels.source,
      target: outcome.labels.target,
      tables: outcome.result.tables,
      identical: outcome.result.tables.filter((x) => x.status === 'equal').length,
      different: outcome.result.tables.filter((x) => x.status !== 'equal').length,
      durationMs: outcome.result.durationMs,
      resumedTables: outcome.resumedTables,
      notes: outcome.notes,
    });
  }
  const schema = data.skipped ? undefined : await compareSchema(ctx);
  let dns: VerifyReport['dns'];
  let http: VerifyReport['http'];
  let dms: VerifyReport['dms'];
  if (!opts.dataOnly) {
    if (ctx.config.dns) dns = await checkDns(ctx);
    http = await checkHttp(ctx.config, ctx.surroundings, dns);
    dms = await checkDms(ctx);
  }
  const state = ctx.state();
  const base = {
    reportVersion: VERIFY_REPORT_VERSION,
    generatedAt: new Date().toISOString(),
    project: ctx.project,
    toolVersion: TOOL_VERSION,
    configHash: state.configHash,
    scope: opts.dataOnly ? ('data-only' as const) : ('full' as const),
    data,
    ...(schema ? { schema } : {}),
    ...(dns ? { dns } : {}),
    ...(http ? { http } : {}),
    ...(dms ? { dms } : {}),
    timings: { startedAt: new Date(wallStart).toISOString(), finishedAt: new Date().toISOString(), totalMs: Date.now() - wallStart },
  };
  const report: VerifyReport = { ...base, ...verdictOf(base) };
  const paths = await writeReports(ctx.stateDir, report);
  return { report, paths, ...(dataRunId ? { dataRunId } : {}) };
}

export const verifyStep: Step = {
  ...VERIFY,

  async plan(ctx): Promise<PlannedChange[]> {
    const opts = verifyOptionsOf(ctx);
    const changes: PlannedChange[] = [];
    const unavailable = targetUnavailable(ctx);
    if (unavailable) changes.push({ action: 'check', target: 'data', description: `data comparison skipped: ${unavailable}` });
    else if (ctx.state().steps.assess?.status !== 'done') {
      changes.push({ action: 'check', target: 'data', description: 'compare every table sync replicates (listed once assess has run) between source and target, read-only on both' });
    } else {
      const tables = tablesToCompare(ctx, opts.tables);
      changes.push(...targetTunnelPlan(ctx));
      changes.push({ action: 'check', target: 'schema', description: 'compare the schema: per table columns, indexes and constraints; views, routines, triggers, events; every sequence/AUTO_INCREMENT above the MAX of its column' });
      changes.push({ action: 'check', target: 'data', description: `compare ${tables.length} table(s) between source and target with chunked server-side checksums (chunks from 10 000 rows growing to about 0.5 s each, at most ${ctx.config.verify.chunkRows.toLocaleString('en-US')} rows; read-only on both)`, details: { tables: tables.map((t) => `${t.schema}.${t.table}`) } });
    }
    if (!opts.dataOnly) {
      if (ctx.config.dns) changes.push({ action: 'check', target: 'dns', description: `${ctx.config.dns.record} in Route 53${'unavailable' in ctx.surroundings.publicDns ? '' : ', at the zone\'s name servers and a public resolver'}` });
      changes.push({ action: 'check', target: 'http', description: ctx.config.verify.url ? `GET ${ctx.config.verify.url} through DNS and at the new target (expect ${ctx.config.verify.expectedStatus})` : 'HTTP: verify.url is not set' });
      changes.push({ action: 'check', target: 'dms', description: 'DMS task state, table statistics and validation' });
    }
    changes.push({ action: 'create', target: 'reports', description: `${verifyReportPaths(ctx.stateDir).md}, .json and .html` });
    return changes;
  },

  async apply(ctx) {
    const { report, paths, dataRunId } = await runVerification(ctx, verifyOptionsOf(ctx));
    const outputs = {
      verdict: report.verdict,
      report: paths.html,
      tables: report.data.tables.length,
      identicalTables: report.data.identical,
      verifiedAt: report.generatedAt,
      ...(dataRunId ? { dataRunId } : {}),
    };
    if (report.verdict !== 'verified') {
      await ctx.setOutputs(outputs);
      throw new NotVerifiedError(report, paths.md);
    }
    // Returned, not saved here: the engine stores outputs and `done` in one write, so a crash
    // before it leaves the comparison resumable rather than consumed.
    return outputs;
  },

  async check() {
    return { ok: false, reason: 'verify resumes from its per-chunk checkpoints' };
  },
};
