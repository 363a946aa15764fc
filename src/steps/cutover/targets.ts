/**
 * The config's `dns.newTarget` → the record set that points the name at it: A for an IPv4
 * address, AAAA for IPv6, CNAME for a host name, an alias A record for `alias:<AWS DNS name>`.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { isIPv4, isIPv6 } from 'node:net';
import { isHostname } from '../../config/fields.js';
import { UsageError } from '../../errors.js';
import { knownAliasTarget, type AliasService } from '../../aws/route53/alias-zones.js';
import { bareZoneId, checkTtl, display, inZone, isApex } from './names.js';
import { fqdn, type DnsScope } from '../../aws/route53/names.js';

export type NewTarget =
  | { kind: 'ipv4' | 'ipv6' | 'hostname'; type: 'A' | 'AAAA' | 'CNAME'; value: string }
  | {
      kind: 'alias';
      type: 'A';
      dnsName: string;
      hostedZoneId: string;
      evaluateTargetHealth: boolean;
      service: AliasService | 'same-zone' | 'given';
    };

type AliasTargetKind = Extract<NewTarget, { kind: 'alias' }>['service'];

export interface TargetOptions {
  /** AliasTarget.HostedZoneId for an alias DNS name promigrate cannot derive (e.g. an API Gateway). */
  aliasHostedZoneId?: string;
  /** Overrides the default (true for load balancers, false otherwise). */
  evaluateTargetHealth?: boolean;
}

const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,32}$/;
const ALIAS_HINT =
  'promigrate derives the alias zone of load balancers (ALB, NLB, Classic), CloudFront, Global Accelerator and S3 website endpoints; point dns.newTarget at one of those, at a host name (CNAME) or an IP address, or give the target\'s hosted zone id.';

export function parseNewTarget(scope: DnsScope, raw: string, opts: TargetOptions = {}): NewTarget {
  const value = raw.trim();
  const record = display(scope.record);
  if (value.startsWith('alias:')) return parseAlias(scope, value.slice(6).trim(), opts);
  if (isIPv4(value)) return { kind: 'ipv4', type: 'A', value };
  if (isIPv6(value)) return { kind: 'ipv6', type: 'AAAA', value };
  if (!isHostname(value) || /^[\d.]+$/.test(value)) {
    throw new UsageError(`dns.newTarget ${JSON.stringify(value)} is not an IP address, a host name or alias:<AWS DNS name>.`, {
      hint: 'Examples: 198.51.100.7, 2001:db8::7, app.example.net, alias:my-alb-123.us-east-1.elb.amazonaws.com.',
    });
  }
  if (fqdn(value) === fqdn(scope.record)) {
    throw new UsageError(`dns.newTarget ${value} is the record itself: a CNAME to its own name would loop.`, {
      hint: 'Point dns.newTarget at the new stack (its load balancer or address).',
    });
  }
  if (isApex(scope)) {
    throw new UsageError(`${record} is the zone apex, where DNS forbids a CNAME, so it cannot point at the host name ${value}.`, {
      hint: `Use alias:${value} if it is an AWS endpoint (load balancer, CloudFront…), or an IP address.`,
    });
  }
  return { kind: 'hostname', type: 'CNAME', value: value.replace(/\.$/, '') };
}

function parseAlias(scope: DnsScope, dnsName: string, opts: TargetOptions): NewTarget {
  if (!isHostname(dnsName)) {
    throw new UsageError(`dns.newTarget alias:${dnsName} does not name a DNS host.`, {
      hint: 'Write alias: followed by the AWS DNS name, e.g. alias:my-alb-123.us-east-1.elb.amazonaws.com.',
    });
  }
  const name = dnsName.toLowerCase().replace(/\.$/, '');
  if (fqdn(name) === fqdn(scope.record)) {
    throw new UsageError(`dns.newTarget alias:${name} is the record itself; an alias cannot target its own name.`, {
      hint: 'Point dns.newTarget at the new stack (its load balancer or address).',
    });
  }
  const alias = (hostedZoneId: string, service: AliasTargetKind, health: boolean): NewTarget => ({
    kind: 'alias',
    type: 'A',
    dnsName: name,
    hostedZoneId,
    evaluateTargetHealth: opts.evaluateTargetHealth ?? health,
    service,
  });
  if (opts.aliasHostedZoneId !== undefined) {
    const id = bareZoneId(opts.aliasHostedZoneId.trim());
    if (!HOSTED_ZONE_ID.test(id)) {
      throw new UsageError(`The alias hosted zone id ${JSON.stringify(opts.aliasHostedZoneId)} is not a Route 53 zone id.`, {
        hint: 'A hosted zone id looks like Z35SXDOTRQ7X7K (e.g. a load balancer\'s CanonicalHostedZoneId).',
      });
    }
    return alias(id, 'given', false);
  }
  if (inZone(name, scope.zoneName)) return alias(bareZoneId(scope.zoneId), 'same-zone', false);
  const known = knownAliasTarget(name);
  if (!known) {
    throw new UsageError(`alias:${name} is not an AWS endpoint promigrate knows the alias hosted zone of.`, { hint: ALIAS_HINT });
  }
  if (known.service === 's3-website' && fqdn(known.bucket!) !== fqdn(scope.record)) {
    throw new UsageError(
      `alias:${name} is the S3 website of bucket ${known.bucket}, but Route 53 serves an S3 website only under the bucket's own name, not ${display(scope.record)}.`,
      { hint: `Put the site in a bucket named ${display(scope.record)}, or in front of CloudFront and use alias:<distribution>.cloudfront.net.` },
    );
  }
  return alias(known.hostedZoneId, known.service, known.evaluateTargetHealth);
}

/** The record set for the name pointing at the target (no routing policy). */
export function targetRecordSet(scope: DnsScope, target: NewTarget, ttl: number): ResourceRecordSet {
  const Name = fqdn(scope.record);
  if (target.kind === 'alias') {
    return {
      Name,
      Type: 'A',
      AliasTarget: { HostedZoneId: target.hostedZoneId, DNSName: fqdn(target.dnsName), EvaluateTargetHealth: target.evaluateTargetHealth },
    };
  }
  checkTtl(ttl);
  const value = target.kind === 'hostname' ? fqdn(target.value) : target.value;
  return { Name, Type: target.type, TTL: ttl, ResourceRecords: [{ Value: value }] };
}

export function describeTarget(target: NewTarget): string {
  return target.kind === 'alias' ? `alias ${target.dnsName} (zone ${target.hostedZoneId})` : `${target.type} ${target.value}`;
}
