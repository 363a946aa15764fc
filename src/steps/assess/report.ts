import { ASSESS_REPORT_VERSION, type AssessedFinding, type AssessReport } from '../../reports/assess.js';
import type { Inventory } from '../../db/types.js';
import { estimateFullLoadSeconds, FULL_LOAD_BYTES_PER_SECOND, requiredRetentionSeconds } from './budget.js';
import { SEVERITY_ORDER, type Finding } from './finding.js';
import type { PreflightResult } from './preflight.js';
import { suggestDmsInstanceClass } from './sizing.js';

export interface ReportInput {
  project: string;
  toolVersion: string;
  configHash: string;
  region: string;
  sourceLabel: string;
  databases: string[];
  inventory: Inventory;
  findings: Finding[];
  preflight: PreflightResult;
  acceptedRisks: readonly string[];
  now: Date;
}

export function buildAssessReport(input: ReportInput): AssessReport {
  const accepted = new Set(input.acceptedRisks);
  const findings: AssessedFinding[] = [...input.findings]
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.id.localeCompare(b.id))
    .map((f) => (f.severity === 'blocker' && accepted.has(f.id) ? { ...f, accepted: true } : f));
  const blockers = findings.filter((f) => f.severity === 'blocker');
  const unaccepted = blockers.filter((f) => !f.accepted).map((f) => f.id);
  const usedRisks = blockers.filter((f) => f.accepted).map((f) => f.id);
  const bytes = input.inventory.totals.bytes;
  return {
    reportVersion: ASSESS_REPORT_VERSION,
    generatedAt: input.now.toISOString(),
    project: input.project,
    toolVersion: input.toolVersion,
    configHash: input.configHash,
    source: { engine: input.inventory.engine, label: input.sourceLabel, version: input.inventory.version, databases: input.databases },
    summary: {
      verdict: unaccepted.length > 0 ? 'blocked' : usedRisks.length > 0 ? 'ready-with-accepted-risks' : 'ready',
      blockers: blockers.length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      infos: findings.filter((f) => f.severity === 'info').length,
      unacceptedBlockers: unaccepted,
      acceptedRisks: usedRisks,
    },
    budget: {
      totalBytes: bytes,
      throughputBytesPerSecond: FULL_LOAD_BYTES_PER_SECOND,
      estimatedFullLoadSeconds: estimateFullLoadSeconds(bytes),
      requiredRetentionSeconds: requiredRetentionSeconds(bytes),
    },
    suggestion: suggestDmsInstanceClass(input.inventory.totals),
    aws: {
      region: input.region,
      ...(input.preflight.account ? { account: input.preflight.account } : {}),
      ...(input.preflight.arn ? { arn: input.preflight.arn } : {}),
      availabilityZones: input.preflight.availabilityZones,
      ...(input.preflight.record ? { record: input.preflight.record } : {}),
    },
    findings,
    inventory: input.inventory,
  };
}
