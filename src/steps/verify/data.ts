/**
 * The data comparison of verify: every replicated table, source against target, with the
 * engine in src/db/compare. Each finished chunk is checkpointed (`data`), so a killed verify
 * continues where it stopped; a checkpoint older than 24 h is stale and thrown away.
 */
import { randomUUID } from 'node:crypto';
import { compareTables } from '../../db/compare/index.js';
import type { CompareResult, TableCheckpoint, TableRef } from '../../db/compare/types.js';
import type { StepContext } from '../../engine/step.js';
import { sourceSpec, tablesToCompare, targetSpec } from './databases.js';

export const DATA = 'data';
export const STALE_MS = 24 * 3600_000;

interface DataCheckpoint {
  /** Names this comparison; a report that used it records the id, and the next verify starts afresh. */
  runId: string;
  startedAt: number;
  tables: Record<string, TableCheckpoint>;
  /** Set by `--data-only` once its report is written (the step records `dataRunId` instead). */
  consumed?: boolean;
}

const keyOf = (t: { schema: string; table: string }) => `${t.schema}.${t.table}`;

export interface DataOutcome {
  runId: string;
  /** The two connections as the report names them (user, host, database: no password). */
  labels: { source: string; target: string };
  result: CompareResult;
  tables: TableRef[];
  resumedTables: number;
  notes: string[];
}

export async function compareData(ctx: StepContext, only?: string[]): Promise<DataOutcome> {
  const tables = tablesToCompare(ctx, only);
  const notes: string[] = [];
  let cp = ctx.getCheckpoint<DataCheckpoint | null>(DATA) ?? undefined;
  // A comparison a finished report already used is history: this run compares afresh. One
  // that was interrupted — even after its last chunk — is continued, with no query for the
  // tables it finished, so the final writes of verify can be retried after any crash.
  if (cp && (cp.consumed || ctx.self().outputs.dataRunId === cp.runId)) cp = undefined;
  if (cp && ctx.clock.now() - cp.startedAt > STALE_MS) {
    notes.push('A verification checkpoint older than 24 h was discarded: the data has moved on since; every table was compared afresh.');
    cp = undefined;
  }
  // State snapshots are frozen: work on a copy.
  const state: DataCheckpoint = cp ? structuredClone(cp) : { runId: randomUUID(), startedAt: ctx.clock.now(), tables: {} };
  const resume = tables.map((t) => state.tables[keyOf(t)]).filter((x): x is TableCheckpoint => x !== undefined);
  const database = ctx.config.source.databases[0]!;
  const [source, target] = await Promise.all([sourceSpec(ctx, database), targetSpec(ctx, database)]);
  const { recheckDelaySeconds, chunkRows, parallelTables } = ctx.config.verify;
  if (ctx.config.dms.migrationType !== 'full-load' && recheckDelaySeconds > 0) {
    notes.push(`CDC may still be running: a chunk that differed was compared again after ${recheckDelaySeconds} s before it was called different.`);
  }
  let lastReport = 0;
  const result = await compareTables({
    source,
    target,
    tables,
    chunkRows,
    concurrency: parallelTables,
    recheck: { delayMs: recheckDelaySeconds * 1000, attempts: recheckDelaySeconds > 0 ? 1 : 0 },
    clock: ctx.clock,
    signal: ctx.signal,
    resume,
    onCheckpoint: async (table) => {
      state.tables[keyOf(table)] = table;
      await ctx.checkpoint(DATA, state);
    },
    onProgress: (p) => {
      const now = Date.now();
      if (p.phase !== 'done' && now - lastReport < 250) return;
      lastReport = now;
      ctx.io.progress('verify.data', `verify: ${p.schema}.${p.table} ${p.phase} · ${p.chunks} chunk(s) · ${p.rowsSource.toLocaleString('en-US')} rows`, { ...p });
    },
  });
  return { runId: state.runId, labels: { source: source.label, target: target.label }, result, tables, resumedTables: resume.length, notes };
}

/** `--data-only`: its report is written, so the next comparison starts afresh. */
export async function consumeDataCheckpoint(ctx: StepContext): Promise<void> {
  const cp = ctx.getCheckpoint<DataCheckpoint | null>(DATA);
  if (cp) await ctx.checkpoint(DATA, { ...cp, consumed: true });
}
