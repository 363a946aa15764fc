/** Building blocks for MySQL/MariaDB findings: quoting, fix-line groups and readable numbers. */
import type { Finding } from './finding.js';

export type FixLines = NonNullable<Finding['fixLines']>;

export const quoteId = (name: string) => `\`${name.replace(/`/g, '``')}\``;
export const quoteString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
export const tableRef = (schema: string, table: string) => `${quoteId(schema)}.${quoteId(table)}`;

export interface Account {
  user: string;
  host: string;
}

/** `dms` → dms@%; `dms@10.0.%` → dms@10.0.% (the host part DMS connects from). */
export function parseAccount(text: string): Account {
  const at = text.lastIndexOf('@');
  return at > 0 ? { user: text.slice(0, at), host: text.slice(at + 1) || '%' } : { user: text, host: '%' };
}

export const accountSql = (a: Account) => `${quoteString(a.user)}@${quoteString(a.host)}`;
export const accountLabel = (a: Account) => `${a.user}@${a.host}`;

/** my.cnf lines, always under their section header (the fix script keeps one header). */
export const myCnf = (...lines: string[]) => ({ kind: 'my.cnf' as const, lines: ['[mysqld]', ...lines] });
export const rdsParameters = (...lines: string[]) => ({ kind: 'rds-parameter-group' as const, lines });
export const sql = (...lines: string[]) => ({ kind: 'sql' as const, lines });
export const shell = (...lines: string[]) => ({ kind: 'shell' as const, lines });
export const config = (...lines: string[]) => ({ kind: 'config' as const, lines });

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'forever';
  if (seconds >= 86_400 && seconds % 3600 === 0) {
    const days = seconds / 86_400;
    return Number.isInteger(days) ? `${days} d` : `${seconds / 3600} h`;
  }
  if (seconds >= 3600) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  if (seconds >= 60) return `${Math.round(seconds / 60)} min`;
  return `${seconds} s`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** At most `max` items, then "and N more". */
export function listSome(items: string[], max = 10): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
