/**
 * A sync sample as the operator sees it: one line of text (plain output, spinner text), and
 * the data for JSON lines and for the progress bars a TTY host draws (`data.bars`).
 */
import type { SyncSample } from './monitor.js';

export interface ProgressBar {
  label: string;
  done: number;
  total: number;
  note: string;
}

const MAX_BARS = 8;
const n = (x: number) => x.toLocaleString('en-US');

const latest = (s: SyncSample) => s.latency[s.latency.length - 1];

export function sampleText(s: SyncSample, threshold: number, needed: number): string {
  const { totals } = s.tables;
  const estimate = [...s.estimated.values()].reduce((a, b) => a + b, 0);
  const parts = [
    s.pausedAfterFullLoad
      ? 'stopped after the full load (cached changes held for the index build)'
      : `${s.task.status}${s.task.phase === 'cdc' ? ' (CDC)' : s.task.phase === 'full-load' ? ' (full load)' : ''}`,
    `tables ${totals.completed}/${totals.tables} loaded${totals.loading ? `, ${totals.loading} loading` : ''}${totals.queued ? `, ${totals.queued} queued` : ''}`,
    `rows ${n(totals.rowsLoaded)}${estimate ? ` of ~${n(estimate)}` : ''}${s.task.fullLoadPercent !== undefined ? ` (${s.task.fullLoadPercent} %)` : ''}`,
  ];
  if (totals.inserts + totals.updates + totals.deletes > 0) parts.push(`CDC +${n(totals.inserts)} ~${n(totals.updates)} -${n(totals.deletes)}`);
  const l = latest(s);
  if (l) parts.push(`CDC latency source ${l.source.toFixed(1)} s / target ${l.target.toFixed(1)} s (${Math.min(s.stableSamples, needed)}/${needed} samples ≤ ${threshold} s)`);
  // No datapoint is not a latency of 0: CloudWatch has nothing for this run yet.
  else if (s.task.phase === 'cdc') parts.push('no CDC latency datapoints yet from CloudWatch (CDCLatencySource/Target)');
  if (totals.validationPending || totals.validationFailed) parts.push(`validation pending ${n(totals.validationPending)}, failed ${n(totals.validationFailed)}`);
  return `sync: ${parts.join(' · ')}`;
}

/** Tables being loaded first, then queued ones, then the rest; at most MAX_BARS, plus one for all rows. */
export function sampleBars(s: SyncSample): ProgressBar[] {
  const rank = (state: string) => (state === 'Full load' || state === 'Table is being reloaded' ? 0 : state === 'Before load' ? 1 : 2);
  const tables = [...s.tables.tables].sort((a, b) => rank(a.state) - rank(b.state));
  const bars = tables.slice(0, MAX_BARS).map((t) => {
    const key = `${t.schema}.${t.table}`;
    const estimate = s.estimated.get(key) ?? 0;
    const done = t.state === 'Table completed';
    return { label: key, done: t.rowsLoaded, total: done ? Math.max(t.rowsLoaded, 1) : Math.max(estimate, t.rowsLoaded, 1), note: t.state };
  });
  const estimate = [...s.estimated.values()].reduce((a, b) => a + b, 0);
  const rows = s.tables.totals.rowsLoaded;
  const all = s.tables.allLoaded;
  bars.push({ label: `all ${s.tables.totals.tables} tables`, done: rows, total: all ? Math.max(rows, 1) : Math.max(estimate, rows, 1), note: all ? 'loaded' : `${s.task.fullLoadPercent ?? 0} %` });
  return bars;
}

/** The JSON-lines document of a sample: everything, per table. */
export function sampleData(s: SyncSample): Record<string, unknown> {
  const l = latest(s);
  return {
    status: s.task.status,
    phase: s.task.phase,
    fullLoadPercent: s.task.fullLoadPercent ?? null,
    totals: s.tables.totals,
    tables: s.tables.tables.map((t) => ({
      schema: t.schema,
      table: t.table,
      state: t.state,
      rowsLoaded: t.rowsLoaded,
      rowsEstimated: s.estimated.get(`${t.schema}.${t.table}`) ?? null,
      inserts: t.inserts,
      updates: t.updates,
      deletes: t.deletes,
      validation: t.validation,
    })),
    cdcLatency: l ? { source: l.source, target: l.target, at: new Date(l.at).toISOString() } : null,
    stableSamples: s.stableSamples,
    validationSettled: s.validationSettled,
    done: s.done,
    bars: sampleBars(s),
  };
}
