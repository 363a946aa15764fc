import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smokeTest } from '../../../src/http/smoke.js';

const tls = (name: string) => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), 'utf8');
const seen: Array<{ host?: string; path?: string }> = [];
const handler = (req: IncomingMessage, res: ServerResponse) => {
  seen.push({ host: req.headers.host, path: req.url });
  if (req.url === '/missing') {
    res.writeHead(404).end('no');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>Shop</h1> served for ${req.headers.host}`);
};
let http: Server;
let https: Server;
const port = (s: Server) => (s.address() as AddressInfo).port;
const listen = (s: Server) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));

beforeAll(async () => {
  http = createHttpServer(handler);
  https = createHttpsServer({ key: tls('shop.key'), cert: tls('shop.pem') }, handler);
  await Promise.all([listen(http), listen(https)]);
});
afterAll(async () => {
  await Promise.all([http, https].map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('smokeTest', () => {
  it('through DNS: status, latency and body match', async () => {
    const r = await smokeTest({ url: `http://127.0.0.1:${port(http)}/`, expectedStatus: 200, bodyMatch: '<h1>Shop</h1>' });
    expect(r).toMatchObject({ via: 'dns', status: 200, bodyMatched: true, ok: true, connectedTo: '127.0.0.1' });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('at the new target: the production Host header is sent to the target address', async () => {
    const r = await smokeTest({ url: 'http://shop.example.com/', expectedStatus: 200, target: { address: '127.0.0.1', port: port(http) } });
    expect(r).toMatchObject({ via: 'target', ok: true, connectedTo: '127.0.0.1' });
    expect(seen.at(-1)).toEqual({ host: 'shop.example.com', path: '/' });
  });

  it('a wrong status or a missing text is a problem in one sentence', async () => {
    const r = await smokeTest({ url: `http://127.0.0.1:${port(http)}/missing`, expectedStatus: 200, bodyMatch: 'Shop' });
    expect(r.ok).toBe(false);
    expect(r.problem).toBe(`http://127.0.0.1:${port(http)}/missing answered HTTP 404, expected 200; the body does not contain "Shop"`);
  });

  it('HTTPS at the target with SNI for the production name: the certificate verifies against the given CA and reports its expiry', async () => {
    const r = await smokeTest({ url: 'https://shop.example.com/', expectedStatus: 200, target: { address: '127.0.0.1', port: port(https) }, ca: tls('ca.pem') });
    expect(r).toMatchObject({ ok: true, status: 200, tls: { authorized: true, subject: 'shop.example.com', issuer: 'promigrate test CA' } });
    expect(r.tls!.daysLeft).toBeGreaterThan(300 * 30);
  });

  it('HTTPS with a certificate that does not verify: reported, not thrown', async () => {
    const untrusted = await smokeTest({ url: 'https://shop.example.com/', expectedStatus: 200, target: { address: '127.0.0.1', port: port(https) } });
    expect(untrusted.ok).toBe(false);
    expect(untrusted.tls?.authorized).toBe(false);
    expect(untrusted.problem).toMatch(/TLS certificate does not verify \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    const wrongName = await smokeTest({ url: 'https://other.example.org/', expectedStatus: 200, target: { address: '127.0.0.1', port: port(https) }, ca: tls('ca.pem') });
    expect(wrongName.ok).toBe(false);
    expect(wrongName.problem).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|does not verify/);
  });

  it('nothing listening: cannot be reached, naming the target', async () => {
    const closed = createHttpServer();
    await listen(closed);
    const free = port(closed);
    await new Promise((resolve) => closed.close(resolve));
    const r = await smokeTest({ url: 'http://shop.example.com/', expectedStatus: 200, target: { address: '127.0.0.1', port: free } });
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(new RegExp(`^http://shop\\.example\\.com/ at 127\\.0\\.0\\.1:${free} cannot be reached: ECONNREFUSED`));
  });
});
