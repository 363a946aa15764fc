/**
 * The ReplicationTaskSettings document DMS accepts: one table of sections and keys, each
 * section with the page of the DMS user guide it follows ("Specifying task settings for AWS
 * Database Migration Service tasks" and its subpages). A section or key not in this table, a
 * value of the wrong type or out of the documented range is refused on Create/
 * ModifyReplicationTask with InvalidParameterValueException naming the key.
 *
 * Sections DMS itself returns in a task's settings but promigrate never sets (TTSettings,
 * LoopbackPreventionSettings, CharacterSetSettings, BeforeImageSettings…) are accepted as
 * given, so that settings read back from DescribeReplicationTasks can be sent again.
 */
import { z } from 'zod';
import { TABLE_PREP_MODES } from '../../copy/prep-mode.js';

const bool = z.boolean();
const int = (min = 0, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const text = z.string().nullable();
const oneOf = <T extends string>(values: readonly [T, ...T[]]) => z.enum(values);
const section = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape).partial();

/** "Logging task settings": the component ids and severities DMS logs. */
const LOG_COMPONENTS = [
  'SOURCE_UNLOAD', 'SOURCE_CAPTURE', 'TARGET_LOAD', 'TARGET_APPLY', 'TASK_MANAGER', 'TRANSFORMATION', 'IO',
  'PERFORMANCE', 'SORTER', 'REST_SERVER', 'VALIDATOR_EXT', 'TABLES_MANAGER', 'METADATA_MANAGER', 'FILE_FACTORY',
  'COMMON', 'ADDONS', 'DATA_STRUCTURE', 'COMMUNICATION', 'FILE_TRANSFER',
] as const;
const SEVERITIES = [
  'LOGGER_SEVERITY_ERROR', 'LOGGER_SEVERITY_WARNING', 'LOGGER_SEVERITY_INFO', 'LOGGER_SEVERITY_DEFAULT',
  'LOGGER_SEVERITY_DEBUG', 'LOGGER_SEVERITY_DETAILED_DEBUG',
] as const;

/** "Error handling task settings": the actions each policy takes. */
const RECORD_POLICY = oneOf(['IGNORE_RECORD', 'LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK']);
const ESCALATION = oneOf(['SUSPEND_TABLE', 'STOP_TASK']);

const passThrough = z.record(z.string(), z.unknown()).nullable();

