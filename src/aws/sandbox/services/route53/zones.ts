/**
 * Route 53 hosted zones, record-set listing, changes and tags. A change is PENDING for
 * `durations.route53Propagation`, then INSYNC.
 */
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { mergeTags, removeTags } from '../sim-util.js';
import { applyChangeBatch, type Change } from './records.js';
import {
  bareId, changeOut, compareNames, compareRecords, invalidInput, nameServers, newZoneId, normName,
  recordChange, requireZone, route53State, writtenRecords, type ZoneRec,
} from './state.js';

const LABEL = /^(\\052|[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)$/;

export function zoneOut(zone: ZoneRec) {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    CallerReference: zone.callerReference,
    Config: { Comment: zone.comment, PrivateZone: zone.privateZone },
    ResourceRecordSetCount: zone.records.length,
  };
}

export function createZone(
  ctx: SimContext,
  input: { Name?: string; CallerReference?: string; HostedZoneConfig?: { Comment?: string; PrivateZone?: boolean }; VPC?: { VPCRegion?: string; VPCId?: string } },
  insync = false,
) {
  const s = route53State(ctx);
  if (!input.CallerReference) throw invalidInput("Invalid request: Missing field 'CallerReference'");
  if (Object.values(s.zones).some((z) => z.callerReference === input.CallerReference)) {
    throw new SimError('HostedZoneAlreadyExists', 'A hosted zone has already been created with the specified caller reference.', { httpStatusCode: 409 });
  }
  const name = normName(input.Name ?? '');
  const labels = name.slice(0, -1).split('.');
  if (name.length > 255 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    throw new SimError('InvalidDomainName', `${input.Name} is not a valid domain name.`);
  }
  if (input.HostedZoneConfig?.PrivateZone && !input.VPC) {
    throw invalidInput('Invalid request: a private hosted zone requires a VPC.');
  }
  const id = newZoneId(ctx);
  const servers = nameServers(id);
  const zone: ZoneRec = {
    id,
    name,
    callerReference: input.CallerReference,
    comment: input.HostedZoneConfig?.Comment,
    privateZone: Boolean(input.VPC),
    vpcs: input.VPC ? [input.VPC] : [],
    nameServers: servers,
    records: [
      { Name: name, Type: 'NS', TTL: 172800, ResourceRecords: servers.map((n) => ({ Value: `${n}.` })) },
      {
        Name: name,
        Type: 'SOA',
        TTL: 900,
        ResourceRecords: [{ Value: `${servers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400` }],
      },
    ],
    tags: [],
    createdAt: ctx.now(),
  };
  s.zones[id] = zone;
  return {
    HostedZone: zoneOut(zone),
    ChangeInfo: recordChange(ctx, undefined, insync),
    DelegationSet: zone.privateZone ? undefined : { NameServers: servers },
    VPC: input.VPC,
    Location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${id}`,
  };
}

function maxItems(value: unknown, limit: number): number {
  if (value === undefined) return limit;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw invalidInput(`Invalid request: MaxItems must be a positive integer, got ${value}`);
  return Math.min(n, limit);
}

export const zoneHandlers: ServiceSimulator = {
  CreateHostedZone(input, ctx) {
    return createZone(ctx, input);
  },

  GetHostedZone(input, ctx) {
    const zone = requireZone(ctx, input.Id);
    return {
      HostedZone: zoneOut(zone),
      DelegationSet: zone.privateZone ? undefined : { NameServers: zone.nameServers },
      VPCs: zone.privateZone ? zone.vpcs : undefined,
    };
  },

  ListHostedZones(input, ctx) {
    const all = Object.values(route53State(ctx).zones).sort((a, b) => a.id.localeCompare(b.id));
    const max = maxItems(input.MaxItems, 100);
    const from = input.Marker ? all.findIndex((z) => z.id === bareId(input.Marker)) : 0;
    if (from < 0) throw invalidInput(`Invalid marker: ${input.Marker}`);
    const page = all.slice(from, from + max);
    const next = all[from + max];
    return {
      HostedZones: page.map(zoneOut),
      Marker: input.Marker,
      IsTruncated: Boolean(next),
      NextMarker: next?.id,
      MaxItems: max,
    };
  },

  ListHostedZonesByName(input, ctx) {
    if (input.HostedZoneId && !input.DNSName) {
      throw invalidInput('Invalid request: HostedZoneId requires DNSName.');
    }
    const all = Object.values(route53State(ctx).zones).sort(
      (a, b) => compareNames(a.name, b.name) || a.id.localeCompare(b.id),
    );
    const max = maxItems(input.MaxItems, 100);
    const start = input.DNSName ? normName(input.DNSName) : undefined;
    const startId = input.HostedZoneId ? bareId(input.HostedZoneId) : undefined;
    const rest = all.filter((z) => {
      if (!start) return true;
      const c = compareNames(z.name, start);
      return c > 0 || (c === 0 && (!startId || z.id >= startId));
    });
    const next = rest[max];
    return {
      HostedZones: rest.slice(0, max).map(zoneOut),
      DNSName: input.DNSName,
      HostedZoneId: input.HostedZoneId,
      IsTruncated: Boolean(next),
      NextDNSName: next?.name,
      NextHostedZoneId: next?.id,
      MaxItems: max,
    };
  },

  DeleteHostedZone(input, ctx) {
    const zone = requireZone(ctx, input.Id);
    const extra = zone.records.some((r) => !(r.Name === zone.name && (r.Type === 'SOA' || r.Type === 'NS')));
    if (extra) {
      throw new SimError('HostedZoneNotEmpty', 'The specified hosted zone contains non-required resource record sets and so cannot be deleted.');
    }
    delete route53State(ctx).zones[zone.id];
    return { ChangeInfo: recordChange(ctx) };
  },

  ChangeResourceRecordSets(input, ctx) {
    const zone = requireZone(ctx, input.HostedZoneId);
    const batch = input.ChangeBatch as { Comment?: string; Changes?: Change[] } | undefined;
    const before = zone.records;
    zone.records = applyChangeBatch(zone, batch?.Changes ?? []);
    // Which record sets the change wrote, so a reader can tell since when an answer is public.
    return { ChangeInfo: recordChange(ctx, batch?.Comment, false, { zoneId: zone.id, written: writtenRecords(before, zone.records) }) };
  },

  GetChange(input, ctx) {
    const id = bareId(input.Id);
    if (!route53State(ctx).changes[id]) {
      throw new SimError('NoSuchChange', `A change with the specified change ID does not exist: ${id}`, { httpStatusCode: 404 });
    }
    return { ChangeInfo: changeOut(ctx, id) };
  },

  ListResourceRecordSets(input, ctx) {
    const zone = requireZone(ctx, input.HostedZoneId);
    if (input.StartRecordType && !input.StartRecordName) {
      throw invalidInput('Invalid request: StartRecordType requires StartRecordName.');
    }
    if (input.StartRecordIdentifier && !input.StartRecordType) {
      throw invalidInput('Invalid request: StartRecordIdentifier requires StartRecordType.');
    }
    const max = maxItems(input.MaxItems, 300);
    const sorted = [...zone.records].sort(compareRecords);
    const from = input.StartRecordName
      ? {
          Name: normName(input.StartRecordName),
          Type: input.StartRecordType ?? '',
          SetIdentifier: input.StartRecordIdentifier,
        }
      : undefined;
    const rest = from ? sorted.filter((r) => compareRecords(r, from) >= 0) : sorted;
    const next = rest[max];
    return {
      ResourceRecordSets: rest.slice(0, max).map((r) => structuredClone(r)),
      IsTruncated: Boolean(next),
      NextRecordName: next?.Name,
      NextRecordType: next?.Type,
      NextRecordIdentifier: next?.SetIdentifier,
      MaxItems: max,
    };
  },

  ChangeTagsForResource(input, ctx) {
    if (input.ResourceType !== 'hostedzone') {
      throw new SimError('NoSuchHealthCheck', `No health check found with ID ${input.ResourceId}`, { httpStatusCode: 404 });
    }
    const zone = requireZone(ctx, input.ResourceId);
    zone.tags = removeTags(mergeTags(zone.tags, input.AddTags), input.RemoveTagKeys);
    return {};
  },

  ListTagsForResource(input, ctx) {
    if (input.ResourceType !== 'hostedzone') {
      throw new SimError('NoSuchHealthCheck', `No health check found with ID ${input.ResourceId}`, { httpStatusCode: 404 });
    }
    const zone = requireZone(ctx, input.ResourceId);
    return { ResourceTagSet: { ResourceType: 'hostedzone', ResourceId: zone.id, Tags: zone.tags } };
  },
};
