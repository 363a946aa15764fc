/**
 * Compares one table: describe both sides, scan it chunk by chunk (both servers digest each
 * chunk in parallel, Node compares the digests), checkpoint after every finished chunk, then
 * re-check the chunks that differed after a delay (so rows still arriving through CDC are not
 * reported) and bisect those that still differ down to their rows.
 */
import { performance } from 'node:perf_hooks';
import { UsageError } from '../../errors.js';
import type { Clock } from '../../clock.js';
import { bisect } from './bisect.js';
import { chunkPlanner, FULL_RANGE, type ChunkPlanner } from './chunks.js';
import { digestsEqual, emptyMismatches, MismatchSink } from './mismatches.js';
import { compareGroups } from './nopk.js';
import { planTable, type PlannedTable } from './plan.js';
import type {
  ColumnInfo,
  CompareProgress,
  CompareStats,
  Digest,
  KeyRange,
  PendingChunk,
  RecheckOptions,
  Side,
  TableCheckpoint,
  TablePlan,
  TableReader,
  TableRef,
  TableResult,
  TableShape,
  TableStatus,
} from './types.js';

/**
 * The chunk digest's algorithm, kept in checkpoints: 3 = MySQL/MariaDB scrambled CRC32 (2 was
 * a pair of CRC32s; 1, implied by a checkpoint without the field, the first half of the MD5).
 * PostgreSQL digests did not change, but one number for both keeps the rule simple: another
 * number starts afresh.
 */
export const DIGEST_ALGORITHM = 3;

/** The first chunk's rows (fewer when chunkRows is smaller); later ones are sized by time. */
export const FIRST_CHUNK_ROWS = 10_000;

/** Adaptive chunks never shrink below this share of the first chunk (nor below 2 rows). */
const MIN_CHUNK_SHARE = 0.01;

/** The first chunk: FIRST_CHUNK_ROWS, or chunkRows when that is smaller or sizing by time is off. */
export const firstChunkRows = (settings: Pick<TableSettings, 'chunkRows' | 'chunkTimeMs'>): number =>
  settings.chunkTimeMs > 0 ? Math.min(settings.chunkRows, FIRST_CHUNK_ROWS) : settings.chunkRows;

export interface TableSettings {
  chunkRows: number;
  /** 0: fixed chunks of chunkRows. */
  chunkTimeMs: number;
  leafRows: number;
  sampleKeys: number;
  recheck: RecheckOptions;
  clock: Clock;
  onCheckpoint?: (checkpoint: TableCheckpoint) => void | Promise<void>;
  onProgress?: (progress: CompareProgress) => void;
  signal?: AbortSignal;
}

interface Run {
  settings: TableSettings;
  state: TableCheckpoint;
  source: TableReader;
  target: TableReader;
  /** Bounds of the scan's chunks, on the source. */
  planner: ChunkPlanner;
  sink: MismatchSink;
}

function freshState(ref: Required<TableRef>): TableCheckpoint {
  return {
    version: 1,
    digest: DIGEST_ALGORITHM,
    schema: ref.schema,
    table: ref.table,
    targetSchema: ref.targetSchema,
    phase: 'scan',
    lastKey: null,
    chunks: 0,
    rows: { source: 0, target: 0 },
    pending: [],
    rechecks: 0,
    mismatchedChunks: 0,
    equalOnRecheck: 0,
    mismatches: emptyMismatches(),
    elapsedMs: 0,
  };
}

async function digestBoth(run: Run, range: KeyRange): Promise<[Digest, Digest]> {
  return Promise.all([run.source.digest(range), run.target.digest(range)]);
}

function progress(run: Run, phase: CompareProgress['phase']): void {
  const s = run.state;
  run.settings.onProgress?.({ schema: s.schema, table: s.table, phase, chunks: s.chunks, rowsSource: s.rows.source, rowsTarget: s.rows.target });
}

