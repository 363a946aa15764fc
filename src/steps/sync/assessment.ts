/**
 * What sync needs from the assessment: the inventory (tables, estimated rows, LOB columns)
 * and the largest LOB assess measured, read from `<state-dir>/reports/assess.json`.
 */
import type { Inventory } from '../../db/types.js';
import { readAssessReport } from '../../reports/assess.js';

export interface Assessment {
  inventory: Inventory;
  /** In the bytes DMS moves; undefined when assess did not measure it (or there are no LOBs). */
  largestLobBytes?: number;
  largestLobColumn?: string;
  generatedAt: string;
}

const LOB_FINDINGS = new Set(['mysql.lob-columns', 'postgres.lob-columns']);

const TABLE_LIST_PURPOSE = { neededBy: 'sync builds its table list from it', then: 're-run `promigrate sync`' } as const;

export function readAssessment(stateDir: string): Assessment {
  const report = readAssessReport(stateDir, TABLE_LIST_PURPOSE);
  const lob = report.findings.find((f) => LOB_FINDINGS.has(f.id))?.measure;
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
