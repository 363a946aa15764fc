/**
 * DMS ReplicationTaskSettings from the versioned template `templates/dms/task-settings.v2.json`
 * with the config's LOB mode and validation applied, plus warnings about data DMS would cut.
 */
import type { MigrationConfig } from '../../config/schema.js';
import type { Inventory } from '../../db/types.js';
import { UsageError } from '../../errors.js';
import { loadTemplate } from '../../migration/templates.js';

export const TASK_SETTINGS_TEMPLATE = { name: 'dms/task-settings', version: 2 } as const;

/**
 * DMS's ceiling for LobMaxSize in limited mode (CHAP_Tasks.LOBSupport: 102400 KB). The same
 * ceiling is applied to InlineLobMaxSize: an inline threshold above what limited mode can hold
 * buys nothing and DMS documents no larger value for it consistently.
 */
export const MAX_LOB_SIZE_KB = 102_400;
/** DMS's recommended chunk for full LOB mode; larger chunks can fail the task. */
export const LOB_CHUNK_SIZE_KB = 64;

export interface TargetMetadata {
  SupportLobs: boolean;
  FullLobMode: boolean;
  LobChunkSize: number;
  LimitedSizeLobMode: boolean;
  LobMaxSize: number;
  InlineLobMaxSize: number;
  [key: string]: unknown;
}

export interface TaskSettingsDocument {
  TargetMetadata: TargetMetadata;
  FullLoadSettings: {
    TargetTablePrepMode: 'DO_NOTHING' | 'DROP_AND_CREATE' | 'TRUNCATE_BEFORE_LOAD';
    StopTaskCachedChangesNotApplied: boolean;
    [key: string]: unknown;
  };
  Logging: { EnableLogging: boolean; LogComponents: Array<{ Id: string; Severity: string }> };
  ValidationSettings: { EnableValidation: boolean; ValidationPartialLobSize: number; [key: string]: unknown };
  [section: string]: unknown;
}

interface SettingsTemplate {
  templateVersion: 2;
  settings: TaskSettingsDocument;
}

export interface TaskSettings {
  /** The document for CreateReplicationTask's ReplicationTaskSettings. */
  json: string;
  settings: TaskSettingsDocument;
  warnings: string[];
}

export type SettingsConfig = Pick<MigrationConfig, 'dms'>;

/**
 * @param inventory      the assessed inventory: LOB warnings are given only when it has LOB columns
 * @param largestLobBytes the largest LOB value assess measured, when it did, in the bytes DMS moves
 *                        (PostgreSQL text/json/jsonb travel as NCLOB: twice their size, as assess counts)
 */
export function buildTaskSettings(config: SettingsConfig, inventory?: Inventory, largestLobBytes?: number): TaskSettings {
  const { lobMode, lobMaxSizeKb, validation } = config.dms;
  checkLobSize(lobMode, lobMaxSizeKb);
  const { settings } = loadTemplate<SettingsTemplate>(TASK_SETTINGS_TEMPLATE.name, TASK_SETTINGS_TEMPLATE.version);
  // SupportLobs stays true in every mode: false would make DMS skip LOB columns altogether.
  const lob: Pick<TargetMetadata, 'SupportLobs' | 'FullLobMode' | 'LobChunkSize' | 'LimitedSizeLobMode' | 'LobMaxSize' | 'InlineLobMaxSize'> =
    lobMode === 'limited'
      ? { SupportLobs: true, FullLobMode: false, LobChunkSize: LOB_CHUNK_SIZE_KB, LimitedSizeLobMode: true, LobMaxSize: lobMaxSizeKb, InlineLobMaxSize: 0 }
      : lobMode === 'full'
        ? { SupportLobs: true, FullLobMode: true, LobChunkSize: LOB_CHUNK_SIZE_KB, LimitedSizeLobMode: false, LobMaxSize: 0, InlineLobMaxSize: 0 }
        : // Inline: LOBs up to the threshold travel with the row, larger ones in full LOB mode.
          { SupportLobs: true, FullLobMode: true, LobChunkSize: LOB_CHUNK_SIZE_KB, LimitedSizeLobMode: false, LobMaxSize: 0, InlineLobMaxSize: lobMaxSizeKb };
  Object.assign(settings.TargetMetadata, lob);
  // The pause between full load and cached changes is where sync builds the secondary
  // indexes (templates/dms/task-settings.v2.json notes); DMS offers it only with CDC.
  settings.FullLoadSettings.StopTaskCachedChangesNotApplied = config.dms.migrationType === 'full-load-and-cdc';
  settings.ValidationSettings.EnableValidation = validation;
  // DMS validates limited LOBs only up to ValidationPartialLobSize; it must equal LobMaxSize.
  settings.ValidationSettings.ValidationPartialLobSize = validation && lobMode === 'limited' ? lobMaxSizeKb : 0;
  return { json: JSON.stringify(settings, null, 2), settings, warnings: lobWarnings(config, inventory, largestLobBytes) };
}

function checkLobSize(lobMode: string, lobMaxSizeKb: number): void {
  if (lobMode === 'full') return;
  if (!Number.isInteger(lobMaxSizeKb) || lobMaxSizeKb < 1 || lobMaxSizeKb > MAX_LOB_SIZE_KB) {
    const what = lobMode === 'inline' ? 'InlineLobMaxSize' : 'LobMaxSize';
    throw new UsageError(`dms.lobMaxSizeKb = ${lobMaxSizeKb} is not supported with dms.lobMode: ${lobMode} (DMS ${what}: 1 to ${MAX_LOB_SIZE_KB} KB)`, {
      hint: lobMode === 'inline' ? `Lower dms.lobMaxSizeKb to at most ${MAX_LOB_SIZE_KB}, or use dms.lobMode: full.` : `Set dms.lobMaxSizeKb between 1 and ${MAX_LOB_SIZE_KB}, or use dms.lobMode: inline or full.`,
    });
  }
}

const kb = (bytes: number) => Math.ceil(bytes / 1024);

function lobWarnings(config: SettingsConfig, inventory: Inventory | undefined, largestLobBytes: number | undefined): string[] {
  const { lobMode, lobMaxSizeKb } = config.dms;
  if (lobMode !== 'limited') return [];
  const lobColumns = inventory ? inventory.tables.reduce((n, t) => n + t.columns.filter((c) => c.isLob).length, 0) : undefined;
  if (lobColumns === 0) return [];
  if (largestLobBytes === undefined) {
    if (lobColumns === undefined) return [];
    return [
      `${lobColumns} LOB column(s) and their largest value was not measured: dms.lobMode limited truncates values above dms.lobMaxSizeKb = ${lobMaxSizeKb} KB. Run promigrate assess to measure, or use dms.lobMode: inline.`,
    ];
  }
  if (largestLobBytes <= lobMaxSizeKb * 1024) return [];
  const needed = kb(largestLobBytes);
  const fix =
    needed <= MAX_LOB_SIZE_KB
      ? `raise dms.lobMaxSizeKb to at least ${needed}, or use dms.lobMode: inline`
      : `use dms.lobMode: inline or full (limited mode holds at most ${MAX_LOB_SIZE_KB} KB)`;
  return [`The largest LOB in the source is ${needed} KB but dms.lobMode limited keeps only ${lobMaxSizeKb} KB: DMS would truncate it. To keep it, ${fix}.`];
}