async function checkpoint(run: Run, started: number, elapsedBefore: number): Promise<void> {
  run.state.elapsedMs = elapsedBefore + (performance.now() - started);
  // A copy: the caller may keep it while this run goes on changing its own state.
  await run.settings.onCheckpoint?.(structuredClone(run.state));
}

/**
 * The next chunk's rows: scaled by how long the last chunk took against chunkTimeMs (on the
 * slower side, digests only), at most doubled or divided by 10 at a time, within
 * [MIN_CHUNK_SHARE × the first chunk, chunkRows]. Chunks with no rows or that went too fast
 * to time leave the size as it is.
 */
export function adaptChunkRows(current: number, rows: number, elapsedMs: number, settings: Pick<TableSettings, 'chunkRows' | 'chunkTimeMs'>): number {
  if (settings.chunkTimeMs <= 0 || rows === 0 || elapsedMs < 1) return current;
  const wanted = (current * settings.chunkTimeMs) / elapsedMs;
  const bounded = Math.min(current * 2, Math.max(current / 10, wanted));
  const least = Math.max(2, Math.ceil(firstChunkRows(settings) * MIN_CHUNK_SHARE));
  return Math.max(Math.min(least, settings.chunkRows), Math.min(settings.chunkRows, Math.round(bounded)));
}

async function timed<T>(work: Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work;
  return [value, performance.now() - started];
}

async function scan(run: Run, save: () => Promise<void>): Promise<void> {
  const { state, settings } = run;
  let chunkRows = firstChunkRows(settings);
  let range = state.phase === 'scan' ? await run.planner.next(state.lastKey, chunkRows) : null;
  while (range) {
    settings.signal?.throwIfAborted();
    const current = range;
    // The source plans the next chunk while the target is still digesting this one; it is
    // sized from the chunks timed so far (this one's time sizes the one after).
    const sizeForNext = chunkRows;
    const [[[source, sourceMs], next], [target, targetMs]] = await Promise.all([
      (async () => {
        const digest = await timed(run.source.digest(current));
        run.planner.observe(current, digest[0].rows);
        return [digest, current.upper === null ? null : await run.planner.next(current.upper, sizeForNext)] as const;
      })(),
      timed(run.target.digest(current)),
    ]);
    const equal = digestsEqual(source, target);
    // Differences cluster (a load that went wrong, a CDC gap): after a differing chunk, chunks
    // start small again, where narrowing one down costs little; while they match they grow.
    chunkRows = equal ? adaptChunkRows(chunkRows, Math.max(source.rows, target.rows), Math.max(sourceMs, targetMs), settings) : firstChunkRows(settings);
    state.chunks++;
    state.rows.source += source.rows;
    state.rows.target += target.rows;
    if (!equal) state.pending.push({ ...current, source, target });
    if (current.upper === null) state.phase = 'verify';
    else state.lastKey = current.upper;
    await save();
    progress(run, 'scan');
    range = next;
  }
}

/** Digests the pending chunks again after the delay; chunks now equal were replication lag. */
async function recheck(run: Run, save: () => Promise<void>): Promise<void> {
  const { state, settings } = run;
  while (state.rechecks < settings.recheck.attempts && state.pending.length > 0) {
    await settings.clock.sleep(settings.recheck.delayMs, settings.signal);
    const still: PendingChunk[] = [];
    for (const chunk of state.pending) {
      settings.signal?.throwIfAborted();
      const [source, target] = await digestBoth(run, chunk);
      state.rows.source += source.rows - chunk.source.rows;
      state.rows.target += target.rows - chunk.target.rows;
      if (digestsEqual(source, target)) state.equalOnRecheck++;
      else still.push({ ...chunk, source, target });
    }
    state.pending = still;
    state.rechecks++;
    await save();
    progress(run, 'recheck');
  }
}

