import { describe, expect, it } from 'vitest';
import { route53Simulator as r53, seedHostedZone } from '../../../src/aws/sandbox/services/route53.js';
import { expectSimError, makeSim, type TestSim } from './helpers.js';

const a = (name: string, ip: string, extra: Record<string, unknown> = {}) => ({
  Name: name, Type: 'A', TTL: 300, ResourceRecords: [{ Value: ip }], ...extra,
});
const change = (sim: TestSim, zoneId: string, ...changes: Array<[string, Record<string, unknown>]>) =>
  sim.call(r53, 'ChangeResourceRecordSets', {
    HostedZoneId: zoneId,
    ChangeBatch: { Changes: changes.map(([Action, ResourceRecordSet]) => ({ Action, ResourceRecordSet })) },
  }).ChangeInfo;
const records = (sim: TestSim, zoneId: string) =>
  sim.call(r53, 'ListResourceRecordSets', { HostedZoneId: zoneId }).ResourceRecordSets;

function zone(sim: TestSim, name = 'example.com') {
  return sim.call(r53, 'CreateHostedZone', { Name: name, CallerReference: `ref-${name}` });
}

describe('Route 53 hosted zones', () => {
  it('creates a zone with SOA, NS and a four-server delegation set', () => {
    const sim = makeSim();
    const out = zone(sim, 'Example.COM');
    expect(out.HostedZone).toMatchObject({ Name: 'example.com.', Config: { PrivateZone: false }, ResourceRecordSetCount: 2 });
    expect(out.HostedZone.Id).toMatch(/^\/hostedzone\/Z0[A-Z2-7]{19}$/);
    expect(out.ChangeInfo).toMatchObject({ Status: 'PENDING' });
    expect(out.ChangeInfo.Id).toMatch(/^\/change\/C/);
    expect(out.DelegationSet.NameServers).toHaveLength(4);
    expect(out.DelegationSet.NameServers[3]).toMatch(/^ns-\d+\.awsdns-\d\d\.co\.uk$/);
    const id = out.HostedZone.Id;
    expect(records(sim, id).map((r: any) => r.Type)).toEqual(['NS', 'SOA']);
    expect(sim.call(r53, 'GetHostedZone', { Id: id.replace('/hostedzone/', '') }).HostedZone.Id).toBe(id);
    expectSimError(() => zone(sim, 'Example.COM'), 'HostedZoneAlreadyExists');
    expectSimError(() => sim.call(r53, 'GetHostedZone', { Id: 'Z0NOPE' }), 'NoSuchHostedZone', 'No hosted zone found with ID: Z0NOPE');
    expectSimError(() => sim.call(r53, 'CreateHostedZone', { Name: 'bad_name!.com', CallerReference: 'x' }), 'InvalidDomainName');
  });

  it('lists zones, by name in reversed-label order', () => {
    const sim = makeSim();
    for (const n of ['b.example.org', 'example.com', 'a.example.com']) zone(sim, n);
    const byName = sim.call(r53, 'ListHostedZonesByName', {}).HostedZones.map((z: any) => z.Name);
    expect(byName).toEqual(['example.com.', 'a.example.com.', 'b.example.org.']);
    const from = sim.call(r53, 'ListHostedZonesByName', { DNSName: 'a.example.com', MaxItems: 1 });
    expect(from.HostedZones.map((z: any) => z.Name)).toEqual(['a.example.com.']);
    expect(from).toMatchObject({ IsTruncated: true, NextDNSName: 'b.example.org.' });
    const page = sim.call(r53, 'ListHostedZones', { MaxItems: 2 });
    expect(page.HostedZones).toHaveLength(2);
    expect(sim.call(r53, 'ListHostedZones', { Marker: page.NextMarker }).HostedZones).toHaveLength(1);
  });

  it('deletes only an empty zone', () => {
    const sim = makeSim();
    const id = zone(sim).HostedZone.Id;
    change(sim, id, ['CREATE', a('www.example.com', '192.0.2.1')]);
    expectSimError(() => sim.call(r53, 'DeleteHostedZone', { Id: id }), 'HostedZoneNotEmpty');
    change(sim, id, ['DELETE', a('www.example.com.', '192.0.2.1')]);
    expect(sim.call(r53, 'DeleteHostedZone', { Id: id }).ChangeInfo.Status).toBe('PENDING');
    expectSimError(() => sim.call(r53, 'GetHostedZone', { Id: id }), 'NoSuchHostedZone');
  });

  it('tags zones', () => {
    const sim = makeSim();
    const id = zone(sim).HostedZone.Id.replace('/hostedzone/', '');
    sim.call(r53, 'ChangeTagsForResource', { ResourceType: 'hostedzone', ResourceId: id, AddTags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] });
    sim.call(r53, 'ChangeTagsForResource', { ResourceType: 'hostedzone', ResourceId: id, RemoveTagKeys: ['b'] });
    expect(sim.call(r53, 'ListTagsForResource', { ResourceType: 'hostedzone', ResourceId: id }).ResourceTagSet).toEqual({
      ResourceType: 'hostedzone', ResourceId: id, Tags: [{ Key: 'a', Value: '1' }],
    });
  });
});

