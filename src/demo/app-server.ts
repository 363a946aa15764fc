/** The stand-in for the migrated web tier: answers the verify URL on a loopback port. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AppServer {
  port: number;
  stop(): Promise<void>;
}

export async function startAppServer(port = 0): Promise<AppServer> {
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><title>Demo Shop</title><h1>Demo Shop</h1><p>Served by the new stack for ${String(req.headers.host ?? '')}.</p>`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  let stopped: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => (stopped ??= new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })),
  };
}
