/**
 * DMS table mappings and task settings: parsing and validation (with the messages DMS
 * uses), table selection with `%`/`_` wildcards, and the table list a task works on.
 */
import type { TablePrepMode } from '../../copy/prep-mode.js';
import type { SimContext } from '../../types.js';
import { likePattern, seeded } from '../sim-util.js';
import { dmsErrors, type EndpointRec, type TableSpec } from './state.js';
import { taskSettingsProblem } from './task-settings-schema.js';

export interface SelectionRule {
  id: string;
  action: 'include' | 'exclude' | 'explicit';
  schema: string;
  table: string;
}

/** Sandbox test affordances: tables with these names fail / mismatch when the task reaches them. */
export const FAIL_TABLE = '__promigrate_fail__';
export const MISMATCH_TABLE = '__promigrate_mismatch__';

const RULE_TYPES = ['selection', 'transformation', 'table-settings', 'post-processing'];
const ruleError = (id: string, why: string) =>
  dmsErrors.value(`Error in mapping rules. Rule with ruleId = ${id} failed validation. ${why}`);

/**
 * "Transformation rules and actions" (DMS user guide): the targets and actions of a
 * transformation rule, which actions need `value` (and `old-value`), and which need a column.
 */
const TRANSFORMATION_TARGETS = ['schema', 'table', 'column', 'table-tablespace', 'index-tablespace'];
const TRANSFORMATION_ACTIONS = [
  'rename', 'remove-column', 'convert-lowercase', 'convert-uppercase', 'add-prefix', 'remove-prefix', 'replace-prefix',
  'add-suffix', 'remove-suffix', 'replace-suffix', 'define-primary-key', 'change-data-type', 'add-column',
  'include-column', 'exclude-column', 'add-before-image-columns',
];
const NEEDS_VALUE = ['rename', 'add-prefix', 'remove-prefix', 'replace-prefix', 'add-suffix', 'remove-suffix', 'replace-suffix', 'add-column'];
const NEEDS_OLD_VALUE = ['replace-prefix', 'replace-suffix'];
const COLUMN_ONLY = ['remove-column', 'change-data-type', 'include-column', 'exclude-column'];

function checkTransformation(id: string, raw: Record<string, any>): void {
  const target = raw['rule-target'];
  if (target === undefined || target === null || target === '') throw ruleError(id, 'rule-target cannot be null');
  if (!TRANSFORMATION_TARGETS.includes(target)) throw ruleError(id, `Invalid rule target: ${target}`);
  const action = raw['rule-action'];
  if (!TRANSFORMATION_ACTIONS.includes(action)) throw ruleError(id, `Invalid rule action: ${action}`);
  const locator = raw['object-locator'];
  if (!locator || typeof locator !== 'object') throw ruleError(id, 'object locator cannot be null');
  if (!locator['schema-name']) throw ruleError(id, 'schema name cannot be null');
  if (target !== 'schema' && !locator['table-name']) throw ruleError(id, 'table name cannot be null');
  if (target === 'column' && action !== 'add-column' && !locator['column-name']) throw ruleError(id, 'column name cannot be null');
  if (COLUMN_ONLY.includes(action) && target !== 'column') throw ruleError(id, `rule action ${action} requires rule-target column`);
  if (NEEDS_VALUE.includes(action) && (raw.value === undefined || raw.value === null || raw.value === '')) {
    throw ruleError(id, `value cannot be null for rule action ${action}`);
  }
  if (NEEDS_OLD_VALUE.includes(action) && (raw['old-value'] === undefined || raw['old-value'] === null)) {
    throw ruleError(id, `old-value cannot be null for rule action ${action}`);
  }
}

/**
 * "Using table mapping to specify task settings": every rule has a unique rule-id (and a
 * unique rule-name when it has one) and a known rule-type; selection rules name an
 * object-locator and an action; transformations are checked by checkTransformation. A
 * mapping must include something: at least one selection rule with include or explicit.
 */
export function parseTableMappings(text: unknown): SelectionRule[] {
  let doc: unknown;
  try {
    doc = JSON.parse(String(text ?? ''));
  } catch (e) {
    throw dmsErrors.value(`Invalid Table Mappings document. Invalid json ${(e as Error).message}`);
  }
  const rules = (doc as { rules?: unknown })?.rules;
  if (!Array.isArray(rules)) throw dmsErrors.value('Invalid Table Mappings document. Missing rules array.');
  const seen = new Set<string>();
  const names = new Set<string>();
  const selection: SelectionRule[] = [];
  for (const raw of rules as Array<Record<string, any>>) {
    const id = String(raw?.['rule-id'] ?? '');
    if (!id) throw dmsErrors.value('Error in mapping rules. rule-id cannot be null');
    if (seen.has(id)) throw ruleError(id, 'Rule id must be unique.');
    seen.add(id);
    const name = raw['rule-name'];
    if (name !== undefined && name !== null && name !== '') {
      if (names.has(String(name))) throw ruleError(id, 'Rule name must be unique.');
      names.add(String(name));
    }
    const type = raw['rule-type'];
    if (!RULE_TYPES.includes(type)) throw ruleError(id, `Invalid rule type: ${type}`);
    if (type === 'transformation') checkTransformation(id, raw);
    if (type !== 'selection') continue;
    const locator = raw['object-locator'];
    if (!locator || typeof locator !== 'object') throw ruleError(id, 'object locator cannot be null');
    const action = raw['rule-action'];
    if (!['include', 'exclude', 'explicit'].includes(action)) throw ruleError(id, `Invalid rule action: ${action}`);
    if (!locator['schema-name']) throw ruleError(id, 'schema name cannot be null');
    selection.push({ id, action, schema: String(locator['schema-name']), table: String(locator['table-name'] ?? '%') });
  }
  if (!selection.some((r) => r.action !== 'exclude')) {
    throw dmsErrors.value('Error in mapping rules. At least one selection rule is required.');
  }
  return selection;
}

