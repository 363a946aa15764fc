import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, readAudit } from '../../../src/state/audit.js';
import { recoverAuditIntents, settleAuditIntent, writeAuditIntent } from '../../../src/state/audit-journal.js';
import { statePaths } from '../../../src/state/paths.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';

afterEach(removeTempDirs);

const intent = (operation: string, time = '2026-11-22T10:00:00.000Z') => ({ time, step: 'provision', operation, params: { CidrBlock: '10.0.0.0/16', MasterUserPassword: 'hunter2' } });
const pending = (dir: string) => (existsSync(statePaths(dir).auditPending) ? readdirSync(statePaths(dir).auditPending) : []);

describe('audit journal (write-ahead notes of mutating calls)', () => {
  it('a call answered and recorded leaves one line and no note', async () => {
    const dir = join(tempDir(), '.promigrate');
    const callId = await writeAuditIntent(dir, intent('ec2:CreateVpc'));
    expect(pending(dir)).toEqual([`${callId}.json`]);
    await appendAudit(dir, { ...intent('ec2:CreateVpc'), outcome: 'ok', resultId: 'vpc-1', callId });
    await settleAuditIntent(dir, callId);
    expect(pending(dir)).toEqual([]);
    expect(await recoverAuditIntents(dir)).toBe(0);
    expect((await readAudit(dir)).map((e) => [e.operation, e.outcome])).toEqual([['ec2:CreateVpc', 'ok']]);
  });

  it('a kill between the call and its line: the next run writes it as interrupted, oldest first, without the secret', async () => {
    const dir = join(tempDir(), '.promigrate');
    await writeAuditIntent(dir, intent('rds:CreateDBInstance', '2026-11-22T10:00:02.000Z'));
    await writeAuditIntent(dir, intent('ec2:CreateVpc', '2026-11-22T10:00:01.000Z'));
    expect(await recoverAuditIntents(dir)).toBe(2);
    const log = await readAudit(dir);
    expect(log.map((e) => [e.operation, e.outcome])).toEqual([['ec2:CreateVpc', 'interrupted'], ['rds:CreateDBInstance', 'interrupted']]);
    expect(log[0]!.error).toMatch(/may or may not have taken effect/);
    expect(log[0]!.params).toEqual({ CidrBlock: '10.0.0.0/16', MasterUserPassword: '[redacted]' });
    expect(pending(dir)).toEqual([]);
    expect(await recoverAuditIntents(dir)).toBe(0);
  });

  it("a kill between the line and the note's removal: no second line", async () => {
    const dir = join(tempDir(), '.promigrate');
    const callId = await writeAuditIntent(dir, intent('ec2:CreateVpc'));
    await appendAudit(dir, { ...intent('ec2:CreateVpc'), outcome: 'ok', callId });
    expect(await recoverAuditIntents(dir)).toBe(0);
    expect(await readAudit(dir)).toHaveLength(1);
    expect(pending(dir)).toEqual([]);
  });

  it('a note cut short by the kill (the call was never sent) is dropped', async () => {
    const dir = join(tempDir(), '.promigrate');
    await writeAuditIntent(dir, intent('ec2:CreateVpc'));
    writeFileSync(join(statePaths(dir).auditPending, 'torn.json'), '{"time":"2026-11-22T1');
    expect(await recoverAuditIntents(dir)).toBe(1);
    expect(pending(dir)).toEqual([]);
  });
});
