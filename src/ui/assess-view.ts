import type { AssessReport } from '../reports/assess.js';
import { hours, size, verdictLine } from '../reports/assess-markdown.js';
import { renderTable } from './table.js';

/** The terminal view: a summary table grouped by severity, then each finding's details. */
export function renderAssessSummary(r: AssessReport): string {
  const inv = r.inventory;
  const lines = [
    `Assessment of ${r.source.label} (${r.source.version.raw})`,
    `${inv.totals.tables} tables, ~${inv.totals.rows.toLocaleString('en-US')} rows, ${size(inv.totals.bytes)}, ${inv.totals.lobColumns} LOB column(s); est. full load ${hours(r.budget.estimatedFullLoadSeconds)}; suggested DMS instance ${r.suggestion.instanceClass}`,
    verdictLine(r),
    '',
    renderTable(
      ['SEVERITY', 'ID', 'OBJECT', 'FINDING'],
      r.findings.map((f) => [f.accepted ? 'blocker (accepted)' : f.severity, f.id, f.object, f.title]),
    ),
  ];
  const details = r.findings.filter((f) => f.severity !== 'info');
  if (details.length > 0) lines.push('', 'Details:');
  for (const f of details) {
    lines.push(`- [${f.severity}] ${f.id} (${f.object}): ${f.title}`, `    seen: ${f.evidence}`, `    fix:  ${f.fix}`);
  }
  return lines.join('\n');
}
