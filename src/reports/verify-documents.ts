/**
 * The verification report's documents: Markdown for the change ticket and one self-contained
 * HTML page (inline CSS and SVG, no external assets), and the wording the terminal summary shares.
 */
import type { TableResult } from '../db/compare/types.js';
import { describeDifference } from '../db/schema/compare.js';
import type { VerifyReport } from './verify.js';

export const n = (x: number) => x.toLocaleString('en-US');
export const ms = (x: number) => (x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`);
const VERDICTS = { verified: 'VERIFIED: source and target are identical, DNS and the app check out', differences: 'DIFFERENCES FOUND', incomplete: 'NOT VERIFIED: some checks failed or could not run' } as const;
export const verdictWords = (r: VerifyReport): string =>
  r.verdict === 'verified' && r.scope === 'data-only' ? 'VERIFIED: source and target data are identical (data only)' : VERDICTS[r.verdict];

export function keys(t: TableResult): string {
  const list = (label: string, d: { count: number; keys: string[][] }) =>
    d.count ? `${label} ${n(d.count)}${d.keys.length ? ` (${d.keys.slice(0, 5).map((k) => k.join('/')).join(', ')}${d.count > 5 ? ', …' : ''})` : ''}` : '';
  return [list('missing', t.mismatches.missing), list('extra', t.mismatches.extra), list('changed', t.mismatches.changed)].filter(Boolean).join('; ') || '—';
}

export function renderVerifyMarkdown(r: VerifyReport): string {
  const out: string[] = [];
  out.push(`# Migration verification — ${r.project}`, '', `**${verdictWords(r)}**`, '');
  if (r.problems.length) out.push(...r.problems.map((p) => `- ${p}`), '');
  out.push(`Generated ${r.generatedAt} by promigrate ${r.toolVersion} (config ${r.configHash.slice(0, 12)}); scope: ${r.scope}; took ${ms(r.timings.totalMs)}.`, '');
  out.push('## Data', '');
  if (r.data.skipped) out.push(`Not compared: ${r.data.skipped}.`, '');
  else {
    out.push(`${r.data.source} ↔ ${r.data.target}: ${r.data.identical} of ${r.data.tables.length} table(s) identical.`, '');
    out.push('| table | status | rows source | rows target | chunks | mismatches (first keys) | time |', '| --- | --- | ---: | ---: | ---: | --- | ---: |');
    for (const t of r.data.tables) out.push(`| ${t.schema}.${t.table} | ${t.status} | ${n(t.rows.source)} | ${n(t.rows.target)} | ${t.chunks.total} | ${keys(t)} | ${ms(t.durationMs)} |`);
    const schema = r.data.tables.flatMap((t) => t.schemaDifferences.map((d) => `- ${t.schema}.${t.table}${d.column ? `.${d.column}` : ''}: ${d.kind} ${d.source ?? '—'} → ${d.target ?? '—'}`));
    if (schema.length) out.push('', '### Schema differences (reported, not normalised away)', '', ...schema);
    const notes = [...r.data.notes, ...r.data.tables.flatMap((t) => t.notes.map((x) => `${t.schema}.${t.table}: ${x}`))];
    if (notes.length) out.push('', '### Notes', '', ...notes.map((x) => `- ${x}`));
    out.push('');
  }
  if (r.schema) {
    out.push('## Schema', '');
    const x = r.schema;
    if (x.skipped) out.push(`Not compared: ${x.skipped}.`, '');
    else {
      out.push(`${x.tables} table(s), ${x.objects} view(s)/routine(s)/trigger(s)/event(s), ${x.sequences} sequence(s)/AUTO_INCREMENT counter(s): ${x.differences.length ? `${x.differences.length} difference(s)` : 'identical'}.`, '');
      out.push(...x.differences.map((d) => `- ${describeDifference(d)}`));
      if (x.pendingCutover.length) out.push('', '### Built at cutover (not yet)', '', ...x.pendingCutover.map((d) => `- ${describeDifference(d)}`));
      out.push('');
    }
  }
  if (r.dns) {
    out.push('## DNS', '', `- Route 53: ${r.dns.record} → ${r.dns.route53.recordSets.join('; ') || '(no record)'} ${r.dns.route53.ok ? '✓' : '✗'}`);
    out.push(`- Authoritative name servers: ${r.dns.authoritative.skipped ?? `${(r.dns.authoritative.answers ?? []).join(', ')} ${r.dns.authoritative.ok ? '✓' : '✗'}`}`);
    out.push(`- Public resolver: ${r.dns.publicResolver.skipped ?? `${r.dns.publicResolver.resolver}: ${(r.dns.publicResolver.answers ?? []).join(', ')} — ${r.dns.publicResolver.note}`}`, '');
  }
  if (r.http) {
    out.push('## HTTP', '');
    if (r.http.skipped) out.push(`Not checked: ${r.http.skipped}.`);
    for (const x of [r.http.viaDns, r.http.atTarget]) {
      if (!x) continue;
      const tls = x.tls ? `; TLS ${x.tls.authorized ? 'valid' : `invalid (${x.tls.authorizationError})`}, expires ${x.tls.validTo} (${x.tls.daysLeft} days)` : '';
      out.push(`- ${x.via === 'dns' ? 'Through DNS' : 'At the new target'}: ${x.ok ? `HTTP ${x.status} in ${x.latencyMs} ms${x.bodyMatched ? ', body matched' : ''}${tls}` : x.problem}`);
    }
    out.push('');
  }
  if (r.dms) {
    out.push('## AWS DMS', '');
    if (r.dms.skipped) out.push(`Not checked: ${r.dms.skipped}.`, '');
    else {
      out.push(`Task ${r.dms.task?.id}: ${r.dms.task?.status} (${r.dms.task?.phase}).`, '', '| table | state | full-load rows | inserts | updates | deletes | validation |', '| --- | --- | ---: | ---: | ---: | ---: | --- |');
      for (const t of r.dms.tables) out.push(`| ${t.schema}.${t.table} | ${t.state} | ${n(t.rowsLoaded)} | ${n(t.inserts)} | ${n(t.updates)} | ${n(t.deletes)} | ${t.validation.state}${t.validation.failed ? ` (${t.validation.failed} failed)` : ''} |`);
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Per table: source and target rows as two bars, mismatched rows as a red one. */
function chart(tables: TableResult[]): string {
  if (tables.length === 0) return '';
  const max = Math.max(1, ...tables.map((t) => Math.max(t.rows.source, t.rows.target)));
  const rowH = 34;
  const labelW = 220;
  const width = 760;
  const bar = (x: number) => Math.max(x > 0 ? 2 : 0, Math.round(((width - labelW - 120) * x) / max));
  const rows = tables.map((t, i) => {
    const y = i * rowH + 4;
    const bad = t.mismatches.missing.count + t.mismatches.extra.count + t.mismatches.changed.count;
    return `<g transform="translate(0,${y})"><text x="0" y="14" class="l">${esc(`${t.schema}.${t.table}`)}</text>` +
      `<rect x="${labelW}" y="2" width="${bar(t.rows.source)}" height="12" class="src"><title>source ${n(t.rows.source)} rows</title></rect>` +
      `<rect x="${labelW}" y="16" width="${bar(t.rows.target)}" height="12" class="dst"><title>target ${n(t.rows.target)} rows</title></rect>` +
      (bad ? `<rect x="${labelW}" y="16" width="${Math.max(3, bar(bad))}" height="12" class="bad"><title>${n(bad)} mismatched rows</title></rect>` : '') +
      `<text x="${width - 110}" y="14" class="v">${n(t.rows.source)}</text><text x="${width - 110}" y="28" class="v${bad ? ' badt' : ''}">${n(t.rows.target)}${bad ? ` (${n(bad)} ✗)` : ''}</text></g>`;
  });
  return `<svg viewBox="0 0 ${width} ${tables.length * rowH + 8}" width="100%" role="img" aria-label="rows per table, source and target">${rows.join('')}</svg>` +
    '<p class="legend"><span class="k src"></span> source rows <span class="k dst"></span> target rows <span class="k bad"></span> mismatched rows</p>';
}

export function renderVerifyHtml(r: VerifyReport): string {
  const md = renderVerifyMarkdown(r);
  const color = r.verdict === 'verified' ? '#1a7f37' : r.verdict === 'differences' ? '#cf222e' : '#9a6700';
  const tableRows = r.data.tables.map((t) => `<tr class="${t.status === 'equal' ? '' : 'diff'}"><td>${esc(`${t.schema}.${t.table}`)}</td><td>${t.status}</td><td class="num">${n(t.rows.source)}</td><td class="num">${n(t.rows.target)}</td><td class="num">${t.chunks.total}</td><td>${esc(keys(t))}</td><td class="num">${ms(t.durationMs)}</td></tr>`).join('');
  const section = (title: string, body: string) => `<section><h2>${title}</h2>${body}</section>`;
  const list = (items: string[]) => `<ul>${items.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`;
  const mdSection = (title: string) => {
    const m = new RegExp(`## ${title}\\n\\n([\\s\\S]*?)(?=\\n## |$)`).exec(md);
    return m ? list(m[1]!.split('\n').filter((l) => l.startsWith('- ') || (l && !l.startsWith('|'))).map((l) => l.replace(/^- /, ''))) : '';
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Migration verification — ${esc(r.project)}</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1f2328}
.verdict{border-left:8px solid ${color};background:#f6f8fa;padding:1rem 1.25rem;font-size:1.2rem;font-weight:600;color:${color}}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}tr.diff td{background:#ffebe9}
.meta{color:#59636e;font-size:.9rem}svg .l{font-size:12px}svg .v{font-size:11px;fill:#59636e}svg .badt{fill:#cf222e}
.src{fill:#8c959f}.dst{fill:#2da44e}.bad{fill:#cf222e}.legend{font-size:.85rem;color:#59636e}.k{display:inline-block;width:12px;height:12px;vertical-align:middle;margin-left:.8rem}
.k.src{background:#8c959f}.k.dst{background:#2da44e}.k.bad{background:#cf222e}
</style></head><body>
<h1>Migration verification — ${esc(r.project)}</h1>
<div class="verdict">${esc(verdictWords(r))}</div>
${r.problems.length ? list(r.problems) : ''}
<p class="meta">Generated ${esc(r.generatedAt)} by promigrate ${esc(r.toolVersion)} · config ${esc(r.configHash.slice(0, 12))} · scope ${r.scope} · took ${ms(r.timings.totalMs)}</p>
${section('Data', r.data.skipped ? `<p>Not compared: ${esc(r.data.skipped)}.</p>` : `<p>${esc(r.data.source ?? '')} ↔ ${esc(r.data.target ?? '')}: <b>${r.data.identical} of ${r.data.tables.length}</b> table(s) identical.</p>${chart(r.data.tables)}<table><thead><tr><th>table</th><th>status</th><th>rows source</th><th>rows target</th><th>chunks</th><th>mismatches (first keys)</th><th>time</th></tr></thead><tbody>${tableRows}</tbody></table>${r.data.notes.length ? list(r.data.notes) : ''}`)}
${r.schema ? section('Schema', mdSection('Schema')) : ''}
${r.dns ? section('DNS', mdSection('DNS')) : ''}
${r.http ? section('HTTP', mdSection('HTTP')) : ''}
${r.dms ? section('AWS DMS', r.dms.skipped ? `<p>${esc(r.dms.skipped)}</p>` : `<p>Task ${esc(r.dms.task?.id ?? '')}: ${esc(r.dms.task?.status ?? '')}</p><table><thead><tr><th>table</th><th>state</th><th>full-load rows</th><th>validation</th></tr></thead><tbody>${r.dms.tables.map((t) => `<tr><td>${esc(`${t.schema}.${t.table}`)}</td><td>${esc(t.state)}</td><td class="num">${n(t.rowsLoaded)}</td><td>${esc(t.validation.state)}</td></tr>`).join('')}</tbody></table>`) : ''}
</body></html>
`;
}