describe('Route 53 ChangeResourceRecordSets', () => {
  it('creates, upserts, deletes exactly; changes go PENDING → INSYNC', () => {
    const sim = makeSim();
    const id = zone(sim).HostedZone.Id;
    const info = change(sim, id, ['CREATE', a('www.example.com', '192.0.2.1')]);
    expect(sim.call(r53, 'GetChange', { Id: info.Id }).ChangeInfo.Status).toBe('PENDING');
    sim.advance(45_000);
    sim.reload();
    expect(sim.call(r53, 'GetChange', { Id: info.Id.replace('/change/', '') }).ChangeInfo.Status).toBe('INSYNC');
    expectSimError(() => sim.call(r53, 'GetChange', { Id: '/change/C0NOPE' }), 'NoSuchChange');
    expectSimError(() => change(sim, id, ['CREATE', a('www.example.com', '192.0.2.9')]), 'InvalidChangeBatch',
      "[Tried to create resource record set [name='www.example.com.', type='A'] but it already exists]");
    change(sim, id, ['UPSERT', a('www.example.com', '192.0.2.2', { TTL: 60 })]);
    expectSimError(() => change(sim, id, ['DELETE', a('www.example.com', '192.0.2.2')]), 'InvalidChangeBatch',
      "[Tried to delete resource record set [name='www.example.com.', type='A'] but the values provided do not match the current values]");
    expectSimError(() => change(sim, id, ['DELETE', a('api.example.com', '192.0.2.2')]), 'InvalidChangeBatch',
      "[Tried to delete resource record set [name='api.example.com.', type='A'] but it was not found]");
    change(sim, id, ['DELETE', a('WWW.example.com.', '192.0.2.2', { TTL: 60 })]);
    expect(records(sim, id)).toHaveLength(2);
  });

  it('is atomic and reports every problem of a batch', () => {
    const sim = makeSim();
    const id = zone(sim).HostedZone.Id;
    const err = expectSimError(() => change(sim, id,
      ['CREATE', a('ok.example.com', '192.0.2.1')],
      ['CREATE', a('www.other.org', '192.0.2.1')],
      ['CREATE', a('bad.example.com', '999.1.1.1')],
    ), 'InvalidChangeBatch');
    expect((err as unknown as { messages: string[] }).messages).toEqual([
      'RRSet with DNS name www.other.org. is not permitted in zone example.com.',
      "Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '999.1.1.1''",
    ]);
    expect(records(sim, id)).toHaveLength(2);
    // DELETE then CREATE of the same set in one batch is the normal replace.
    change(sim, id, ['CREATE', a('www.example.com', '192.0.2.1')]);
    change(sim, id, ['DELETE', a('www.example.com', '192.0.2.1')], ['CREATE', { Name: 'www.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'lb.example.net' }] }]);
    expect(records(sim, id).find((r: any) => r.Name === 'www.example.com.').Type).toBe('CNAME');
    expectSimError(() => change(sim, id, ['UPSERT', a('x.example.com', '192.0.2.1')], ['UPSERT', a('x.example.com', '192.0.2.2')]),
      'InvalidChangeBatch', "[The request contains an invalid set of changes for a resource record set 'A x.example.com.']");
  });

  it('enforces the CNAME rules', () => {
    const sim = makeSim();
    const id = zone(sim).HostedZone.Id;
    const cname = (name: string) => ({ Name: name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'target.example.net' }] });
    expectSimError(() => change(sim, id, ['CREATE', cname('example.com')]), 'InvalidChangeBatch',
      '[RRSet of type CNAME with DNS name example.com. is not permitted at apex in zone example.com.]');
    change(sim, id, ['CREATE', a('www.example.com', '192.0.2.1')]);
    expectSimError(() => change(sim, id, ['CREATE', cname('www.example.com')]), 'InvalidChangeBatch',
      '[RRSet of type CNAME with DNS name www.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com.]');
    change(sim, id, ['CREATE', cname('app.example.com')]);
    expectSimError(() => change(sim, id, ['CREATE', a('app.example.com', '192.0.2.1')]), 'InvalidChangeBatch',
      '[RRSet of type A with DNS name app.example.com. is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone example.com.]');
    expectSimError(() => change(sim, id, ['UPSERT', { ...cname('two.example.com'), ResourceRecords: [{ Value: 'a.net' }, { Value: 'b.net' }] }]), 'InvalidChangeBatch', /RRCountMismatch/);
  });

  it('supports weighted records and refuses mixing them with a simple set', () => {
    const sim = makeSim();
    const id = zone(sim).HostedZone.Id;
    change(sim, id,
      ['CREATE', a('www.example.com', '192.0.2.1', { SetIdentifier: 'old', Weight: 90 })],
      ['CREATE', a('www.example.com', '192.0.2.2', { SetIdentifier: 'new', Weight: 10 })],
    );
    change(sim, id, ['UPSERT', a('www.example.com', '192.0.2.2', { SetIdentifier: 'new', Weight: 50 })]);
    const weighted = records(sim, id).filter((r: any) => r.Name === 'www.example.com.');
    expect(weighted.map((r: any) => [r.SetIdentifier, r.Weight])).toEqual([['new', 50], ['old', 90]]);
    expectSimError(() => change(sim, id, ['CREATE', a('www.example.com', '192.0.2.3')]), 'InvalidChangeBatch',
      '[RRSet with DNS name www.example.com., type A cannot be created as weighted sets exist with the same name and type.]');
    change(sim, id, ['CREATE', a('api.example.com', '192.0.2.3')]);
    expectSimError(() => change(sim, id, ['CREATE', a('api.example.com', '192.0.2.4', { SetIdentifier: 'b', Weight: 1 })]), 'InvalidChangeBatch',
      '[RRSet with DNS name api.example.com., type A, SetIdentifier b cannot be created as a non-weighted set exists with the same name and type.]');
    expectSimError(() => change(sim, id, ['DELETE', a('www.example.com', '192.0.2.1', { SetIdentifier: 'old', Weight: 80 })]), 'InvalidChangeBatch',
      "[Tried to delete resource record set [name='www.example.com.', type='A', set-identifier='old'] but the values provided do not match the current values]");
    expectSimError(() => change(sim, id, ['CREATE', a('w.example.com', '192.0.2.1', { SetIdentifier: 'x', Weight: 256 })]), 'InvalidInput', /less than or equal to 255/);
    expectSimError(() => change(sim, id, ['CREATE', a('w.example.com', '192.0.2.1', { SetIdentifier: 'x' })]), 'InvalidInput', /Expected exactly one of \[Weight/);
    expectSimError(() => change(sim, id, ['CREATE', a('w.example.com', '192.0.2.1', { Weight: 1 })]), 'InvalidInput', /Missing field 'SetIdentifier'/);
  });

  it('supports alias records and validates their shape', () => {
    const sim = makeSim();
    const id = zone(sim).HostedZone.Id;
    const bare = id.replace('/hostedzone/', '');
    const alias = { Name: 'example.com', Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'my-alb-123.us-east-1.elb.amazonaws.com', EvaluateTargetHealth: true } };
    change(sim, id, ['CREATE', alias]);
    expect(records(sim, id).find((r: any) => r.Type === 'A')).toEqual({
      Name: 'example.com.', Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'my-alb-123.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: true },
    });
    expectSimError(() => change(sim, id, ['CREATE', { ...alias, Name: 'x.example.com', TTL: 60 }]), 'InvalidInput',
      'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one in Change with [Action=CREATE, Name=x.example.com, Type=A, SetIdentifier=null]');
    expectSimError(() => change(sim, id, ['CREATE', { Name: 'y.example.com', Type: 'A', TTL: 60 }]), 'InvalidInput', /but found none/);
    expectSimError(() => change(sim, id, ['CREATE', { Name: 'w.example.com', Type: 'A', AliasTarget: { HostedZoneId: bare, DNSName: 'missing.example.com', EvaluateTargetHealth: false } }]),
      'InvalidChangeBatch', /but that target was not found/);
    expectSimError(() => change(sim, id, ['CREATE', a('t.example.com', '192.0.2.1', { TTL: 2147483648 })]), 'InvalidInput', /less than or equal to 2147483647/);
    expectSimError(() => change(sim, id, ['CREATE', a('t.example.com', '192.0.2.1', { TTL: -1 })]), 'InvalidInput', /greater than or equal to 0/);
  });

  it('refuses an AWS endpoint alias whose hosted zone id is not its region\'s ("Elastic Load Balancing endpoints and quotas")', () => {
    const sim = makeSim();
    const id = zone(sim).HostedZone.Id;
    const elb = (HostedZoneId: string, DNSName: string) => ({ Name: 'www.example.com', Type: 'A', AliasTarget: { HostedZoneId, DNSName, EvaluateTargetHealth: true } });
    // eu-west-1's ALB zone for a us-east-1 load balancer; the NLB zone for an ALB name.
    expectSimError(() => change(sim, id, ['CREATE', elb('Z32O12XQLNTSW2', 'dualstack.my-alb-123.us-east-1.elb.amazonaws.com')]), 'InvalidChangeBatch',
      '[Tried to create an alias that targets dualstack.my-alb-123.us-east-1.elb.amazonaws.com., type A in zone Z32O12XQLNTSW2, but the alias target name does not lie within the target zone]');
    expectSimError(() => change(sim, id, ['CREATE', elb('Z26RNL4JYFTOTI', 'my-alb-123.us-east-1.elb.amazonaws.com')]), 'InvalidChangeBatch', /in zone Z26RNL4JYFTOTI, but the alias target name does not lie within the target zone/);
    change(sim, id, ['CREATE', elb('ZLMOA37VPKANP', 'my-nlb-0123456789abcdef.elb.us-east-2.amazonaws.com')]);
    expect(records(sim, id).find((r: any) => r.Name === 'www.example.com.').AliasTarget.HostedZoneId).toBe('ZLMOA37VPKANP');
  });

  it('keeps the apex SOA and NS', () => {
    const sim = makeSim();
    const id = zone(sim).HostedZone.Id;
    const [ns] = records(sim, id);
    expectSimError(() => change(sim, id, ['DELETE', ns]), 'InvalidChangeBatch', '[A HostedZone must contain at least one NS record for the zone itself.]');
    change(sim, id, ['UPSERT', { ...ns, TTL: 3600 }]);
  });

  it('lists record sets in Route 53 order with paging', () => {
    const sim = makeSim();
    const id = zone(sim).HostedZone.Id;
    change(sim, id,
      ['CREATE', a('www.example.com', '192.0.2.1')],
      ['CREATE', a('api.example.com', '192.0.2.2')],
      ['CREATE', { Name: 'example.com', Type: 'MX', TTL: 300, ResourceRecords: [{ Value: '10 mail.example.com' }] }],
      ['CREATE', { Name: '*.example.com', Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"v=spf1 -all"' }] }],
    );
    const all = records(sim, id).map((r: any) => `${r.Name} ${r.Type}`);
    expect(all).toEqual(['example.com. MX', 'example.com. NS', 'example.com. SOA', '\\052.example.com. TXT', 'api.example.com. A', 'www.example.com. A']);
    const page = sim.call(r53, 'ListResourceRecordSets', { HostedZoneId: id, StartRecordName: 'example.com', StartRecordType: 'NS', MaxItems: 2 });
    expect(page.ResourceRecordSets.map((r: any) => r.Type)).toEqual(['NS', 'SOA']);
    expect(page).toMatchObject({ IsTruncated: true, NextRecordName: '\\052.example.com.', NextRecordType: 'TXT', MaxItems: 2 });
    expectSimError(() => sim.call(r53, 'ListResourceRecordSets', { HostedZoneId: id, StartRecordType: 'A' }), 'InvalidInput');
  });
});

describe('seedHostedZone', () => {
  it('creates the operator zone once, with records already in sync', () => {
    const sim = makeSim();
    const seed = { name: 'shop.example', records: [{ Name: 'www.shop.example', Type: 'A', TTL: 3600, ResourceRecords: [{ Value: '203.0.113.10' }] }] };
    const first = seedHostedZone(sim.ctx, seed);
    const again = seedHostedZone(sim.ctx, seed);
    expect(again.hostedZoneId).toBe(first.hostedZoneId);
    expect(first.nameServers).toHaveLength(4);
    expect(sim.call(r53, 'ListHostedZones', {}).HostedZones).toHaveLength(1);
    const www = records(sim, first.hostedZoneId).find((r: any) => r.Name === 'www.shop.example.');
    expect(www).toEqual({ Name: 'www.shop.example.', Type: 'A', TTL: 3600, ResourceRecords: [{ Value: '203.0.113.10' }] });
    expect(() => seedHostedZone(sim.ctx, { name: 'shop.example', records: [{ Name: 'www.elsewhere.org', Type: 'A', TTL: 1, ResourceRecords: [{ Value: '1.2.3.4' }] }] })).toThrow(/not permitted in zone/);
  });
});
