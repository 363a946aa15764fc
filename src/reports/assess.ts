/**
 * assess's report, `<state-dir>/reports/assess.json`: its shape, where it lives, and the one
 * reader every later consumer (sync, verify, the assess command, the sandbox) goes through.
 * The reader refuses a report it cannot trust rather than letting a later step guess.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { Inventory, ServerVersion } from '../db/types.js';
import { UsageError } from '../errors.js';
import { statePaths } from '../state/paths.js';
import type { Finding } from '../steps/assess/finding.js';
import type { PreflightResult } from '../steps/assess/preflight.js';
import type { InstanceSuggestion } from '../steps/assess/sizing.js';
import { readReportJson } from './read-json.js';

export const ASSESS_REPORT_VERSION = 1 as const;

export interface AssessedFinding extends Finding {
  /** Accepted by the operator with --accept-risk (blockers only). */
  accepted?: boolean;
}

export interface AssessReport {
  reportVersion: typeof ASSESS_REPORT_VERSION;
  generatedAt: string;
  project: string;
  toolVersion: string;
  configHash: string;
  source: { engine: string; label: string; version: ServerVersion; databases: string[] };
  summary: {
    verdict: 'ready' | 'blocked' | 'ready-with-accepted-risks';
    blockers: number;
    warnings: number;
    infos: number;
    unacceptedBlockers: string[];
    acceptedRisks: string[];
  };
  budget: { totalBytes: number; throughputBytesPerSecond: number; estimatedFullLoadSeconds: number; requiredRetentionSeconds: number };
  suggestion: InstanceSuggestion;
  aws: { region: string; account?: string; arn?: string; availabilityZones: string[]; record?: PreflightResult['record'] };
  findings: AssessedFinding[];
  inventory: Inventory;
}

export function assessReportPaths(stateDir: string): { json: string; md: string; fix: string } {
  const dir = statePaths(stateDir).reports;
  return { json: join(dir, 'assess.json'), md: join(dir, 'assess.md'), fix: join(dir, 'assess-fix.txt') };
}

const count = z.number().nonnegative();
const table = z.looseObject({ schema: z.string(), name: z.string(), rows: z.number(), bytes: z.number(), columns: z.array(z.looseObject({ name: z.string() })) });

/** The fields a consumer reads; anything else in the file passes through unchecked. */
const assessReportSchema = z.looseObject({
  reportVersion: z.literal(ASSESS_REPORT_VERSION),
  generatedAt: z.string(),
  project: z.string(),
  source: z.looseObject({ label: z.string(), databases: z.array(z.string()), version: z.looseObject({ raw: z.string() }) }),
  summary: z.looseObject({
    verdict: z.enum(['ready', 'blocked', 'ready-with-accepted-risks']),
    blockers: count,
    warnings: count,
    infos: count,
    unacceptedBlockers: z.array(z.string()),
    acceptedRisks: z.array(z.string()),
  }),
  budget: z.looseObject({ estimatedFullLoadSeconds: z.number(), requiredRetentionSeconds: z.number() }),
  suggestion: z.looseObject({ instanceClass: z.string() }),
  findings: z.array(z.looseObject({
    id: z.string(),
    severity: z.enum(['blocker', 'warning', 'info']),
    object: z.string(),
    title: z.string(),
    measure: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  })),
  inventory: z.looseObject({
    tables: z.array(table),
    totals: z.looseObject({ tables: count, rows: z.number(), bytes: z.number(), lobColumns: count }),
  }),
});

export interface ReportReadPurpose {
  /** Why the caller needs the report, e.g. `sync builds its table list from it`. */
  neededBy: string;
  /** What to do after `promigrate assess`, e.g. ``re-run `promigrate sync` ``. */
  then?: string;
}

/**
 * The assessment report, or a UsageError (exit 2) when it is missing, unparsable, of another
 * reportVersion, or lacks a field later steps read.
 */
export function readAssessReport(stateDir: string, purpose: ReportReadPurpose = { neededBy: 'later steps read it' }): AssessReport {
  const path = assessReportPaths(stateDir).json;
  return readReportJson(path, assessReportSchema, {
    what: 'assessment report',
    version: ASSESS_REPORT_VERSION,
    neededBy: purpose.neededBy,
    hint: `Run \`promigrate assess\` (it rewrites the report)${purpose.then ? `, then ${purpose.then}` : ''}.`,
  }) as unknown as AssessReport;
}

/** The report's inventory, for callers that may run before assess (undefined when there is none to trust). */
export function assessedInventory(stateDir: string): Inventory | undefined {
  try {
    return readAssessReport(stateDir).inventory;
  } catch (err) {
    if (err instanceof UsageError) return undefined;
    throw err;
  }
}
