/**
 * The DMS replication instance class suggested from the assessed data, when dms.instanceClass
 * is not configured. Rule of thumb from AWS's sizing guidance: burstable t3 for small
 * databases, compute-optimised c5 as volume grows, memory-optimised r5 when LOB columns
 * (which DMS buffers in memory) or very many tables dominate.
 */
const GiB = 1024 ** 3;

export interface InstanceSuggestion {
  instanceClass: string;
  reason: string;
}

export function suggestDmsInstanceClass(totals: { bytes: number; tables: number; lobColumns: number }): InstanceSuggestion {
  const size = `${(totals.bytes / GiB).toFixed(1)} GiB in ${totals.tables} tables`;
  if (totals.lobColumns > 0 && totals.bytes > 100 * GiB) return { instanceClass: 'dms.r5.xlarge', reason: `${size} with ${totals.lobColumns} LOB columns: LOBs are buffered in memory` };
  if (totals.tables > 5000) return { instanceClass: 'dms.r5.large', reason: `${size}: many tables need memory for task metadata` };
  if (totals.bytes <= 50 * GiB) return { instanceClass: 'dms.t3.medium', reason: `${size}: a burstable instance is enough` };
  if (totals.bytes <= 500 * GiB) return { instanceClass: 'dms.c5.large', reason: `${size}: sustained full-load throughput` };
  if (totals.bytes <= 2048 * GiB) return { instanceClass: 'dms.c5.xlarge', reason: `${size}: sustained full-load throughput` };
  return { instanceClass: 'dms.c5.2xlarge', reason: `${size}: consider splitting into several tasks` };
}
