/**
 * What sync needs from the assessment: the inventory (tables, estimated rows, LOB columns)
 * and the largest LOB assess measured, read from `<state-dir>/reports/assess.json`.
 */
import { readFileSync } from 'node:fs';
import type { Inventory } from '../../db/types.js';
import { UsageError } from '../../errors.js';
import { assessReportPaths } from '../assess/index.js';
import type { AssessReport } from '../assess/report.js';

export interface Assessment {
  inventory: Inventory;
  /** In the bytes DMS moves; undefined when assess did not measure it (or there are no LOBs). */
  largestLobBytes?: number;
  largestLobColumn?: string;
  generatedAt: string;
}

const LOB_FINDINGS = new Set(['mysql.lob-columns', 'postgres.lob-columns']);

export function readAssessment(stateDir: string): Assessment {
  const path = assessReportPaths(stateDir).json;
  let report: AssessReport;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as AssessReport;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(`The assessment report ${path} is ${missing ? 'missing' : 'unreadable'}: sync builds its table list from it.`, {
      hint: 'Run `promigrate assess` (it rewrites the report), then re-run `promigrate sync`.',
    });
  }
  if (!report?.inventory?.tables) {
    throw new UsageError(`The assessment report ${path} has no inventory.`, { hint: 'Run `promigrate assess` again, then re-run `promigrate sync`.' });
  }
  const lob = report.findings?.find((f) => LOB_FINDINGS.has(f.id))?.measure;
  const bytes = lob?.largestLobBytes;
  return {
    inventory: report.inventory,
    ...(typeof bytes === 'number' ? { largestLobBytes: bytes } : {}),
    ...(typeof lob?.largestLobColumn === 'string' ? { largestLobColumn: lob.largestLobColumn } : {}),
    generatedAt: report.generatedAt,
  };
}

/** Estimated rows per `schema.table` (catalog statistics: an estimate, shown as `~`). */
export function estimatedRows(inventory: Inventory): Map<string, number> {
  return new Map(inventory.tables.map((t) => [`${t.schema}.${t.name}`, t.rows]));
}
