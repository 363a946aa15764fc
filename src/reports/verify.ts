/**
 * verify's report, `<state-dir>/reports/verify.json`: one JSON document (the source of the .md
 * and .html renderings), summary verdict first, where it lives, and the one reader of it.
 * Holds no secret: connection labels name user, host and database only.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { TableView } from '../aws/dms/task-status.js';
import type { TableResult } from '../db/compare/types.js';
import type { SchemaDifference } from '../db/schema/compare.js';
import type { SmokeTestResult } from '../http/smoke.js';
import { statePaths } from '../state/paths.js';
import { readReportJson } from './read-json.js';

export const VERIFY_REPORT_VERSION = 1 as const;

export type Verdict = 'verified' | 'differences' | 'incomplete';

export interface VerifyReport {
  reportVersion: typeof VERIFY_REPORT_VERSION;
  generatedAt: string;
  project: string;
  toolVersion: string;
  configHash: string;
  verdict: Verdict;
  /** One sentence per problem; empty when verified. */
  problems: string[];
  scope: 'full' | 'data-only';
  data: {
    skipped?: string;
    source?: string;
    target?: string;
    tables: TableResult[];
    identical: number;
    different: number;
    durationMs: number;
    resumedTables: number;
    notes: string[];
  };
  schema?: SchemaResult;
  dns?: DnsResult;
  http?: HttpResult;
  dms?: DmsResult;
  timings: { startedAt: string; finishedAt: string; totalMs: number };
}

/** Source schema against target schema (db/schema/compare.ts). */
export interface SchemaResult {
  skipped?: string;
  tables: number;
  objects: number;
  sequences: number;
  /** Differences that make the target unlike the source. */
  differences: SchemaDifference[];
  /** What only cutover builds (foreign keys, triggers, events, positions) and cutover has not built yet. */
  pendingCutover: SchemaDifference[];
  ok: boolean;
}

export interface DnsResult {
  record: string;
  newTarget: string;
  route53: { ok: boolean; recordSets: string[] };
  authoritative: { ok: boolean; skipped?: string; servers?: string[]; answers?: string[] };
  publicResolver: { ok: boolean; skipped?: string; resolver?: string; answers?: string[]; ttlSeconds?: number; note?: string };
  ok: boolean;
}

export interface HttpResult {
  viaDns?: SmokeTestResult;
  atTarget?: SmokeTestResult;
  skipped?: string;
  ok: boolean;
}

export interface DmsResult {
  skipped?: string;
  task?: { id: string; status: string; phase: string; stopReason?: string };
  tables: TableView[];
  validationFailed: number;
  validationPending: number;
  ok: boolean;
}

export function verifyReportPaths(stateDir: string): { json: string; md: string; html: string } {
  const dir = statePaths(stateDir).reports;
  return { json: join(dir, 'verify.json'), md: join(dir, 'verify.md'), html: join(dir, 'verify.html') };
}

const count = z.number().nonnegative();
const mismatch = z.looseObject({ count, keys: z.array(z.array(z.string())) });
const check = z.looseObject({ ok: z.boolean(), skipped: z.string().optional() });
const smoke = z.looseObject({ via: z.string(), ok: z.boolean(), problem: z.string().optional(), status: z.number().optional(), latencyMs: z.number().optional() });

/** The fields the summary and the documents read; anything else passes through unchecked. */
const verifyReportSchema = z.looseObject({
  reportVersion: z.literal(VERIFY_REPORT_VERSION),
  generatedAt: z.string(),
  project: z.string(),
  toolVersion: z.string(),
  configHash: z.string(),
  verdict: z.enum(['verified', 'differences', 'incomplete']),
  problems: z.array(z.string()),
  scope: z.enum(['full', 'data-only']),
  data: z.looseObject({
    skipped: z.string().optional(),
    tables: z.array(z.looseObject({
      schema: z.string(),
      table: z.string(),
      status: z.string(),
      rows: z.looseObject({ source: z.number(), target: z.number() }),
      chunks: z.looseObject({ total: z.number() }),
      mismatches: z.looseObject({ missing: mismatch, extra: mismatch, changed: mismatch }),
      durationMs: z.number(),
    })),
    identical: count,
    different: count,
    durationMs: z.number(),
    resumedTables: count,
    notes: z.array(z.string()),
  }),
  schema: z.looseObject({
    ok: z.boolean(),
    skipped: z.string().optional(),
    differences: z.array(z.looseObject({ object: z.string(), problem: z.string() })),
    pendingCutover: z.array(z.looseObject({ object: z.string(), problem: z.string() })),
  }).optional(),
  dns: z.looseObject({ ok: z.boolean(), record: z.string(), route53: z.looseObject({ ok: z.boolean(), recordSets: z.array(z.string()) }), authoritative: check, publicResolver: check }).optional(),
  http: z.looseObject({ ok: z.boolean(), skipped: z.string().optional(), viaDns: smoke.optional(), atTarget: smoke.optional() }).optional(),
  dms: z.looseObject({ ok: z.boolean(), validationFailed: count, validationPending: count }).optional(),
  timings: z.looseObject({ totalMs: z.number() }),
});

/**
 * The verification report, or a UsageError (exit 2) when it is missing, unparsable, of another
 * reportVersion, or lacks a field its readers use.
 */
export function readVerifyReport(stateDir: string): VerifyReport {
  return readReportJson(verifyReportPaths(stateDir).json, verifyReportSchema, {
    what: 'verification report',
    version: VERIFY_REPORT_VERSION,
    neededBy: 'its summary is printed from it',
    hint: 'Run `promigrate verify` (it rewrites the report).',
  }) as unknown as VerifyReport;
}
