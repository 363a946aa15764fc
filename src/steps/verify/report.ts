/** The verification report's verdict: one sentence per problem found, and what they add up to. */
import type { Verdict, VerifyReport } from '../../reports/verify.js';
import { describeDifference } from '../../db/schema/compare.js';

/** Problems listed one by one; the rest are counted (every one is in the report's Schema section). */
const LISTED_SCHEMA_DIFFERENCES = 10;

export function verdictOf(report: Omit<VerifyReport, 'verdict' | 'problems'>): { verdict: Verdict; problems: string[] } {
  const problems: string[] = [];
  const { data } = report;
  if (data.skipped) problems.push(`The data was not compared: ${data.skipped}.`);
  for (const t of data.tables.filter((x) => x.status !== 'equal')) {
    const m = t.mismatches;
    problems.push(t.status === 'different'
      ? `${t.schema}.${t.table} differs: ${m.missing.count} missing, ${m.extra.count} extra, ${m.changed.count} changed row(s) on the target.`
      : `${t.schema}.${t.table} is ${t.status === 'missing-on-target' ? 'missing on the target' : 'missing on the source'}.`);
  }
  const schema = report.schema;
  if (schema?.skipped) problems.push(`The schema was not compared: ${schema.skipped}.`);
  if (schema && !schema.ok) {
    for (const d of schema.differences.slice(0, LISTED_SCHEMA_DIFFERENCES)) problems.push(`Schema: ${describeDifference(d)}.`);
    const more = schema.differences.length - LISTED_SCHEMA_DIFFERENCES;
    if (more > 0) problems.push(`Schema: ${more} more difference(s), listed in the report's Schema section.`);
  }
  if (report.dns && !report.dns.ok) {
    problems.push(report.dns.route53.ok
      ? `The zone's name servers do not answer ${report.dns.record} with the new target (${(report.dns.authoritative.answers ?? []).join(', ') || report.dns.authoritative.skipped}).`
      : `${report.dns.record} does not point at ${report.dns.newTarget} in Route 53: ${report.dns.route53.recordSets.join('; ') || 'no record'}.`);
  }
  if (report.http && !report.http.ok) {
    for (const r of [report.http.viaDns, report.http.atTarget]) if (r && !r.ok) problems.push(`${r.via === 'dns' ? 'Through DNS' : 'At the new target'}: ${r.problem}.`);
  }
  if (report.dms && !report.dms.ok) problems.push(`DMS reports problems: task ${report.dms.task?.status}${report.dms.validationFailed ? `, ${report.dms.validationFailed} record(s) failed validation` : ''}.`);
  const differs = data.tables.some((t) => t.status !== 'equal') || (schema !== undefined && schema.differences.length > 0);
  const verdict: Verdict = differs ? 'differences' : problems.length ? 'incomplete' : 'verified';
  return { verdict, problems };
}
