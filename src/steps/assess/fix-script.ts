import type { FixKind } from './finding.js';
import type { AssessReport } from '../../reports/assess.js';

const SECTIONS: Record<FixKind, string> = {
  'my.cnf': 'my.cnf — add under [mysqld], then restart the server',
  'postgresql.conf': 'postgresql.conf — then restart the server (wal_level and slots need a restart)',
  'rds-parameter-group': 'RDS source: DB parameter group values (and procedures to call)',
  sql: 'SQL — run as an administrator on the source',
  shell: 'Shell',
  config: 'promigrate.yaml',
};

/**
 * Every fix assess proposes, grouped by where it goes, ready to copy. promigrate never
 * applies them: the operator reviews and runs them on the source.
 */
export function renderFixScript(report: AssessReport): string {
  const byKind = new Map<FixKind, string[]>();
  for (const finding of report.findings) {
    for (const fix of finding.fixLines ?? []) {
      const lines = byKind.get(fix.kind) ?? [];
      for (const line of fix.lines) if (!lines.includes(line)) lines.push(line);
      byKind.set(fix.kind, lines);
    }
  }
  const out = [
    `# promigrate assess — fixes for project ${report.project} (${report.source.label})`,
    `# Generated ${report.generatedAt}. Review before applying: promigrate never changes the source itself.`,
    '',
  ];
  if (byKind.size === 0) out.push('# Nothing to fix.');
  for (const [kind, title] of Object.entries(SECTIONS) as Array<[FixKind, string]>) {
    const lines = byKind.get(kind);
    if (!lines) continue;
    out.push(`# ---- ${title}`, ...lines, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
