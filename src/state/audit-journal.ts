/**
 * Write-ahead notes for the audit log, so a mutating AWS call (or database write) is recorded even when the
 * process dies between AWS's answer and the audit line (kill -9, power loss):
 * 1. before the call is sent, a note `<state-dir>/audit-pending/<callId>.json` is written and
 *    fsynced (the would-be entry, redacted);
 * 2. after the answer, the call's line goes to audit.jsonl with its callId, and the note is
 *    deleted;
 * 3. the next run (holding the state lock) turns every note left behind into an `interrupted`
 *    line — unless audit.jsonl already has a line with that callId (the kill came between 2's
 *    append and its delete).
 * So the log has exactly one line per call that was sent, in normal runs as after a crash.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { appendAudit, readAudit, redactSecrets, type AuditEntry } from './audit.js';
import { statePaths } from './paths.js';

export type AuditIntent = Pick<AuditEntry, 'time' | 'step' | 'operation' | 'params'>;

const INTERRUPTED =
  'promigrate stopped after sending this call and before recording its answer: it may or may not have taken effect (a re-run finds what it created by its tags)';
/** A database write (`db:…`, see engine/effects.ts) has no tags to be found by. */
const INTERRUPTED_DB =
  'promigrate stopped while running these statements and before recording their outcome: they may or may not have taken effect (check the database\'s settings before going on)';
const interruptedMessage = (operation: string) => (operation.startsWith('db:') ? INTERRUPTED_DB : INTERRUPTED);

const noteFile = (stateDir: string, callId: string) => join(statePaths(stateDir).auditPending, `${callId}.json`);

/** Writes the note of a call about to be sent, durably; returns its call id. */
export async function writeAuditIntent(stateDir: string, intent: AuditIntent): Promise<string> {
  const callId = randomUUID();
  const dir = statePaths(stateDir).auditPending;
  await mkdir(dir, { recursive: true });
  const fh = await open(noteFile(stateDir, callId), 'wx', 0o600);
  try {
    await fh.writeFile(JSON.stringify(redactSecrets({ ...intent, callId })), 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  return callId;
}

/** The call's answer is in audit.jsonl: its note goes. */
export async function settleAuditIntent(stateDir: string, callId: string): Promise<void> {
  await unlink(noteFile(stateDir, callId)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/**
 * Turns the notes a dead process left into `interrupted` lines (oldest first); returns how many
 * lines it wrote. Call with the state lock held, before any new call is sent.
 */
export async function recoverAuditIntents(stateDir: string): Promise<number> {
  let names: string[];
  try {
    names = (await readdir(statePaths(stateDir).auditPending)).filter((n) => n.endsWith('.json'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  if (names.length === 0) return 0;
  const recorded = new Set((await readAudit(stateDir)).map((e) => e.callId).filter(Boolean));
  const notes: Array<AuditIntent & { callId: string }> = [];
  for (const name of names) {
    try {
      notes.push(JSON.parse(await readFile(join(statePaths(stateDir).auditPending, name), 'utf8')) as AuditIntent & { callId: string });
    } catch {
      // A note cut short by the kill: the call was never sent (the note is written first).
    }
  }
  let written = 0;
  for (const note of notes.sort((a, b) => a.time.localeCompare(b.time))) {
    if (!recorded.has(note.callId)) {
      await appendAudit(stateDir, { ...note, outcome: 'interrupted', error: interruptedMessage(note.operation) });
      written++;
    }
  }
  for (const name of names) await unlink(join(statePaths(stateDir).auditPending, name)).catch(() => undefined);
  return written;
}
