/**
 * The HTTP(S) smoke test of the migrated app: one GET of the configured URL, either as any
 * client would (through DNS) or straight at the new target with the production Host header
 * and TLS server name — so the new stack can be proven before DNS points at it. Reports
 * status, latency, body match and, for HTTPS, the certificate's validity and expiry.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates as tlsRootCertificates, type TLSSocket } from 'node:tls';

export interface SmokeTestOptions {
  url: string;
  expectedStatus: number;
  /** Text the body must contain. */
  bodyMatch?: string;
  /** Connect here instead of resolving the URL's host; Host header and SNI stay the URL's. */
  target?: { address: string; port?: number };
  timeoutMs?: number;
  /** Extra trusted CA certificates (PEM), e.g. a company CA; the system CAs stay trusted. */
  ca?: string;
  /** Milliseconds, for latency only (never waited on). Default: performance.now. */
  now?: () => number;
}

export interface TlsFacts {
  /** The chain verifies against the system CAs and the name matches. */
  authorized: boolean;
  authorizationError?: string;
  subject?: string;
  issuer?: string;
  validFrom?: string;
  validTo?: string;
  daysLeft?: number;
}

export interface SmokeTestResult {
  url: string;
  via: 'dns' | 'target';
  /** The address actually connected to. */
  connectedTo?: string;
  status?: number;
  latencyMs?: number;
  bodyMatched?: boolean;
  tls?: TlsFacts;
  ok: boolean;
  /** Why it is not ok, in one sentence. */
  problem?: string;
}

const MAX_BODY = 1024 * 1024;
const DAY = 86_400_000;

function tlsFacts(socket: TLSSocket): TlsFacts {
  const cert = socket.getPeerCertificate();
  const facts: TlsFacts = { authorized: socket.authorized };
  if (socket.authorizationError) facts.authorizationError = String(socket.authorizationError);
  if (cert && Object.keys(cert).length > 0) {
    const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
    facts.subject = first(cert.subject?.CN) ?? JSON.stringify(cert.subject);
    const issuer = first(cert.issuer?.CN) ?? first(cert.issuer?.O);
    if (issuer) facts.issuer = issuer;
    facts.validFrom = new Date(cert.valid_from).toISOString();
    facts.validTo = new Date(cert.valid_to).toISOString();
    facts.daysLeft = Math.floor((new Date(cert.valid_to).getTime() - Date.now()) / DAY);
  }
  return facts;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Resolves every name to the target (an IP as is, a host name through DNS). */
function lookupTarget(address: string) {
  return (_hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    const family = isIP(address);
    if (family) {
      callback(null, options.all ? [{ address, family }] : address, family);
      return;
    }
    dnsLookup(address, options as never, callback as never);
  };
}

export async function smokeTest(opts: SmokeTestOptions): Promise<SmokeTestResult> {
  const url = new URL(opts.url);
  const https = url.protocol === 'https:';
  const now = opts.now ?? (() => performance.now());
  const via: SmokeTestResult['via'] = opts.target ? 'target' : 'dns';
  const base = { url: opts.url, via };
  const port = opts.target?.port ?? (url.port ? Number(url.port) : https ? 443 : 80);
  const started = now();
  return new Promise<SmokeTestResult>((resolve) => {
    const request = (https ? httpsRequest : httpRequest)(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { host: url.host, 'user-agent': 'promigrate-smoke-test', accept: '*/*' },
        timeout: opts.timeoutMs ?? 10_000,
        ...(opts.target ? { lookup: lookupTarget(opts.target.address) as never } : {}),
        // Read the certificate even when it does not verify: that is a finding, not a crash.
        ...(https ? { rejectUnauthorized: false, servername: url.hostname, agent: false, ...(opts.ca ? { ca: [...tlsRootCertificates, opts.ca] } : {}) } : { agent: false }),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const tls = https ? tlsFacts(res.socket as TLSSocket) : undefined;
        const connectedTo = res.socket.remoteAddress;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          const latencyMs = Math.round(now() - started);
          const body = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          const bodyMatched = opts.bodyMatch === undefined ? undefined : body.includes(opts.bodyMatch);
          const problems: string[] = [];
          if (status !== opts.expectedStatus) problems.push(`answered HTTP ${status}, expected ${opts.expectedStatus}`);
          if (bodyMatched === false) problems.push(`the body does not contain ${JSON.stringify(opts.bodyMatch)}`);
          if (tls && !tls.authorized) problems.push(`its TLS certificate does not verify (${tls.authorizationError ?? 'unknown reason'})`);
          if (tls?.daysLeft !== undefined && tls.daysLeft < 0) problems.push(`its TLS certificate expired on ${tls.validTo}`);
          resolve({
            ...base,
            ...(connectedTo ? { connectedTo } : {}),
            status,
            latencyMs,
            ...(bodyMatched !== undefined ? { bodyMatched } : {}),
            ...(tls ? { tls } : {}),
            ok: problems.length === 0,
            ...(problems.length ? { problem: `${opts.url}${via === 'target' ? ` (at ${opts.target!.address})` : ''} ${problems.join('; ')}` } : {}),
          });
        });
        res.on('error', (err) => resolve({ ...base, ok: false, problem: `${opts.url}: the response broke off (${err.message})` }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms`)));
    request.on('error', (err: NodeJS.ErrnoException) => {
      const where = via === 'target' ? ` at ${opts.target!.address}:${port}` : '';
      resolve({ ...base, ok: false, problem: `${opts.url}${where} cannot be reached: ${err.code ?? ''}${err.code ? ' ' : ''}${err.message}`.replace(/\s+$/, '') });
    });
    request.end();
  });
}
