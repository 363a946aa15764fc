import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../../../src/errors.js';
import { assessedInventory, assessReportPaths, readAssessReport } from '../../../src/reports/assess.js';
import { readVerifyReport, verifyReportPaths, type VerifyReport } from '../../../src/reports/verify.js';
import { statePaths } from '../../../src/state/paths.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';

afterEach(removeTempDirs);

const inventory = {
  engine: 'mysql', version: { raw: '8.0.36' }, databases: ['shop'], schemas: ['shop'],
  tables: [{ schema: 'shop', name: 'orders', rows: 12, bytes: 4096, columns: [{ name: 'id' }] }],
  views: [], routines: [], triggers: [], foreignKeys: [],
  totals: { tables: 1, rows: 12, bytes: 4096, lobColumns: 0 },
};
const assessReport = {
  reportVersion: 1, generatedAt: '2026-12-07T12:00:00.000Z', project: 'shop', toolVersion: '1.0.0', configHash: 'abc',
  source: { engine: 'mysql', label: 'shop@db', version: { raw: '8.0.36' }, databases: ['shop'] },
  summary: { verdict: 'ready', blockers: 0, warnings: 0, infos: 1, unacceptedBlockers: [], acceptedRisks: [] },
  budget: { totalBytes: 4096, throughputBytesPerSecond: 1, estimatedFullLoadSeconds: 1, requiredRetentionSeconds: 1 },
  suggestion: { instanceClass: 'dms.t3.medium', reason: 'small' },
  aws: { region: 'us-east-1', availabilityZones: [] },
  findings: [{ id: 'mysql.lob-columns', severity: 'info', object: 'shop', title: 'LOBs', evidence: '', fix: '', measure: { largestLobBytes: 10 } }],
  inventory,
};
const verifyReport: VerifyReport = {
  reportVersion: 1, generatedAt: '2026-12-07T12:00:00.000Z', project: 'shop', toolVersion: '1.0.0', configHash: 'abc',
  verdict: 'verified', problems: [], scope: 'data-only',
  data: { tables: [], identical: 0, different: 0, durationMs: 5, resumedTables: 0, notes: [] },
  timings: { startedAt: '2026-12-07T12:00:00.000Z', finishedAt: '2026-12-07T12:00:01.000Z', totalMs: 1000 },
};

function stateDirWith(file: 'assess.json' | 'verify.json', content: string | undefined): string {
  const dir = tempDir();
  mkdirSync(statePaths(dir).reports, { recursive: true });
  if (content !== undefined) writeFileSync(file === 'assess.json' ? assessReportPaths(dir).json : verifyReportPaths(dir).json, content);
  return dir;
}

function refusal(read: () => unknown): UsageError {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(ExitCode.badInput);
    return err as UsageError;
  }
  throw new Error('expected a refusal');
}

describe('readAssessReport', () => {
  it('returns a report assess wrote', () => {
    const dir = stateDirWith('assess.json', JSON.stringify(assessReport));
    const report = readAssessReport(dir);
    expect(report.inventory.tables[0]!.name).toBe('orders');
    expect(report.findings[0]!.measure).toEqual({ largestLobBytes: 10 });
  });

  it.each([
    ['missing', undefined, /is missing: sync builds its table list from it\.$/],
    ['not JSON', '{"reportVersion": 1,', /is unreadable \(not JSON\): sync builds/],
    ['another reportVersion', JSON.stringify({ ...assessReport, reportVersion: 2 }), /has reportVersion 2, and this promigrate reads only version 1: sync builds/],
    ['no reportVersion', JSON.stringify({ inventory }), /has reportVersion none, and this promigrate reads only version 1/],
    ['without an inventory', JSON.stringify({ ...assessReport, inventory: undefined }), /is not a report promigrate wrote \(inventory: /],
    ['with a malformed finding', JSON.stringify({ ...assessReport, findings: [{ id: 'x' }] }), /is not a report promigrate wrote \(findings\.0\.severity: /],
  ])('refuses a report that is %s, in one sentence, with the way out', (_, content, message) => {
    const dir = stateDirWith('assess.json', content);
    const err = refusal(() => readAssessReport(dir, { neededBy: 'sync builds its table list from it', then: 're-run `promigrate sync`' }));
    expect(err.message).toMatch(message);
    expect(err.message).toContain(assessReportPaths(dir).json);
    expect(err.hint).toBe('Run `promigrate assess` (it rewrites the report), then re-run `promigrate sync`.');
  });

  it('without a follow-up, the hint is to re-run assess alone', () => {
    expect(refusal(() => readAssessReport(stateDirWith('assess.json', undefined))).hint).toBe('Run `promigrate assess` (it rewrites the report).');
  });

  it('assessedInventory: the inventory, or undefined when there is no report to trust', () => {
    expect(assessedInventory(stateDirWith('assess.json', JSON.stringify(assessReport)))?.totals.tables).toBe(1);
    expect(assessedInventory(stateDirWith('assess.json', undefined))).toBeUndefined();
    expect(assessedInventory(stateDirWith('assess.json', JSON.stringify({ ...assessReport, reportVersion: 0 })))).toBeUndefined();
  });
});

describe('readVerifyReport', () => {
  it('returns a report verify wrote', () => {
    expect(readVerifyReport(stateDirWith('verify.json', JSON.stringify(verifyReport))).verdict).toBe('verified');
  });

  it.each([
    ['missing', undefined, /is missing: its summary is printed from it\.$/],
    ['not JSON', 'verified', /is unreadable \(not JSON\)/],
    ['another reportVersion', JSON.stringify({ ...verifyReport, reportVersion: 7 }), /has reportVersion 7, and this promigrate reads only version 1/],
    ['of an unknown verdict', JSON.stringify({ ...verifyReport, verdict: 'fine' }), /is not a report promigrate wrote \(verdict: /],
  ])('refuses a report that is %s', (_, content, message) => {
    const dir = stateDirWith('verify.json', content);
    const err = refusal(() => readVerifyReport(dir));
    expect(err.message).toMatch(message);
    expect(err.hint).toBe('Run `promigrate verify` (it rewrites the report).');
  });
});
