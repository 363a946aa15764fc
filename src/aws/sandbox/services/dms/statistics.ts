/**
 * DescribeTableStatistics: per-table full-load rows, table state, validation and CDC
 * counters. CDC counters are seeded small rates while CDC runs, unless the source tables
 * come from `ctx.hooks.sourceTables` (real data: no invented changes).
 */
import type { ServiceSimulator } from '../../types.js';
import { date, paginate, seeded } from '../sim-util.js';
import { cdcWindows, taskView, validationView } from './progress.js';
import { applyFilters, dmsErrors, requireTask } from './state.js';

export const statisticsHandlers: ServiceSimulator = {
  DescribeTableStatistics(input, ctx) {
    if (input.MaxRecords !== undefined && (input.MaxRecords < 20 || input.MaxRecords > 500)) {
      throw dmsErrors.value(`Invalid MaxRecords ${input.MaxRecords}: must be between 20 and 500.`);
    }
    const task = requireTask(ctx, input.ReplicationTaskArn);
    const view = taskView(ctx, task);
    const windows = cdcWindows(ctx, task);
    const cdcSeconds = windows.reduce((sum, w) => {
      const end = Math.min(w.end ?? view.effective, view.effective);
      return sum + Math.max(0, end - w.start) / 1000;
    }, 0);
    const invent = !ctx.hooks.sourceTables;
    const cdcActive = view.cdcStart !== undefined && view.cdcEnd === undefined;
    const rows = view.tables.map((t) => {
      const rate = (kind: string, max: number) => (invent ? seeded(`${t.key}/${kind}`, 0, max) / 1000 : 0);
      const inserts = Math.floor(cdcSeconds * rate('i', 20));
      const updates = Math.floor(cdcSeconds * rate('u', 30));
      const deletes = Math.floor(cdcSeconds * rate('d', 5));
      const v = validationView(ctx, task, t, view.effective);
      const last = cdcActive ? view.effective : (t.loadEnd ?? (t.loadedRows > 0 ? view.effective : undefined));
      return {
        SchemaName: t.schema,
        TableName: t.table,
        Inserts: inserts,
        Deletes: deletes,
        Updates: updates,
        Ddls: 0,
        AppliedInserts: inserts,
        AppliedDeletes: deletes,
        AppliedUpdates: updates,
        AppliedDdls: 0,
        FullLoadRows: t.state === 'Table completed' && t.loadEnd !== undefined ? t.rows : t.loadedRows,
        FullLoadCondtnlChkFailedRows: 0,
        FullLoadErrorRows: 0,
        FullLoadStartTime: t.loadStart !== undefined ? date(t.loadStart) : undefined,
        FullLoadEndTime: t.loadEnd !== undefined ? date(t.loadEnd) : undefined,
        FullLoadReloaded: t.reloaded,
        LastUpdateTime: last !== undefined ? date(last) : undefined,
        TableState: t.state,
        ValidationPendingRecords: v.pending,
        ValidationFailedRecords: v.failed,
        ValidationSuspendedRecords: 0,
        ValidationState: v.state,
      };
    });
    const list = applyFilters(rows, input.Filters, {
      'schema-name': (r) => r.SchemaName,
      'table-name': (r) => r.TableName,
      'table-state': (r) => r.TableState,
    });
    const page = paginate(list, input.MaxRecords, input.Marker);
    return { ReplicationTaskArn: task.arn, TableStatistics: page.items, Marker: page.marker };
  },
};