async function bisectPending(run: Run, save: () => Promise<void>): Promise<void> {
  const { state, settings } = run;
  while (state.pending.length > 0) {
    settings.signal?.throwIfAborted();
    const chunk = state.pending[0]!;
    const before = run.sink.total;
    await bisect({ source: run.source, target: run.target, leafRows: settings.leafRows, sink: run.sink }, chunk, chunk.source, chunk.target);
    if (run.sink.total > before) state.mismatchedChunks++;
    else state.equalOnRecheck++;
    state.pending.shift();
    await save();
    progress(run, 'bisect');
  }
}

/** Tables without a usable key: one whole-table digest, re-checked, then a merge of hash groups. */
async function compareWithoutKey(run: Run, save: () => Promise<void>): Promise<void> {
  const { state, settings } = run;
  let [source, target] = await digestBoth(run, FULL_RANGE);
  state.chunks = 1;
  const differedAtFirst = !digestsEqual(source, target);
  for (let attempt = 0; attempt < settings.recheck.attempts && !digestsEqual(source, target); attempt++) {
    await settings.clock.sleep(settings.recheck.delayMs, settings.signal);
    [source, target] = await digestBoth(run, FULL_RANGE);
    state.rechecks++;
  }
  if (differedAtFirst && digestsEqual(source, target)) state.equalOnRecheck = 1;
  state.rows = { source: source.rows, target: target.rows };
  if (!digestsEqual(source, target)) {
    await compareGroups(run.source, run.target, run.sink);
    if (run.sink.total > 0) state.mismatchedChunks = 1;
    else state.equalOnRecheck = 1;
  }
  state.phase = 'done';
  await save();
}

/** The table exists on one side only: every row there is missing (or extra). */
async function oneSided(run: Run, reader: TableReader, kind: 'missing' | 'extra', keyed: boolean): Promise<void> {
  const rows = await reader.count();
  run.state.rows = kind === 'missing' ? { source: rows, target: 0 } : { source: 0, target: rows };
  run.sink.add(kind, rows, keyed ? await reader.firstKeys(FULL_RANGE, run.sink.room(kind)) : []);
  run.state.chunks = 0;
  run.state.phase = 'done';
}

function notesFor(run: Run, planned: PlannedTable): string[] {
  const { state, settings } = run;
  const notes = [...planned.notes];
  const delay = `${settings.recheck.delayMs} ms`;
  if (state.equalOnRecheck > 0) {
    notes.push(`${state.equalOnRecheck} chunk(s) differed at first and matched when re-checked after ${delay}: those rows were still replicating (CDC).`);
  }
  if (state.mismatchedChunks > 0 && settings.recheck.attempts > 0) {
    notes.push(`Differing chunks were re-checked ${settings.recheck.attempts}× after ${delay} before being reported; with CDC still running, rows changed since may still be in flight.`);
  }
  return notes;
}

function statusOf(state: TableCheckpoint, planned: PlannedTable, sides: { source: boolean; target: boolean }): TableStatus {
  if (!sides.target) return 'missing-on-target';
  if (!sides.source) return 'missing-on-source';
  const m = state.mismatches;
  const columnsDiffer = planned.schemaDifferences.some((d) => d.kind === 'missing-on-target' || d.kind === 'missing-on-source');
  return m.missing.count + m.extra.count + m.changed.count > 0 || columnsDiffer ? 'different' : 'equal';
}

/**
 * The plan as one side reads it: the same columns, normalised by the source's types, but each
 * string column with this side's own character set — a latin1 column is converted to utf8mb4
 * on its side while a utf8mb4 one is read as it is (see normalize.ts).
 */
function sidePlan(plan: TablePlan, shape: TableShape | null): TablePlan {
  if (!shape) return plan;
  const own = new Map(shape.columns.map((c) => [c.name, c]));
  const columns = plan.columns.map((c): ColumnInfo => {
    const charset = own.get(c.name)?.charset;
    if (charset === c.charset) return c;
    const { charset: _ignored, ...rest } = c;
    return charset === undefined ? rest : { ...rest, charset };
  });
  const byName = new Map(columns.map((c) => [c.name, c]));
  return { ...plan, columns, key: plan.key.map((k) => byName.get(k.name) ?? k) };
}

