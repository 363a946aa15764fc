/**
 * DNS after the cutover: the record in Route 53 points at the new target; the zone's own
 * name servers answer with it (asked directly); and what a public resolver still caches,
 * against the record's TTL. Where the public DNS cannot be asked (the sandbox has no real name
 * servers), only Route 53 is checked.
 */
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import type { PublicDns } from '../../aws/surroundings.js';
import type { StepContext } from '../../engine/step.js';
import type { DnsResult } from '../../reports/verify.js';
import { describeRecordSet, pointsAt, addressSets } from '../../aws/route53/record-sets.js';
import { currentSets, openScope } from '../../aws/route53/record-scope.js';

/** The values the new target stands for: its address(es), or its name for a CNAME. */
async function targetValues(dns: PublicDns, newTarget: string): Promise<string[]> {
  const name = newTarget.replace(/^alias:/, '').replace(/\.$/, '');
  if (/^[\d.]+$/.test(name) || name.includes(':')) return [name];
  const ips = await dns.addressesOf(name);
  return [name.toLowerCase(), ...ips];
}

export async function checkDns(ctx: StepContext): Promise<DnsResult> {
  const s = await openScope(ctx.config, ctx.aws.route53);
  const newTarget = s.dns.newTarget ?? '';
  const sets = addressSets(s.scope.record, await currentSets(s));
  const route53 = { ok: pointsAt(sets, newTarget) && !sets.some((r) => r.SetIdentifier !== undefined && (r.Weight ?? 0) > 0 && !pointsAt([r], newTarget)), recordSets: sets.map(describeRecordSet) };
  const publicDns = ctx.surroundings.publicDns;
  if ('unavailable' in publicDns) {
    const skipped = publicDns.unavailable;
    return { record: s.dns.record, newTarget, route53, authoritative: { ok: true, skipped }, publicResolver: { ok: true, skipped }, ok: route53.ok };
  }
  const zone = await s.route53.send(new GetHostedZoneCommand({ Id: s.scope.zoneId }));
  const nsNames = zone.DelegationSet?.NameServers ?? [];
  const nsIps = (await Promise.all(nsNames.map((n) => publicDns.addressOf(n)))).filter((x): x is string => Boolean(x));
  const wanted = await targetValues(publicDns, newTarget);
  const matches = (vals: string[]) => vals.length > 0 && vals.some((v) => wanted.includes(v.toLowerCase().replace(/\.$/, '')));
  let authoritative: DnsResult['authoritative'];
  if (nsIps.length === 0) authoritative = { ok: false, skipped: 'the zone\'s name servers could not be resolved from here' };
  else {
    const got = (await publicDns.ask(nsIps, s.dns.record)).map((x) => x.value);
    authoritative = { ok: matches(got), servers: nsNames, answers: got };
  }
  const resolverIp = publicDns.publicResolver;
  const pub = await publicDns.ask([resolverIp], s.dns.record, true);
  const cached = pub.map((x) => x.value);
  const ttl = pub[0]?.ttl;
  const publicResolver: DnsResult['publicResolver'] = pub.length === 0
    ? { ok: false, resolver: resolverIp, answers: [], note: 'no answer (unreachable from here, or the name does not resolve publicly yet)' }
    : {
        ok: matches(cached),
        resolver: resolverIp,
        answers: cached,
        ...(ttl !== undefined ? { ttlSeconds: ttl } : {}),
        note: matches(cached) ? 'answers with the new target' : `still answers with the old record; caches expire within ${ttl ?? s.dns.ttl} s (record TTL ${s.dns.ttl} s)`,
      };
  return { record: s.dns.record, newTarget, route53, authoritative, publicResolver, ok: route53.ok && authoritative.ok };
}
