import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEffects, effectsForStep } from '../../../src/engine/effects.js';
import { readAudit } from '../../../src/state/audit.js';
import { recoverAuditIntents } from '../../../src/state/audit-journal.js';
import { statePaths } from '../../../src/state/paths.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';

afterEach(removeTempDirs);

const pending = (dir: string) => (existsSync(statePaths(dir).auditPending) ? readdirSync(statePaths(dir).auditPending) : []);
const FREEZE = {
  kind: 'database' as const,
  operation: 'db:source:freeze-writes',
  description: 'freeze writes on the source database dms@db:3306/shop: SET GLOBAL read_only = ON',
  params: { source: 'source database dms@db:3306/shop', statements: ['SET GLOBAL read_only = ON'], password: 'hunter2' },
};

describe('the effects gate', () => {
  it('plan mode: runs nothing, writes nothing, and records "(plan) would …" in order', async () => {
    const root = tempDir();
    const dir = join(root, '.promigrate');
    const effects = createEffects({ planMode: true, stateDir: dir });
    let ran = 0;
    const act = async () => void ran++;
    const db = await effects.perform(FREEZE, act);
    const file = await effects.perform({ kind: 'file', operation: 'file:write', description: 'write promigrate.yaml', params: { path: 'promigrate.yaml' } }, act);
    expect(ran).toBe(0);
    expect(db.performed).toBe(false);
    expect(file.performed).toBe(false);
    expect(effects.planned().map((p) => p.line)).toEqual([`(plan) would ${FREEZE.description}`, '(plan) would write promigrate.yaml']);
    expect(readdirSync(root)).toEqual([]);
  });

  it('a database write: a note while it runs, then one ok line with the outcome (secrets redacted) and no note', async () => {
    const dir = join(tempDir(), '.promigrate');
    const effects = effectsForStep(createEffects({ planMode: false, stateDir: dir }), 'cutover');
    let notesWhileRunning: string[] = [];
    const done = await effects.perform({ ...FREEZE, outcome: (v: { statements: string[] }) => ({ statements: v.statements, alreadyFrozen: false }) }, async () => {
      notesWhileRunning = pending(dir);
      return { statements: ['SET SESSION lock_wait_timeout = 30', 'SET GLOBAL read_only = ON'] };
    });
    expect(done).toEqual({ performed: true, value: { statements: ['SET SESSION lock_wait_timeout = 30', 'SET GLOBAL read_only = ON'] } });
    expect(notesWhileRunning).toHaveLength(1);
    expect(pending(dir)).toEqual([]);
    const [line, ...more] = await readAudit(dir);
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      step: 'cutover',
      operation: 'db:source:freeze-writes',
      outcome: 'ok',
      params: { source: FREEZE.params.source, statements: ['SET SESSION lock_wait_timeout = 30', 'SET GLOBAL read_only = ON'], alreadyFrozen: false, password: '[redacted]' },
    });
    expect(`${notesWhileRunning[0]}`).toBe(`${line!.callId}.json`);
  });

  it('a database write that fails: an error line, and the error goes on', async () => {
    const dir = join(tempDir(), '.promigrate');
    const effects = createEffects({ planMode: false, stateDir: dir });
    const denied = Object.assign(new Error('Access denied; you need the SUPER privilege'), { name: 'UsageError' });
    await expect(effects.perform(FREEZE, () => Promise.reject(denied))).rejects.toBe(denied);
    const log = await readAudit(dir);
    expect(log.map((e) => [e.operation, e.outcome, e.error])).toEqual([['db:source:freeze-writes', 'error', 'UsageError: Access denied; you need the SUPER privilege']]);
    expect(pending(dir)).toEqual([]);
  });

  it('a kill mid-statement leaves its note, which the next run turns into an interrupted line', async () => {
    const dir = join(tempDir(), '.promigrate');
    const effects = createEffects({ planMode: false, stateDir: dir });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    // The statement never answers: the process is as good as killed once the act has started.
    void effects.perform(FREEZE, () => {
      started();
      return new Promise<never>(() => undefined);
    });
    await running;
    expect(await readAudit(dir)).toEqual([]);
    expect(await recoverAuditIntents(dir)).toBe(1);
    const [line] = await readAudit(dir);
    expect(line).toMatchObject({ operation: 'db:source:freeze-writes', outcome: 'interrupted' });
    expect(line!.error).toMatch(/running these statements.*may or may not have taken effect/);
    expect(line!.params).toMatchObject({ password: '[redacted]', statements: ['SET GLOBAL read_only = ON'] });
  });

  it('a database write with no audit log is refused before it runs', async () => {
    const effects = createEffects({ planMode: false });
    let ran = false;
    await expect(effects.perform(FREEZE, async () => void (ran = true))).rejects.toThrow(/no audit log/);
    expect(ran).toBe(false);
  });

  it('files and AWS actions are performed without an audit line of their own', async () => {
    const dir = join(tempDir(), '.promigrate');
    const effects = createEffects({ planMode: false, stateDir: dir });
    const done = await effects.perform({ kind: 'file', operation: 'file:write', description: 'write x' }, async () => 42);
    expect(done).toEqual({ performed: true, value: 42 });
    expect(effects.planned()).toEqual([]);
    expect(await readAudit(dir)).toEqual([]);
  });
});