export async function compareTable(
  sides: { source: Side; target: Side },
  tableRef: TableRef,
  settings: TableSettings,
  resumeFrom?: TableCheckpoint,
): Promise<TableResult> {
  const started = performance.now();
  const ref: Required<TableRef> = { ...tableRef, targetSchema: tableRef.targetSchema ?? tableRef.schema };
  const [sourceShape, targetShape] = await Promise.all([
    sides.source.describe(ref.schema, ref.table),
    sides.target.describe(ref.targetSchema, ref.table),
  ]);
  if (!sourceShape && !targetShape) {
    throw new UsageError(`The table ${ref.schema}.${ref.table} exists on neither the ${sides.source.label} nor the ${sides.target.label}.`, {
      hint: 'Check the table names given to verify (names are case-sensitive on most servers).',
    });
  }
  const planned = planTable(sourceShape, targetShape);
  const [encSource, encTarget] = await Promise.all([sides.source.encoding(), sides.target.encoding()]);
  planned.plan.convertToUtf8 = encSource !== encTarget;
  const stats: CompareStats = { queries: 0, rowsFetched: 0, maxRowsPerQuery: 0, scanMs: 0 };
  // A checkpoint taken under another key (the table was altered since) cannot be continued.
  const keyWidth = planned.plan.key.length;
  const resumable = resumeFrom && (resumeFrom.digest ?? 1) === DIGEST_ALGORITHM && [resumeFrom.lastKey, ...resumeFrom.pending.flatMap((p) => [p.lower, p.upper])].every((k) => k === null || k.length === keyWidth);
  if (resumeFrom && !resumable) {
    planned.notes.push(
      (resumeFrom.digest ?? 1) !== DIGEST_ALGORITHM
        ? 'The checkpoint was written by another version of the comparison (another chunk digest); compared from the start.'
        : 'The checkpoint did not match the table\'s key any more; compared from the start.',
    );
  }
  const state = resumable ? structuredClone(resumeFrom) : freshState(ref);
  const source = sides.source.reader(sidePlan(planned.plan, sourceShape), ref.schema, ref.table, stats);
  const run: Run = {
    settings,
    state,
    source,
    target: sides.target.reader(sidePlan(planned.plan, targetShape), ref.targetSchema, ref.table, stats),
    planner: chunkPlanner(planned.plan, source),
    sink: new MismatchSink(state.mismatches, settings.sampleKeys),
  };
  const elapsedBefore = state.elapsedMs;
  const save = () => checkpoint(run, started, elapsedBefore);
  const keyed = planned.plan.key.length > 0;

  if (state.phase !== 'done') {
    if (!targetShape) await oneSided(run, run.source, 'missing', keyed);
    else if (!sourceShape) await oneSided(run, run.target, 'extra', keyed);
    else if (!keyed) await compareWithoutKey(run, save);
    else {
      const scanStarted = performance.now();
      await scan(run, save);
      stats.scanMs = Math.round(performance.now() - scanStarted);
      await recheck(run, save);
      await bisectPending(run, save);
      state.phase = 'done';
    }
    await save();
  }
  progress(run, 'done');

  return {
    schema: ref.schema,
    table: ref.table,
    targetSchema: ref.targetSchema,
    status: statusOf(state, planned, { source: !!sourceShape, target: !!targetShape }),
    key: { kind: planned.keyKind, columns: planned.plan.key.map((c) => c.name) },
    rows: { ...state.rows },
    chunks: { total: state.chunks, mismatched: state.mismatchedChunks, equalOnRecheck: state.equalOnRecheck },
    mismatches: state.mismatches,
    schemaDifferences: planned.schemaDifferences,
    notes: notesFor(run, planned),
    durationMs: Math.round(elapsedBefore + (performance.now() - started)),
    stats,
    resumed: !!resumable,
  };
}
