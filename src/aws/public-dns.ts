/** The real DNS, through node:dns: the system resolver, and given name servers asked directly. */
import { Resolver, promises as dnsPromises } from 'node:dns';
import type { DnsAnswer, NameResolver, PublicDns } from './surroundings.js';

const TIMEOUT_MS = 3000;

function resolver(servers: string[]): Resolver {
  const r = new Resolver({ timeout: TIMEOUT_MS, tries: 2 });
  r.setServers(servers);
  return r;
}

export const systemNames: NameResolver = {
  async check(name) {
    try {
      await dnsPromises.lookup(name);
      return { resolves: true };
    } catch (err) {
      return { resolves: false, code: (err as NodeJS.ErrnoException).code ?? 'no answer' };
    }
  },
};

export const publicDns: PublicDns = {
  publicResolver: '1.1.1.1',
  async ask(servers, name, withTtl = false): Promise<DnsAnswer[]> {
    const r = resolver(servers);
    const a = await new Promise<Array<{ address: string; ttl: number }>>((resolve) => r.resolve4(name, { ttl: true }, (err, x) => resolve(err ? [] : x)));
    if (a.length) return a.map((x) => ({ value: x.address, ...(withTtl ? { ttl: x.ttl } : {}) }));
    const c = await new Promise<string[]>((resolve) => r.resolveCname(name, (err, x) => resolve(err ? [] : x)));
    return c.map((value) => ({ value }));
  },
  addressOf: (name) => dnsPromises.lookup(name, { family: 4 }).then((x) => x.address, () => undefined),
  addressesOf: (name) => dnsPromises.resolve4(name).catch(() => [] as string[]),
};