const matches = (rule: SelectionRule, t: { schema: string; table: string }) =>
  rule.action === 'explicit'
    ? rule.schema === t.schema && rule.table === t.table
    : likePattern(rule.schema).test(t.schema) && likePattern(rule.table).test(t.table);

export function selectTables(all: TableSpec[], rules: SelectionRule[]): TableSpec[] {
  const includes = rules.filter((r) => r.action !== 'exclude');
  const excludes = rules.filter((r) => r.action === 'exclude');
  return all.filter((t) => includes.some((r) => matches(r, t)) && !excludes.some((r) => matches(r, t)));
}

const SAMPLE_TABLES = ['members', 'board', 'products', 'orders', 'order_items'];
// Underscores are so common in real names that only `%` makes a fallback name a pattern.
const hasWildcard = (s: string) => s.includes('%');
const unescape = (s: string) => s.replace(/\[_\]/g, '_');

/**
 * What the source holds: `ctx.hooks.sourceTables`, else a plausible list derived from the
 * mapping (explicit names as written; wildcards filled with shop-like sample tables), with
 * seeded row counts. Tables the mapping names FAIL_TABLE / MISMATCH_TABLE always exist.
 */
export function sourceTables(ctx: SimContext, source: EndpointRec, rules: SelectionRule[]): TableSpec[] {
  const fromHook = ctx.hooks.sourceTables?.(source.arn, {
    engineName: source.engineName,
    serverName: source.serverName,
    port: source.port,
    databaseName: source.databaseName,
  });
  const defaultSchema = source.engineName.includes('postgres') ? 'public' : (source.databaseName ?? 'shop');
  const out: TableSpec[] = fromHook ? [...fromHook] : [];
  const add = (schema: string, table: string) => {
    if (!out.some((t) => t.schema === schema && t.table === table)) {
      out.push({ schema, table, rows: seeded(`${schema}.${table}`, 500, 250_000) });
    }
  };
  for (const r of rules) {
    if (r.action === 'exclude') continue;
    const schema = hasWildcard(r.schema) ? defaultSchema : unescape(r.schema);
    const table = unescape(r.table);
    if (table === FAIL_TABLE || table === MISMATCH_TABLE) add(schema, table);
    if (fromHook) continue;
    if (!hasWildcard(r.table) || r.action === 'explicit') {
      add(schema, table);
    } else {
      const pattern = likePattern(r.table);
      const samples = SAMPLE_TABLES.filter((t) => pattern.test(t));
      if (samples.length) samples.forEach((t) => add(schema, t));
      else add(schema, unescape(r.table).replace(/%/g, 'data'));
    }
  }
  return out;
}

const DEFAULT_SETTINGS = {
  TargetMetadata: {
    TargetSchema: '', SupportLobs: true, FullLobMode: false, LobChunkSize: 64, LimitedSizeLobMode: true,
    LobMaxSize: 32, InlineLobMaxSize: 0, LoadMaxFileSize: 0, ParallelLoadThreads: 0, ParallelLoadBufferSize: 0,
    BatchApplyEnabled: false, TaskRecoveryTableEnabled: false, ParallelApplyThreads: 0,
  },
  FullLoadSettings: {
    TargetTablePrepMode: 'DROP_AND_CREATE', CreatePkAfterFullLoad: false, StopTaskCachedChangesApplied: false,
    StopTaskCachedChangesNotApplied: false, MaxFullLoadSubTasks: 8, TransactionConsistencyTimeout: 600, CommitRate: 10000,
  },
  Logging: { EnableLogging: false, LogComponents: [] as unknown[] },
  ControlTablesSettings: {
    ControlSchema: '', HistoryTimeslotInMinutes: 5, HistoryTableEnabled: false, SuspendedTablesTableEnabled: false,
    StatusTableEnabled: false, FullLoadExceptionTableEnabled: false,
  },
  StreamBufferSettings: { StreamBufferCount: 3, StreamBufferSizeInMB: 8, CtrlStreamBufferSizeInMB: 5 },
  ChangeProcessingDdlHandlingPolicy: { HandleSourceTableDropped: true, HandleSourceTableTruncated: true, HandleSourceTableAltered: true },
  ErrorBehavior: { DataErrorPolicy: 'LOG_ERROR', TableErrorPolicy: 'SUSPEND_TABLE', RecoverableErrorCount: -1, FullLoadIgnoreConflicts: true },
  ChangeProcessingTuning: {
    BatchApplyPreserveTransaction: true, BatchApplyTimeoutMin: 1, BatchApplyTimeoutMax: 30, BatchApplyMemoryLimit: 500,
    BatchSplitSize: 0, MinTransactionSize: 1000, CommitTimeout: 1, MemoryLimitTotal: 1024, MemoryKeepTime: 60, StatementCacheSize: 50,
  },
  ValidationSettings: {
    EnableValidation: false, ValidationMode: 'ROW_LEVEL', ThreadCount: 5, PartitionSize: 10000, FailureMaxCount: 10000,
    RecordFailureDelayInMinutes: 5, RecordSuspendDelayInMinutes: 30, MaxKeyColumnSize: 8096, TableFailureMaxCount: 1000,
    ValidationOnly: false, HandleCollationDiff: false, RecordFailureDelayLimitInMinutes: 0, SkipLobColumns: false,
    ValidationPartialLobSize: 0, ValidationQueryCdcDelaySeconds: 0,
  },
};

