/** The verification report's terminal summary (its documents are in src/reports/verify-documents.ts). */
import type { VerifyReport } from '../reports/verify.js';
import { keys, ms, n, verdictWords } from '../reports/verify-documents.js';
import { renderTable } from './table.js';

export function renderVerifySummary(r: VerifyReport): string {
  const lines = [`verify: ${verdictWords(r)}`];
  if (r.data.skipped) lines.push(`  data: not compared (${r.data.skipped})`);
  else {
    lines.push(`  data: ${r.data.identical}/${r.data.tables.length} table(s) identical in ${ms(r.data.durationMs)}${r.data.resumedTables ? ` (resumed ${r.data.resumedTables} table(s) from a checkpoint)` : ''}`);
    const rows = r.data.tables.map((t) => [`${t.schema}.${t.table}`, t.status, n(t.rows.source), n(t.rows.target), String(t.chunks.total), keys(t), ms(t.durationMs)]);
    lines.push(renderTable(['table', 'status', 'rows source', 'rows target', 'chunks', 'mismatches (keys)', 'time'], rows).replace(/^/gm, '  '));
  }
  if (r.schema) {
    const x = r.schema;
    lines.push(x.skipped
      ? `  schema: not compared (${x.skipped})`
      : `  schema: ${x.differences.length ? `${x.differences.length} difference(s)` : 'identical'} — ${x.tables} table(s), ${x.objects} view(s)/routine(s)/trigger(s)/event(s), ${x.sequences} sequence(s)${x.pendingCutover.length ? `; ${x.pendingCutover.length} object(s) cutover builds still to come` : ''}`);
  }
  if (r.dns) lines.push(`  dns: ${r.dns.ok ? 'ok' : 'PROBLEM'} — Route 53: ${r.dns.route53.recordSets.join('; ')}${r.dns.authoritative.skipped ? ` (name servers: ${r.dns.authoritative.skipped})` : `; name servers answer ${r.dns.authoritative.answers?.join(', ')}`}`);
  if (r.http) lines.push(`  http: ${r.http.skipped ? `not checked (${r.http.skipped})` : [r.http.viaDns, r.http.atTarget].filter(Boolean).map((x) => `${x!.via === 'dns' ? 'through DNS' : 'at the new target'} ${x!.ok ? `HTTP ${x!.status} in ${x!.latencyMs} ms` : x!.problem}`).join('; ')}`);
  if (r.dms?.task) lines.push(`  dms: ${r.dms.task.id} ${r.dms.task.status}; validation ${n(r.dms.validationFailed)} failed, ${n(r.dms.validationPending)} pending`);
  for (const p of r.problems) lines.push(`  ✗ ${p}`);
  return lines.join('\n');
}
