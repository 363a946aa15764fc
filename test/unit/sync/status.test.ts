import type { ReplicationTask, TableStatistics } from '@aws-sdk/client-database-migration-service';
import { describe, expect, it } from 'vitest';
import { cdcStable, humanFailure, interpretTask, interpretTables } from '../../../src/aws/dms/task-status.js';

const FATAL =
  "Last Error Load failed for table 'shop'.'orders' (sandbox-injected failure). Task error notification received from " +
  'subtask 0, thread 0 [reptask/replicationtask.c:2883] [1020417] Error executing source loop; Stream component failed ' +
  'at subtask 0 [reptask/replicationtask.c:2891] [1020417] Stop Reason FATAL_ERROR Error Level FATAL';

const task = (over: Partial<ReplicationTask>): ReplicationTask => ({ ReplicationTaskArn: 'arn:aws:dms:us-east-1:1:task:T', ...over });

describe('interpretTask', () => {
  it('creating and ready: not failures; ready is terminal (waits for a start)', () => {
    expect(interpretTask(task({ Status: 'creating' }), 'full-load-and-cdc')).toMatchObject({ phase: 'creating', terminal: false });
    const ready = interpretTask(task({ Status: 'ready' }), 'full-load-and-cdc');
    expect(ready).toMatchObject({ phase: 'ready', terminal: true });
    expect(ready.failure).toBeUndefined();
  });

  it('a full-load task stopped with FULL_LOAD_ONLY_FINISHED is finished, not failed', () => {
    const t = task({ Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', ReplicationTaskStats: { FullLoadProgressPercent: 100 } });
    const r = interpretTask(t, 'full-load');
    expect(r).toMatchObject({ phase: 'finished', terminal: true, resumable: false, stopReason: 'FULL_LOAD_ONLY_FINISHED', fullLoadPercent: 100 });
    expect(r.failure).toBeUndefined();
  });

  it('stopped with NORMAL (a user stop) is stopped and resumable, no failure', () => {
    const r = interpretTask(task({ Status: 'stopped', StopReason: 'Stop Reason NORMAL' }), 'full-load-and-cdc');
    expect(r).toMatchObject({ phase: 'stopped', terminal: true, resumable: true, stopReason: 'NORMAL' });
    expect(r.failure).toBeUndefined();
  });

  it('stopped after full load by a stop-after setting is a plain stop', () => {
    const r = interpretTask(task({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_FULL_LOAD' }), 'full-load-and-cdc');
    expect(r.phase).toBe('stopped');
  });

  it('stopped with RECOVERABLE_ERROR or FATAL_ERROR is a failure', () => {
    const rec = interpretTask(task({ Status: 'stopped', StopReason: 'Stop Reason RECOVERABLE_ERROR' }), 'full-load-and-cdc');
    expect(rec).toMatchObject({ phase: 'failed', terminal: true });
    expect(rec.failure).toMatch(/could not recover/);
    const fatal = interpretTask(task({ Status: 'stopped', StopReason: 'Stop Reason FATAL_ERROR', LastFailureMessage: FATAL }), 'full-load');
    expect(fatal.phase).toBe('failed');
    expect(fatal.failure).toBe("Load failed for table 'shop'.'orders' (sandbox-injected failure) (stopped by a fatal error)");
  });

  it('failed: the failure is DMS\'s LastFailureMessage without the trace; the raw message is kept', () => {
    const r = interpretTask(task({ Status: 'failed', StopReason: 'Stop Reason FATAL_ERROR', LastFailureMessage: FATAL }), 'full-load-and-cdc');
    expect(r).toMatchObject({ phase: 'failed', terminal: true, resumable: true, failureDetail: FATAL });
    expect(r.failure).toContain("Load failed for table 'shop'.'orders'");
    expect(r.failure).not.toContain('replicationtask.c');
    const bare = interpretTask(task({ Status: 'failed' }), 'full-load');
    expect(bare.failure).toMatch(/without a message/);
  });

  it('running: full load until DMS reports it finished, then CDC (full-load-and-cdc)', () => {
    const loading = task({ Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 42, TablesLoading: 2, TablesQueued: 1 } });
    expect(interpretTask(loading, 'full-load-and-cdc')).toMatchObject({ phase: 'full-load', terminal: false, fullLoadPercent: 42 });
    const loaded = task({ Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 100, FullLoadFinishDate: new Date() } });
    expect(interpretTask(loaded, 'full-load-and-cdc').phase).toBe('cdc');
    expect(interpretTask(loaded, 'full-load').phase).toBe('full-load');
    expect(interpretTask(task({ Status: 'running' }), 'cdc').phase).toBe('cdc');
  });

  it('transitional and unusual states', () => {
    expect(interpretTask(task({ Status: 'starting' }), 'full-load').phase).toBe('starting');
    expect(interpretTask(task({ Status: 'stopping' }), 'full-load')).toMatchObject({ phase: 'stopping', terminal: false });
    for (const s of ['deleting', 'modifying', 'moving', 'testing']) expect(interpretTask(task({ Status: s }), 'full-load').phase).toBe('other');
    expect(interpretTask(task({ Status: 'failed-move' }), 'full-load').phase).toBe('failed');
  });

  it('humanFailure keeps a message without DMS trace untouched', () => {
    expect(humanFailure('Endpoint initialization failed.')).toBe('Endpoint initialization failed');
    expect(humanFailure(undefined)).toBeUndefined();
  });
});

const stat = (table: string, over: Partial<TableStatistics> = {}): TableStatistics => ({
  SchemaName: 'shop', TableName: table, TableState: 'Table completed', FullLoadRows: 100,
  Inserts: 1, Updates: 2, Deletes: 3, ValidationState: 'Validated', ValidationPendingRecords: 0, ValidationFailedRecords: 0, ...over,
});

describe('interpretTables', () => {
  it('per-table view and totals; all loaded when every table is "Table completed"', () => {
    const r = interpretTables([stat('members'), stat('orders', { FullLoadRows: 50 })]);
    expect(r.tables[0]).toEqual({
      schema: 'shop', table: 'members', state: 'Table completed', rowsLoaded: 100, inserts: 1, updates: 2, deletes: 3,
      validation: { state: 'Validated', pending: 0, failed: 0, suspended: 0 },
    });
    expect(r.totals).toMatchObject({ tables: 2, completed: 2, rowsLoaded: 150, inserts: 2, updates: 4, deletes: 6 });
    expect(r.allLoaded).toBe(true);
    expect(r.problems).toEqual([]);
  });

  it('loading, queued, pending validation: not all loaded, no problems', () => {
    const r = interpretTables([
      stat('a', { TableState: 'Full load', ValidationState: 'Pending validation' }),
      stat('b', { TableState: 'Before load', FullLoadRows: 0 }),
      stat('c', { ValidationState: 'Pending records', ValidationPendingRecords: 40 }),
    ]);
    expect(r.allLoaded).toBe(false);
    expect(r.totals).toMatchObject({ loading: 1, queued: 1, completed: 1, validationPending: 40 });
    expect(r.problems).toEqual([]);
    expect(interpretTables([]).allLoaded).toBe(false);
  });

  it('"Table error" is a problem naming the table and DMS\'s wording', () => {
    const r = interpretTables([stat('members'), stat('orders', { TableState: 'Table error', ValidationState: 'Table error' })]);
    expect(r.problems).toEqual([{ schema: 'shop', table: 'orders', message: 'DMS reports "Table error" for shop.orders' }]);
    expect(r.tables[1]!.error).toBe('DMS reports "Table error" for shop.orders');
    expect(r.totals.errored).toBe(1);
    expect(r.allLoaded).toBe(false);
  });

  it('validation mismatches and validation errors are problems, with counts and details', () => {
    const r = interpretTables([
      stat('items', { ValidationState: 'Mismatched records', ValidationFailedRecords: 7 }),
      stat('carts', { ValidationState: 'Error', ValidationStateDetails: 'Unexpected error in validator' }),
    ]);
    expect(r.allLoaded).toBe(true);
    expect(r.problems.map((p) => p.message)).toEqual([
      'validation of shop.items found 7 mismatched record(s) ("Mismatched records")',
      'validation of shop.carts failed ("Error") (Unexpected error in validator)',
    ]);
    expect(r.totals.validationFailed).toBe(7);
  });

  it('suspended records, no primary key and validation off are warnings, not problems', () => {
    const r = interpretTables([
      stat('a', { ValidationState: 'Suspended records', ValidationSuspendedRecords: 3 }),
      stat('b', { ValidationState: 'No primary key' }),
      stat('c', { ValidationState: 'Not enabled' }),
    ]);
    expect(r.problems).toEqual([]);
    expect(r.warnings.map((w) => w.table)).toEqual(['a', 'b', 'c']);
    expect(r.warnings[0]!.message).toContain('3 suspended');
  });
});

describe('cdcStable', () => {
  const s = (source: number, target: number) => ({ source, target });
  it('true only when the last `needed` samples are all within the threshold (source and target)', () => {
    expect(cdcStable([s(30, 31), s(4, 5), s(1, 2), s(2, 3)], 5, 3)).toBe(true);
    expect(cdcStable([s(1, 2), s(1, 6), s(1, 2)], 5, 3)).toBe(false);
    expect(cdcStable([s(1, 2), s(1, 2)], 5, 3)).toBe(false);
    expect(cdcStable([s(5, 5)], 5, 1)).toBe(true);
    expect(cdcStable([], 5, 0)).toBe(false);
    expect(cdcStable([s(Number.NaN, 1)], 5, 1)).toBe(false);
  });
});