function deepMerge(base: any, over: any): any {
  if (Array.isArray(over) || typeof over !== 'object' || over === null) return over;
  const out: Record<string, unknown> = { ...(typeof base === 'object' && base ? base : {}) };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out;
}

/** The full settings document DMS stores for a task (defaults overlaid with the caller's). */
export function taskSettings(text: unknown, instanceId: string, taskResourceId: string): string {
  let user: Record<string, any> = {};
  if (text !== undefined && text !== null && text !== '') {
    try {
      user = JSON.parse(String(text));
    } catch (e) {
      throw dmsErrors.value(`Invalid task settings JSON: ${(e as Error).message}`);
    }
    if (typeof user !== 'object' || user === null || Array.isArray(user)) {
      throw dmsErrors.value('Invalid task settings JSON: expected an object');
    }
  }
  if (user.Logging?.CloudWatchLogGroup || user.Logging?.CloudWatchLogStream) {
    throw dmsErrors.value('Task Settings CloudWatchLogGroup or CloudWatchLogStream cannot be set on create.');
  }
  const problem = taskSettingsProblem(user);
  if (problem) throw dmsErrors.value(`Invalid task settings: ${problem}`);
  const merged = deepMerge(DEFAULT_SETTINGS, user);
  if (merged.Logging.EnableLogging) {
    merged.Logging.CloudWatchLogGroup = `dms-tasks-${instanceId}`;
    merged.Logging.CloudWatchLogStream = `dms-task-${taskResourceId}`;
  }
  return JSON.stringify(merged);
}

export function settingsOf(task: { settings: string }): { maxSubTasks: number; validation: boolean } {
  const s = JSON.parse(task.settings);
  return {
    maxSubTasks: s.FullLoadSettings?.MaxFullLoadSubTasks ?? 8,
    validation: Boolean(s.ValidationSettings?.EnableValidation),
  };
}

export type StopAfterFullLoad = 'STOPPED_AFTER_FULL_LOAD' | 'STOPPED_AFTER_CACHED_EVENTS';

export interface LoadSettings {
  prepMode: TablePrepMode;
  /**
   * Limited LOB mode's LobMaxSize (KB). "Target metadata task settings": with SupportLobs one
   * of FullLobMode, InlineLobMaxSize (which sends larger LOBs in full LOB mode) or
   * LimitedSizeLobMode is set; only the last cuts LOBs.
   */
  lobMaxSizeKb?: number;
  /**
   * "Full-load task settings", for full-load-and-CDC tasks: StopTaskCachedChangesNotApplied
   * stops the task before the cached changes are applied, StopTaskCachedChangesApplied right
   * after; DescribeReplicationTasks' StopReason names them STOPPED_AFTER_FULL_LOAD and
   * STOPPED_AFTER_CACHED_EVENTS.
   */
  stopAfterFullLoad?: StopAfterFullLoad;
}

export function loadSettingsOf(task: { settings: string; migrationType: string }): LoadSettings {
  const s = JSON.parse(task.settings);
  const meta = s.TargetMetadata ?? {};
  const full = s.FullLoadSettings ?? {};
  const limited = meta.SupportLobs !== false && !meta.FullLobMode && meta.LimitedSizeLobMode && Number(meta.LobMaxSize) > 0;
  const stop: StopAfterFullLoad | undefined = task.migrationType !== 'full-load-and-cdc'
    ? undefined
    : full.StopTaskCachedChangesNotApplied ? 'STOPPED_AFTER_FULL_LOAD'
      : full.StopTaskCachedChangesApplied ? 'STOPPED_AFTER_CACHED_EVENTS' : undefined;
  return {
    prepMode: full.TargetTablePrepMode ?? 'DROP_AND_CREATE',
    ...(limited ? { lobMaxSizeKb: Number(meta.LobMaxSize) } : {}),
    ...(stop ? { stopAfterFullLoad: stop } : {}),
  };
}
