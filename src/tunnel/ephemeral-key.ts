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
  // ssh2 1.17's Ed25519 keygen emits a private key its own parser rejects ("Malformed OpenSSH
  // private key") about once in 300 (measured: 11 of 3,000): a pair is kept only once ssh2 can
  // read it back. (ECDSA would avoid that, but EC2 Instance Connect takes RSA and Ed25519 only.)
  let pair: { public: string; private: string } | undefined;
  for (let attempt = 0; attempt < 20 && !pair; attempt++) {
    const candidate = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'promigrate-ephemeral' });
    if (!(ssh2.utils.parseKey(candidate.private) instanceof Error)) pair = candidate;
  }
  if (!pair) throw new Error('internal error: ssh2 could not generate a usable Ed25519 key');
  const key: EphemeralKey = { publicKey: pair.public.trim(), privateKey: pair.private };
  // A stray JSON.stringify or util.inspect of the key shows only the public half.
  Object.defineProperty(key, 'privateKey', { enumerable: false });
  return key;
}
