/**
 * The real network under the bastion tunnel: a TCP connection to the bastion's public
 * address on port 22, and this machine's public address as AWS sees it — asked of AWS's
 * own checkip service, only when a failed connection needs it for its message.
 */
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TunnelNetwork } from '../tunnel/tunnel-keeper.js';

const CONNECT_TIMEOUT_MS = 10_000;
const CHECKIP_URL = 'https://checkip.amazonaws.com/';

function dialSsh(target: { publicIp: string }): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: target.publicIp, port: 22 });
    // A security group drops what it does not allow: no refusal comes back, only silence.
    sock.setTimeout(CONNECT_TIMEOUT_MS, () => {
      sock.destroy();
      reject(Object.assign(new Error(`connect ETIMEDOUT ${target.publicIp}:22`), { code: 'ETIMEDOUT' }));
    });
    sock.once('connect', () => {
      sock.setTimeout(0);
      resolve(sock);
    });
    sock.once('error', reject);
  });
}

async function publicAddress(): Promise<string | undefined> {
  try {
    const res = await fetch(CHECKIP_URL, { signal: AbortSignal.timeout(3_000) });
    const text = (await res.text()).trim();
    return /^\d{1,3}(\.\d{1,3}){3}$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

export const internetTunnelNetwork: TunnelNetwork = { dialSsh, publicAddress };
