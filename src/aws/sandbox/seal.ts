/**
 * Secret values the sandbox stores (its Secrets Manager) are sealed with AES-256-GCM, as
 * real Secrets Manager encrypts them with a KMS key: the world file lives in the state
 * directory, and no secret may ever be readable there. The key is the sandbox's "KMS":
 * `PROMIGRATE_SANDBOX_KEY` (any passphrase), else a random key kept outside the project
 * in `$XDG_STATE_HOME/promigrate/sandbox.key` (default `~/.local/state/…`, mode 0600).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const PREFIX = 'sealed:v1:';
let cachedKey: Buffer | undefined;

export function sandboxKeyPath(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'promigrate', 'sandbox.key');
}

function key(): Buffer {
  if (cachedKey) return cachedKey;
  const fromEnv = process.env.PROMIGRATE_SANDBOX_KEY;
  if (fromEnv) return (cachedKey = createHash('sha256').update(fromEnv).digest());
  const path = sandboxKeyPath();
  try {
    cachedKey = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  } catch {
    cachedKey = randomBytes(32);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, `${cachedKey.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process made it first: use theirs.
      cachedKey = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    }
  }
  return cachedKey;
}

export function seal(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Undefined when the value was sealed under another key. */
export function unseal(sealed: string): string | undefined {
  if (!sealed.startsWith(PREFIX)) return undefined;
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
