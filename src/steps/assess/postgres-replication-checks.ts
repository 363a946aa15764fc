/**
 * Replication capacity, decoding plugin and WAL retention of a PostgreSQL DMS source. AWS DMS
 * User Guide, "Using a PostgreSQL database as an AWS DMS source": one replication slot per
 * task (slots stay after a task stops and must be dropped by hand), max_wal_senders bounds
 * the concurrent tasks, and DMS decodes with pglogical when it is available, else test_decoding.
 */
import { settingNumber } from '../../db/postgres.js';
import { BUDGET_MARGIN_SECONDS, BUDGET_SAFETY_FACTOR, estimateFullLoadSeconds } from './budget.js';
import type { Finding } from './finding.js';
import { mb, serverFix, settingText, settingValue, sqlFix, type PgCheckContext } from './postgres-fixes.js';

const LONG_TRANSACTION_SECONDS = 300;

export async function replicationCapacityFindings(ctx: PgCheckContext): Promise<Finding[]> {
  const out: Finding[] = [];
  const tasks = ctx.inventory.databases.length;
  const slots = await ctx.db.replicationSlots();
  const senders = await ctx.db.activeWalSenders();

  const maxSlots = settingValue(ctx, 'max_replication_slots');
  if (maxSlots !== undefined && maxSlots < slots.length + tasks) {
    const want = Math.max(10, slots.length + tasks);
    out.push({
      id: 'postgres.max-replication-slots',
      severity: 'blocker',
      object: 'server',
      title: 'Not enough free replication slots for the DMS tasks',
      evidence: `max_replication_slots = ${maxSlots}; ${slots.length} slot(s) exist${slots.length ? ` (${slots.map((s) => s.name).join(', ')})` : ''}; DMS needs ${tasks} more (one per task)`,
      fix: `Set max_replication_slots to at least ${slots.length + tasks} (${want} suggested) and restart PostgreSQL, or drop slots nothing uses.`,
      fixLines: serverFix(ctx.rds, [`max_replication_slots = ${want}`]),
    });
  }

  const maxSenders = settingValue(ctx, 'max_wal_senders');
  if (maxSenders !== undefined && maxSenders < senders + tasks) {
    const want = Math.max(10, senders + tasks);
    out.push({
      id: 'postgres.max-wal-senders',
      severity: 'blocker',
      object: 'server',
      title: 'Not enough WAL senders for the DMS tasks',
      evidence: `max_wal_senders = ${maxSenders}; ${senders} in use; DMS needs ${tasks} more (one per running task)`,
      fix: `Set max_wal_senders to at least ${senders + tasks} (${want} suggested) and restart PostgreSQL.`,
      fixLines: serverFix(ctx.rds, [`max_wal_senders = ${want}`]),
    });
  }

  for (const slot of slots.filter((s) => !s.active)) {
    out.push({
      id: `postgres.inactive-replication-slot:${slot.name}`,
      severity: 'warning',
      object: `slot ${slot.name}`,
      title: 'An inactive replication slot keeps WAL and takes a slot',
      evidence: `${slot.type} slot ${slot.name}${slot.plugin ? ` (${slot.plugin})` : ''} is inactive${slot.retainedBytes !== null ? ` and retains ${mb(slot.retainedBytes)} of WAL` : ''}`,
      fix: 'Drop it if nothing uses it any more (a stopped DMS task leaves its slot behind).',
      fixLines: sqlFix(`SELECT pg_drop_replication_slot('${slot.name.replace(/'/g, "''")}');  -- only if nothing uses it`),
    });
  }

  const open = ctx.inventory.version.major >= 10 ? await ctx.db.openTransactions(LONG_TRANSACTION_SECONDS) : [];
  if (open.length > 0) {
    out.push({
      id: 'postgres.long-running-transactions',
      severity: 'warning',
      object: 'server',
      title: 'Long-running transactions are open',
      evidence: open.map((t) => `pid ${t.pid} (${t.user ?? '?'}, ${t.state ?? '?'}) open ${Math.round(t.seconds / 60)} min`).join('; '),
      fix: 'Creating the DMS replication slot waits until every open transaction ends, and their WAL stays on disk: end them (or the idle sessions holding them) before starting the migration.',
    });
  }
  return out;
}

