import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { buildTaskSettings } from '../../../src/steps/sync/settings.js';
import { findPackageRoot } from '../../../src/migration/templates.js';
import { config, inventory, table } from './mapping-fixtures.js';

const template = () => JSON.parse(readFileSync(join(findPackageRoot(), 'templates/dms/task-settings.v2.json'), 'utf8')).settings;
const withLobs = inventory([table('shop', 'posts', true), table('shop', 'users')]);
const noLobs = inventory([table('shop', 'users')]);

describe('buildTaskSettings', () => {
  it('defaults: the template with limited LOBs of 32 KB, validation on, logging on', () => {
    const { settings, json, warnings } = buildTaskSettings(config());
    const expected = template();
    expected.ValidationSettings.ValidationPartialLobSize = 32;
    expect(settings).toEqual(expected);
    expect(JSON.parse(json)).toEqual(settings);
    expect(warnings).toEqual([]);
    expect(settings.TargetMetadata).toMatchObject({ SupportLobs: true, FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 32, InlineLobMaxSize: 0 });
    expect(settings.FullLoadSettings).toMatchObject({ TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD', StopTaskCachedChangesApplied: false, MaxFullLoadSubTasks: 8 });
    expect(settings.ValidationSettings.EnableValidation).toBe(true);
    expect(settings.Logging.EnableLogging).toBe(true);
    expect(settings.Logging.LogComponents.map((c) => c.Id)).toEqual(['SOURCE_UNLOAD', 'TARGET_LOAD', 'SOURCE_CAPTURE', 'TARGET_APPLY', 'TASK_MANAGER']);
    expect(new Set(settings.Logging.LogComponents.map((c) => c.Severity))).toEqual(new Set(['LOGGER_SEVERITY_DEFAULT']));
  });

  it('full-load-and-cdc pauses after the full load for the index build; a full-load-only task does not (DMS offers the pause with CDC only)', () => {
    expect(buildTaskSettings(config()).settings.FullLoadSettings).toMatchObject({ StopTaskCachedChangesNotApplied: true, StopTaskCachedChangesApplied: false });
    expect(buildTaskSettings(config({ migrationType: 'full-load' })).settings.FullLoadSettings.StopTaskCachedChangesNotApplied).toBe(false);
  });

  it('the JSON carries only the DMS document, not the template wrapper', () => {
    const doc = JSON.parse(buildTaskSettings(config()).json);
    expect(doc).not.toHaveProperty('templateVersion');
    expect(doc).not.toHaveProperty('notes');
    expect(Object.keys(doc)).toEqual(['TargetMetadata', 'FullLoadSettings', 'Logging', 'ErrorBehavior', 'ChangeProcessingTuning', 'ValidationSettings']);
  });

  it('limited mode uses lobMaxSizeKb for LobMaxSize and ValidationPartialLobSize', () => {
    const { settings } = buildTaskSettings(config({ lobMode: 'limited', lobMaxSizeKb: 2048 }));
    expect(settings.TargetMetadata).toMatchObject({ LimitedSizeLobMode: true, FullLobMode: false, LobMaxSize: 2048, InlineLobMaxSize: 0 });
    expect(settings.ValidationSettings.ValidationPartialLobSize).toBe(2048);
  });

  it('full mode: FullLobMode with 64 KB chunks, nothing limited', () => {
    const { settings } = buildTaskSettings(config({ lobMode: 'full' }));
    expect(settings.TargetMetadata).toMatchObject({ SupportLobs: true, FullLobMode: true, LobChunkSize: 64, LimitedSizeLobMode: false, LobMaxSize: 0, InlineLobMaxSize: 0 });
    expect(settings.ValidationSettings.ValidationPartialLobSize).toBe(0);
  });

  it('inline mode: full LOB mode with InlineLobMaxSize = lobMaxSizeKb', () => {
    const { settings } = buildTaskSettings(config({ lobMode: 'inline', lobMaxSizeKb: 64 }));
    expect(settings.TargetMetadata).toMatchObject({ SupportLobs: true, FullLobMode: true, LimitedSizeLobMode: false, LobMaxSize: 0, InlineLobMaxSize: 64 });
  });

  it('validation off', () => {
    const { settings } = buildTaskSettings(config({ validation: false }));
    expect(settings.ValidationSettings).toMatchObject({ EnableValidation: false, ValidationPartialLobSize: 0 });
  });

  it('each call returns a fresh document', () => {
    const a = buildTaskSettings(config({ lobMode: 'full' })).settings;
    a.TargetMetadata.LobChunkSize = 1;
    expect(buildTaskSettings(config({ lobMode: 'full' })).settings.TargetMetadata.LobChunkSize).toBe(64);
    expect(buildTaskSettings(config()).settings.TargetMetadata.FullLobMode).toBe(false);
  });

  it('unsupported LOB size → UsageError naming dms.lobMaxSizeKb (configs built outside the schema)', () => {
    const c = config({ lobMode: 'inline' });
    c.dms.lobMaxSizeKb = 200_000;
    expect(() => buildTaskSettings(c)).toThrow(UsageError);
    expect(() => buildTaskSettings(c)).toThrow('dms.lobMaxSizeKb = 200000 is not supported with dms.lobMode: inline (DMS InlineLobMaxSize: 1 to 102400 KB)');
    c.dms.lobMode = 'full';
    expect(() => buildTaskSettings(c)).not.toThrow();
  });
});

describe('buildTaskSettings: truncation warnings', () => {
  it('limited mode and a larger LOB than lobMaxSizeKb → warning with the size to set', () => {
    const { warnings } = buildTaskSettings(config({ lobMaxSizeKb: 32 }), withLobs, 100 * 1024 + 1);
    expect(warnings).toEqual([
      'The largest LOB in the source is 101 KB but dms.lobMode limited keeps only 32 KB: DMS would truncate it. To keep it, raise dms.lobMaxSizeKb to at least 101, or use dms.lobMode: inline.',
    ]);
  });

  it('beyond what limited mode can hold → suggests inline or full', () => {
    const [warning] = buildTaskSettings(config(), withLobs, 200 * 1024 * 1024).warnings;
    expect(warning).toMatch(/use dms\.lobMode: inline or full \(limited mode holds at most 102400 KB\)/);
  });

  it('no warning when the largest LOB fits exactly, in full or inline mode, or without LOB columns', () => {
    expect(buildTaskSettings(config({ lobMaxSizeKb: 32 }), withLobs, 32 * 1024).warnings).toEqual([]);
    expect(buildTaskSettings(config({ lobMode: 'full' }), withLobs, 1e9).warnings).toEqual([]);
    expect(buildTaskSettings(config({ lobMode: 'inline' }), withLobs, 1e9).warnings).toEqual([]);
    expect(buildTaskSettings(config(), noLobs, 1e9).warnings).toEqual([]);
  });

  it('LOB columns but no measured size → a warning that values may be cut', () => {
    expect(buildTaskSettings(config(), withLobs).warnings).toEqual([
      '1 LOB column(s) and their largest value was not measured: dms.lobMode limited truncates values above dms.lobMaxSizeKb = 32 KB. Run promigrate assess to measure, or use dms.lobMode: inline.',
    ]);
  });

  it('without an inventory the measured size alone decides', () => {
    expect(buildTaskSettings(config(), undefined, 64 * 1024).warnings).toHaveLength(1);
    expect(buildTaskSettings(config()).warnings).toEqual([]);
  });
});
