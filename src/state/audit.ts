/**
 * `<state-dir>/audit.jsonl`: one JSON line per mutating action, appended and fsynced, never
 * containing a secret (every entry goes through redactSecrets).
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { statePaths } from './paths.js';

export interface AuditEntry {
  /** ISO 8601. */
  time: string;
  step?: string;
  /** e.g. `rds:CreateDBInstance`. */
  operation: string;
  /** Key parameters of the call. */
  params?: Record<string, unknown>;
  /** Id of what was created or changed. */
  resultId?: string;
  /**
   * `interrupted`: promigrate stopped after sending the call and before recording its answer
   * (written by the next run from the call's journal note; see audit-journal.ts).
   */
  outcome: 'ok' | 'error' | 'interrupted';
  error?: string;
  /** Links an AWS call's line to its journal note. */
  callId?: string;
}

/** Appends one entry (redacted). A kill mid-append can leave at most a partial last line, which readers skip. */
export async function appendAudit(stateDir: string, entry: AuditEntry): Promise<void> {
  const path = statePaths(stateDir).audit;
  const line = `${JSON.stringify(redactSecrets(entry))}\n`;
  const fh = await open(path, 'a+').catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    await mkdir(dirname(path), { recursive: true });
    return open(path, 'a+');
  });
  try {
    // If an earlier append was cut short, end that partial line first so this one stays whole.
    const { size } = await fh.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await fh.writeFile(prefix + line, 'utf8'); // one write in O_APPEND mode: lines from parallel appends never interleave
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Every complete entry, oldest first; partial or damaged lines (from a killed writer) are skipped. */
export async function readAudit(stateDir: string): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await readFile(statePaths(stateDir).audit, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (typeof value === 'object' && value !== null && typeof (value as AuditEntry).operation === 'string') {
        entries.push(value as AuditEntry);
      }
    } catch {
      // a line cut short by a kill
    }
  }
  return entries;
}

/** Keys whose values are secrets (EC2 UserData is a boot script, which often carries one). */
const SECRET_KEY = /pass|secret|token|credential|private_?key|api_?key|user_?data/i;
/**
 * Keys that match SECRET_KEY but hold references, not secrets: ARNs and secret ids point to
 * Secrets Manager, `*Env` names an environment variable, and ClientToken/NextToken-style
 * tokens are idempotency or paging tokens. SessionToken, AuthToken etc. stay redacted.
 */
const REFERENCE_KEY = /(?:arn|_?env|secret_?id|(?:client|next|idempotency|continuation|pagination)_?token)$/i;
/** `scheme://user:password@host` in any string value. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;

export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !REFERENCE_KEY.test(key);
}

/** `value` with the password of every `scheme://user:password@` in it replaced by "[redacted]". */
export const redactUrlPasswords = (value: string): string => value.replace(URL_PASSWORD, `$1${REDACTED}@`);

/** A deep copy of `value` with the value of every secret-named key (at any depth) and URL passwords replaced by "[redacted]". */
export function redactSecrets<T>(value: T): T {
  return redact(value, new WeakSet()) as T;
}

function redact(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactUrlPasswords(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redact(v, seen));
    // Follow JSON.stringify (Date, Buffer…), so what is checked is exactly what gets written.
    const { toJSON } = value as { toJSON?: unknown };
    if (typeof toJSON === 'function') return redact(toJSON.call(value), seen);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redact(v, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}
