/** One thing assess found, with evidence and a copy-pasteable fix. */
export type Severity = 'blocker' | 'warning' | 'info';

export type FixKind = 'my.cnf' | 'postgresql.conf' | 'rds-parameter-group' | 'sql' | 'shell' | 'config';

export interface Finding {
  /** Stable id, e.g. `mysql.binlog-format` or `table.no-primary-key:shop.logs`; `--accept-risk` takes it. */
  id: string;
  severity: Severity;
  /** What it is about: `server`, `user dms`, `shop.orders`, `shop.orders.payload`, `aws`. */
  object: string;
  title: string;
  /** What was observed, e.g. `binlog_format = STATEMENT`. */
  evidence: string;
  /** One or two sentences: what to do. */
  fix: string;
  /** Lines for `assess --fix-script`, grouped by kind (never applied by promigrate). */
  fixLines?: Array<{ kind: FixKind; lines: string[] }>;
  /** Structured values behind the evidence that later steps read (e.g. the largest LOB for sync). */
  measure?: Record<string, number | string>;
}

export const SEVERITY_ORDER: Record<Severity, number> = { blocker: 0, warning: 1, info: 2 };
