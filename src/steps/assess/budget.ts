/**
 * The retention budget: how long the source must keep its binlog/WAL while DMS does the
 * full load, so that CDC can start from the position taken at the beginning.
 *
 * Throughput assumption (documented in docs/assess.md): a DMS full load moves about
 * 5 MiB/s of table data on a dms.t3.medium-class instance with default parallelism
 * (MaxFullLoadSubTasks 8) — conservative for small rows, optimistic for LOB-heavy tables,
 * which is why the budget doubles the estimate and adds a fixed hour for task start,
 * validation and operator reaction.
 */
export const FULL_LOAD_BYTES_PER_SECOND = 5 * 1024 * 1024;
export const BUDGET_SAFETY_FACTOR = 2;
export const BUDGET_MARGIN_SECONDS = 3600;
/** AWS's own advice for RDS MySQL sources: keep binlogs at least 24 hours. */
export const MIN_RETENTION_SECONDS = 24 * 3600;

export function estimateFullLoadSeconds(totalBytes: number): number {
  return Math.ceil(totalBytes / FULL_LOAD_BYTES_PER_SECOND);
}

/** Seconds of log retention the source needs for this data size. */
export function requiredRetentionSeconds(totalBytes: number): number {
  return Math.max(MIN_RETENTION_SECONDS, estimateFullLoadSeconds(totalBytes) * BUDGET_SAFETY_FACTOR + BUDGET_MARGIN_SECONDS);
}