export const TASK_SETTINGS_SCHEMA = z.strictObject({
  // "Target metadata task settings": LOBs (InlineLobMaxSize 0–102,400 KB), LoadMaxFileSize
  // 0–100,000 KB, ParallelLoadBufferSize at most 1,000.
  TargetMetadata: section({
    TargetSchema: text,
    SupportLobs: bool,
    FullLobMode: bool,
    LobChunkSize: int(),
    LimitedSizeLobMode: bool,
    LobMaxSize: int(),
    InlineLobMaxSize: int(0, 102_400),
    LoadMaxFileSize: int(0, 100_000),
    ParallelLoadThreads: int(),
    ParallelLoadBufferSize: int(0, 1000),
    ParallelLoadQueuesPerThread: int(),
    ParallelApplyThreads: int(),
    ParallelApplyBufferSize: int(),
    ParallelApplyQueuesPerThread: int(),
    BatchApplyEnabled: bool,
    TaskRecoveryTableEnabled: bool,
  }),
  // "Full-load task settings": MaxFullLoadSubTasks "the default is 8; the maximum value is 49".
  FullLoadSettings: section({
    TargetTablePrepMode: oneOf(TABLE_PREP_MODES as unknown as readonly [string, ...string[]]),
    CreatePkAfterFullLoad: bool,
    StopTaskCachedChangesApplied: bool,
    StopTaskCachedChangesNotApplied: bool,
    MaxFullLoadSubTasks: int(1, 49),
    TransactionConsistencyTimeout: int(),
    CommitRate: int(1),
  }),
  // "Logging task settings". CloudWatchLogGroup/Stream are DMS's (refused on create, see taskSettings).
  Logging: section({
    EnableLogging: bool,
    EnableLogContext: bool,
    DeleteTaskLogs: bool,
    LogComponents: z.array(z.strictObject({ Id: oneOf(LOG_COMPONENTS), Severity: oneOf(SEVERITIES) })),
    LogConfiguration: passThrough,
    CloudWatchLogGroup: text,
    CloudWatchLogStream: text,
  }),
  // "Control table task settings".
  ControlTablesSettings: section({
    ControlSchema: text,
    HistoryTimeslotInMinutes: int(),
    HistoryTableEnabled: bool,
    SuspendedTablesTableEnabled: bool,
    StatusTableEnabled: bool,
    FullLoadExceptionTableEnabled: bool,
  }),
  // "Stream buffer task settings".
  StreamBufferSettings: section({
    StreamBufferCount: int(),
    StreamBufferSizeInMB: int(),
    CtrlStreamBufferSizeInMB: int(),
  }),
  // "Change processing tuning settings".
  ChangeProcessingTuning: section({
    BatchApplyPreserveTransaction: bool,
    BatchApplyTimeoutMin: int(),
    BatchApplyTimeoutMax: int(),
    BatchApplyMemoryLimit: int(),
    BatchSplitSize: int(),
    MinTransactionSize: int(),
    CommitTimeout: int(),
    MemoryLimitTotal: int(),
    MemoryKeepTime: int(),
    StatementCacheSize: int(),
    RecoveryTimeout: z.number().int().min(-1),
  }),
  // "Change processing DDL handling policy task settings".
  ChangeProcessingDdlHandlingPolicy: section({
    HandleSourceTableDropped: bool,
    HandleSourceTableTruncated: bool,
    HandleSourceTableAltered: bool,
  }),
  // "Error handling task settings": TableErrorEscalationPolicy's "only user setting is STOP_TASK";
  // RecoverableErrorCount -1 retries forever.
  ErrorBehavior: section({
    DataErrorPolicy: RECORD_POLICY,
    DataTruncationErrorPolicy: RECORD_POLICY,
    DataMaskingErrorPolicy: RECORD_POLICY,
    DataErrorEscalationPolicy: ESCALATION,
    DataErrorEscalationCount: int(),
    TableErrorPolicy: ESCALATION,
    TableErrorEscalationPolicy: oneOf(['STOP_TASK']),
    TableErrorEscalationCount: int(),
    RecoverableErrorCount: z.number().int().min(-1),
    RecoverableErrorInterval: int(),
    RecoverableErrorThrottling: bool,
    RecoverableErrorThrottlingMax: int(),
    RecoverableErrorStopRetryAfterThrottlingMax: bool,
    ApplyErrorDeletePolicy: RECORD_POLICY,
    ApplyErrorInsertPolicy: oneOf(['IGNORE_RECORD', 'LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK', 'INSERT_RECORD']),
    ApplyErrorUpdatePolicy: oneOf(['IGNORE_RECORD', 'LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK', 'UPDATE_RECORD']),
    ApplyErrorEscalationPolicy: oneOf(['LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK']),
    ApplyErrorEscalationCount: int(),
    ApplyErrorFailOnTruncationDdl: bool,
    FailOnNoTablesCaptured: bool,
    FailOnTransactionConsistencyBreached: bool,
    FullLoadIgnoreConflicts: bool,
    EventErrorPolicy: oneOf(['IGNORE', 'STOP_TASK']),
  }),
  // "Data validation task settings".
  ValidationSettings: section({
    EnableValidation: bool,
    ValidationMode: oneOf(['ROW_LEVEL', 'GROUP_LEVEL']),
    ThreadCount: int(1),
    PartitionSize: int(1),
    FailureMaxCount: int(),
    RecordFailureDelayInMinutes: int(),
    RecordFailureDelayLimitInMinutes: int(),
    RecordSuspendDelayInMinutes: int(),
    MaxKeyColumnSize: int(),
    TableFailureMaxCount: int(),
    ValidationOnly: bool,
    HandleCollationDiff: bool,
    SkipLobColumns: bool,
    ValidationPartialLobSize: int(),
    ValidationQueryCdcDelaySeconds: int(),
    ValidationS3Mode: text,
    ValidationS3Location: text,
    ValidationS3Time: text,
  }),
  TTSettings: passThrough,
  LoopbackPreventionSettings: passThrough,
  CharacterSetSettings: passThrough,
  BeforeImageSettings: passThrough,
  PostProcessingRules: passThrough,
  FailTaskWhenCleanTaskResourceFailed: bool,
}).partial();

/** The first problem in a settings document, naming its key (`FullLoadSettings.MaxFullLoadSubTasks`), or undefined. */
export function taskSettingsProblem(doc: unknown): string | undefined {
  const parsed = TASK_SETTINGS_SCHEMA.safeParse(doc);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const key = [...path, issue.keys[0]!].join('.');
    return path.length === 0 ? `Unknown task settings section ${key}.` : `Unknown task setting ${key}.`;
  }
  const key = path.filter((p) => !/^\d+$/.test(p)).join('.');
  const value = path.reduce<any>((v, p) => (v == null ? v : v[p]), doc);
  if (issue.code === 'invalid_value') return `Invalid value ${JSON.stringify(value)} for ${key}: must be one of ${issue.values.join(', ')}.`;
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    const min = issue.code === 'too_small' ? issue.minimum : undefined;
    const max = issue.code === 'too_big' ? issue.maximum : undefined;
    return `Invalid value ${JSON.stringify(value)} for ${key}: must be ${min !== undefined ? `at least ${min}` : `at most ${max}`}.`;
  }
  if (issue.code === 'invalid_type') return `Invalid value ${JSON.stringify(value)} for ${key}: expected ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}.`;
  return `Invalid value ${JSON.stringify(value)} for ${key}: ${issue.message}.`;
}
