/**
 * Host-key pinning for the bastion: the key it presents on the first connection is recorded
 * in state (per instance id) and every later connection must present the same one. A
 * changed key stops the run: nothing is trusted silently.
 */
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';

export interface HostKeyPin {
  /** OpenSSH's form: `SHA256:` + unpadded base64 of the key blob's SHA-256. */
  fingerprint: string;
  algorithm: string;
  pinnedAt: string;
}

/** Reads and records pins (in state.json's `hostKeys`, by instance id). */
export interface HostKeyPins {
  get(instanceId: string): HostKeyPin | undefined;
  /** Records the pin; a no-op under --dry-run (nothing is written then). */
  pin(instanceId: string, pin: HostKeyPin): Promise<void>;
}

/** The fingerprint `ssh-keygen -lf` and `ssh` print for a host key blob. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export function algorithmOf(key: Buffer): string {
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) return 'unknown';
  return (Array.isArray(parsed) ? parsed[0] : parsed)?.type ?? 'unknown';
}

export type HostKeyVerdict =
  | { kind: 'match'; pin: HostKeyPin }
  | { kind: 'first-use'; pin: HostKeyPin }
  | { kind: 'changed'; pinned: HostKeyPin; presented: string };

export function judgeHostKey(pinned: HostKeyPin | undefined, key: Buffer, now: Date): HostKeyVerdict {
  const fingerprint = fingerprintOf(key);
  if (!pinned) return { kind: 'first-use', pin: { fingerprint, algorithm: algorithmOf(key), pinnedAt: now.toISOString() } };
  if (pinned.fingerprint === fingerprint) return { kind: 'match', pin: pinned };
  return { kind: 'changed', pinned, presented: fingerprint };
}
