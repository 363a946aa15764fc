/** `<state-dir>/reports/assess.md` and the wording it shares with the terminal summary. */
import type { AssessReport } from './assess.js';

const GiB = 1024 ** 3;
export const hours = (s: number): string => `${(s / 3600).toFixed(1)} h`;
export const size = (b: number): string => (b >= GiB ? `${(b / GiB).toFixed(2)} GiB` : `${(b / 1024 ** 2).toFixed(1)} MiB`);

export function verdictLine(r: AssessReport): string {
  const s = r.summary;
  const counts = `${s.blockers} blocker(s), ${s.warnings} warning(s), ${s.infos} note(s)`;
  if (s.verdict === 'blocked') return `BLOCKED — ${counts}; fix or accept: ${s.unacceptedBlockers.join(', ')}`;
  if (s.verdict === 'ready-with-accepted-risks') return `READY with accepted risks (${s.acceptedRisks.join(', ')}) — ${counts}`;
  return `READY — ${counts}`;
}

/** `<state-dir>/reports/assess.md`: the same content, for a change ticket. */
export function renderAssessMarkdown(r: AssessReport): string {
  const inv = r.inventory;
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out = [
    `# Assessment: ${r.project}`,
    '',
    `**${verdictLine(r)}**`,
    '',
    `- Source: ${r.source.label} — ${r.source.version.raw} (databases: ${r.source.databases.join(', ')})`,
    `- Inventory: ${inv.totals.tables} tables, ~${inv.totals.rows} rows, ${size(inv.totals.bytes)}, ${inv.totals.lobColumns} LOB columns, ${inv.views.length} views, ${inv.routines.length} routines, ${inv.triggers.length} triggers, ${inv.foreignKeys.length} foreign keys`,
    `- Retention budget: full load ≈ ${hours(r.budget.estimatedFullLoadSeconds)} at ${size(r.budget.throughputBytesPerSecond)}/s; the source must keep its log for ≥ ${hours(r.budget.requiredRetentionSeconds)}`,
    `- Suggested DMS instance: ${r.suggestion.instanceClass} (${r.suggestion.reason})`,
    `- AWS: ${r.aws.arn ?? 'identity unknown'} in ${r.aws.region} (AZs: ${r.aws.availabilityZones.join(', ')})`,
    `- Generated ${r.generatedAt} by promigrate ${r.toolVersion} (config ${r.configHash.slice(0, 12)})`,
    '',
    '## Findings',
    '',
    '| Severity | Id | Object | Evidence | Fix |',
    '| --- | --- | --- | --- | --- |',
    ...r.findings.map((f) => `| ${f.accepted ? 'blocker (accepted)' : f.severity} | \`${f.id}\` | ${esc(f.object)} | ${esc(f.evidence)} | ${esc(f.fix)} |`),
    '',
    '## Tables',
    '',
    '| Table | Rows (est.) | Size | Primary key | LOB columns |',
    '| --- | ---: | ---: | --- | --- |',
    ...inv.tables.map(
      (t) =>
        `| ${esc(`${t.schema}.${t.name}`)} | ${t.rows} | ${size(t.bytes)} | ${t.primaryKey?.join(', ') ?? '—'} | ${t.columns.filter((c) => c.isLob).map((c) => c.name).join(', ') || '—'} |`,
    ),
    '',
  ];
  return out.join('\n');
}
