/**
 * An in-process SSH tunnel (ssh2, no `ssh` binary): one SSH connection to a bastion and a
 * listener on a random loopback port whose every connection is forwarded (direct-tcpip) to
 * one destination behind the bastion. The key is given in memory and never written.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';

const { Client } = ssh2;

export interface TunnelOptions {
  /** The TCP connection to the bastion's SSH port, already open. */
  sock: Duplex;
  username: string;
  /** OpenSSH-format private key, in memory only. */
  privateKey: string;
  /** Decides on the host key the bastion presented (its raw public key blob). */
  verifyHostKey(key: Buffer): boolean;
  /** Where connections to the local port go, as the bastion resolves it. */
  destination: { host: string; port: number };
  /** Handshake and authentication limit (ssh2's readyTimeout). */
  readyTimeoutMs?: number;
}

export interface SshTunnel {
  readonly localPort: number;
  /** Why the SSH connection ended before close() was called, if it did. */
  readonly lost: Error | undefined;
  close(): Promise<void>;
}

/** Why the handshake failed, for the caller to turn into one sentence. */
export type TunnelFailureKind = 'host-key' | 'auth' | 'timeout' | 'network';

export class TunnelOpenError extends Error {
  constructor(readonly kind: TunnelFailureKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TunnelOpenError';
  }
}

function classify(err: Error & { level?: string }, hostKeyRejected: boolean): TunnelFailureKind {
  if (hostKeyRejected) return 'host-key';
  if (err.level === 'client-authentication') return 'auth';
  if (err.level === 'client-timeout' || /timed out/i.test(err.message)) return 'timeout';
  return 'network';
}

export async function openSshTunnel(opts: TunnelOptions): Promise<SshTunnel> {
  const client = new Client();
  let hostKeyRejected = false;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error & { level?: string }): void => {
      client.removeListener('ready', ready);
      reject(new TunnelOpenError(classify(err, hostKeyRejected), err.message, { cause: err }));
    };
    const ready = (): void => {
      client.removeListener('error', fail);
      resolve();
    };
    client.once('ready', ready);
    client.once('error', fail);
    client.connect({
      sock: opts.sock as never,
      username: opts.username,
      privateKey: opts.privateKey,
      readyTimeout: opts.readyTimeoutMs ?? 20_000,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      hostVerifier: (key: Buffer) => {
        const ok = opts.verifyHostKey(key);
        if (!ok) hostKeyRejected = true;
        return ok;
      },
    });
  });

  let lost: Error | undefined;
  let closing = false;
  const sockets = new Set<Socket>();
  // Half-open like the connection it stands for: a client's FIN must not cut the reply short.
  const server: Server = createServer({ allowHalfOpen: true }, (local) => {
    sockets.add(local);
    local.once('close', () => sockets.delete(local));
    local.on('error', () => local.destroy());
    if (lost) {
      local.destroy();
      return;
    }
    client.forwardOut('127.0.0.1', local.remotePort ?? 0, opts.destination.host, opts.destination.port, (err, stream) => {
      if (err) {
        local.destroy();
        return;
      }
      stream.on('error', () => local.destroy());
      // end, not destroy: what the database sent just before closing must still arrive.
      stream.once('close', () => local.end());
      local.once('close', () => stream.destroy());
      local.pipe(stream).pipe(local);
    });
  });
  const dropAll = (): void => {
    for (const s of sockets) s.destroy();
  };
  client.on('error', (err) => {
    if (!closing) lost ??= err;
  });
  client.once('close', () => {
    if (!closing) {
      lost ??= new Error('the SSH connection to the bastion closed');
      // The database connections through it are gone: fail them now, not at their next read.
      dropAll();
      server.close();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const localPort = (server.address() as AddressInfo).port;

  return {
    localPort,
    get lost() {
      return lost;
    },
    async close() {
      if (closing) return;
      closing = true;
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      client.end();
    },
  };
}