export async function decodingPluginFindings(ctx: PgCheckContext): Promise<Finding[]> {
  const pglogical = (await ctx.db.extensions()).find((e) => e.name === 'pglogical');
  const libraries = settingText(ctx, 'shared_preload_libraries') ?? '';
  const preloaded = libraries.split(',').map((s) => s.trim()).includes('pglogical');
  const state = pglogical?.installedVersion ? `installed (${pglogical.installedVersion})` : pglogical ? 'available, not created' : 'not available';
  const base = { id: 'postgres.logical-decoding-plugin', object: 'server', evidence: `pglogical extension ${state}; shared_preload_libraries = '${libraries}'` };
  if (pglogical?.installedVersion && preloaded) {
    return [{ ...base, severity: 'info', title: 'DMS will decode with pglogical', fix: 'Nothing to do; PluginName=TEST_DECODING on the source endpoint would select test_decoding instead.' }];
  }
  if (pglogical?.installedVersion) {
    return [{
      ...base,
      severity: 'warning',
      title: 'pglogical is installed but not preloaded',
      fix: 'DMS picks pglogical when the extension exists, and pglogical must be in shared_preload_libraries: add it and restart, or set PluginName=TEST_DECODING on the DMS source endpoint.',
      fixLines: serverFix(ctx.rds, [`shared_preload_libraries = '${[libraries, 'pglogical'].filter(Boolean).join(',')}'`]),
    }];
  }
  return [{
    ...base,
    severity: 'info',
    title: 'DMS will decode with test_decoding',
    fix: `test_decoding ships with PostgreSQL's contrib modules${ctx.rds ? ' (RDS has it)' : '; make sure they are installed on the source server'}.`,
  }];
}

/**
 * The PostgreSQL side of the retention budget: the DMS slot keeps WAL from the start of the
 * full load until CDC has read it, unless max_slot_wal_keep_size (13+) invalidates the slot
 * first. The WAL rate is the average since the statistics were reset (pg_stat_wal, 14+).
 */
export async function walRetentionFindings(ctx: PgCheckContext): Promise<Finding[]> {
  const keep = ctx.settings.get('max_slot_wal_keep_size');
  if (!keep) return [];
  const keepBytes = keep.setting === '-1' ? undefined : settingNumber(keep);
  const rate = await ctx.db.walBytesPerSecond();
  // The slot holds WAL only until DMS reads it: no 24 h floor as for MySQL binlogs.
  const seconds = estimateFullLoadSeconds(ctx.inventory.totals.bytes) * BUDGET_SAFETY_FACTOR + BUDGET_MARGIN_SECONDS;
  const needed = rate === undefined ? undefined : Math.ceil(rate * seconds);
  const window = `${(seconds / 3600).toFixed(1)} h (full load of ${mb(ctx.inventory.totals.bytes)} + margin)`;
  const evidence = `max_slot_wal_keep_size = ${keepBytes === undefined ? '-1 (unlimited)' : mb(keepBytes)}; ${
    rate === undefined ? 'WAL rate unknown' : `average WAL ${mb(rate)}/s → ${mb(needed ?? 0)} over ${window}`
  }`;
  if (keepBytes === undefined) {
    if (needed === undefined) return [];
    return [{
      id: 'postgres.wal-retention',
      severity: 'info',
      object: 'server',
      title: 'WAL the DMS slot will keep during the full load',
      evidence,
      fix: `Make sure the file system holding pg_wal has at least ${mb(needed)} free for the migration.`,
    }];
  }
  if (needed !== undefined && keepBytes >= needed) return [];
  return [{
    id: 'postgres.wal-retention',
    severity: needed === undefined ? 'warning' : 'blocker',
    object: 'server',
    title: 'max_slot_wal_keep_size may invalidate the DMS slot',
    evidence,
    fix: 'PostgreSQL invalidates a slot that holds more WAL than max_slot_wal_keep_size, and the DMS task then needs a new full load: lift the limit for the migration.',
    fixLines: serverFix(ctx.rds, ['max_slot_wal_keep_size = -1']),
  }];
}
