/**
 * The run's SSH key: an Ed25519 pair generated in memory, its public half pushed with EC2
 * Instance Connect (valid there for 60 seconds), its private half handed to ssh2 and never
 * written anywhere — not to disk, state, logs or reports.
 */
import ssh2 from 'ssh2';

export interface EphemeralKey {
  /** `ssh-ed25519 AAAA… promigrate-ephemeral`: what SendSSHPublicKey sends. */
  readonly publicKey: string;
  /** OpenSSH format, for ssh2 only. */
  readonly privateKey: string;
}

export function ephemeralKey(): EphemeralKey {
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'promigrate-ephemeral' });
  const key: EphemeralKey = { publicKey: pair.public.trim(), privateKey: pair.private };
  // A stray JSON.stringify or util.inspect of the key shows only the public half.
  Object.defineProperty(key, 'privateKey', { enumerable: false });
  return key;
}
