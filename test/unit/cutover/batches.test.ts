import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { changeRecordSets, waitInsync } from '../../../src/aws/route53-retry.js';
import { UsageError } from '../../../src/errors.js';
import { simpleSwitchBatch, weightedBatches } from '../../../src/steps/cutover/batches.js';
import { setKey } from '../../../src/steps/cutover/records.js';
import { describeRecordSet } from '../../../src/aws/route53/record-sets.js';
import { parseNewTarget } from '../../../src/steps/cutover/targets.js';
import { a, aaaa, addressJson, cname, makeZone, txt, type TestZone } from './zone.js';

const WWW = 'www.example.com.';
const ALB_NAME = 'shop-alb-123.us-east-1.elb.amazonaws.com';
const ALB = `alias:${ALB_NAME}`;
const SCOPE = { zoneId: 'Z0EXAMPLE', zoneName: 'example.com.', record: 'www.example.com' };
let zone: TestZone | undefined;
afterEach(async () => {
  await zone?.close();
  zone = undefined;
});

function usageError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a UsageError matching ${pattern}`).toBeInstanceOf(UsageError);
  expect((caught as UsageError).exitCode).toBe(2);
  expect((caught as UsageError).message).toMatch(pattern);
  expect((caught as UsageError).message.split(/\.\s/).length).toBeLessThanOrEqual(2); // one sentence
  expect((caught as UsageError).hint).toBeTruthy();
}

const byKey = (sets: ResourceRecordSet[]) => [...sets].sort((x, y) => setKey(x).localeCompare(setKey(y)));
const names = (sets: ResourceRecordSet[]) => sets.filter((r) => r.Name === WWW).map(describeRecordSet);

describe('simpleSwitchBatch: the record type the target needs', () => {
  it('IPv4 → UPSERT of the A record (same type and kind)', async () => {
    zone = await makeZone('example.com', [a(WWW, '203.0.113.10', 60)]);
    const batch = simpleSwitchBatch(zone.scope(), await zone.list(), '198.51.100.7', 60);
    expect(batch.Changes).toEqual([{ Action: 'UPSERT', ResourceRecordSet: { Name: WWW, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '198.51.100.7' }] } }]);
    expect(batch.Comment).toBe('promigrate cutover: www.example.com → A 198.51.100.7');
    expect(names(await zone.apply(batch))).toEqual(['A 198.51.100.7 (TTL 60)']);
  });

  it('IPv6 → AAAA; the old A goes in the same batch (no stale address left behind)', async () => {
    zone = await makeZone('example.com', [a(WWW, '203.0.113.10', 60)]);
    const batch = simpleSwitchBatch(zone.scope(), await zone.list(), '2001:db8::7', 60);
    expect(batch.Changes!.map((c) => `${c.Action} ${c.ResourceRecordSet!.Type}`)).toEqual(['DELETE A', 'CREATE AAAA']);
    expect(names(await zone.apply(batch))).toEqual(['AAAA 2001:db8::7 (TTL 60)']);
  });

  it('host name → CNAME: A → CNAME is DELETE the A, then CREATE the CNAME, in one batch', async () => {
    zone = await makeZone('example.com', [a(WWW, '203.0.113.10', 60)]);
    const batch = simpleSwitchBatch(zone.scope(), await zone.list(), 'App.Example.NET', 60);
    expect(batch.Changes).toEqual([
      { Action: 'DELETE', ResourceRecordSet: { Name: WWW, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '203.0.113.10' }] } },
      { Action: 'CREATE', ResourceRecordSet: { Name: WWW, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'app.example.net.' }] } },
    ]);
    expect(names(await zone.apply(batch))).toEqual(['CNAME app.example.net. (TTL 60)']);
  });

  it('CNAME → A is DELETE + CREATE too', async () => {
    zone = await makeZone('example.com', [cname(WWW, 'web1.hosting.example.net', 300)]);
    const batch = simpleSwitchBatch(zone.scope(), await zone.list(), '198.51.100.7', 60);
    expect(batch.Changes!.map((c) => `${c.Action} ${c.ResourceRecordSet!.Type}`)).toEqual(['DELETE CNAME', 'CREATE A']);
    expect(names(await zone.apply(batch))).toEqual(['A 198.51.100.7 (TTL 60)']);
  });

  it('alias: → alias A with the load balancer\'s canonical zone; A values → alias is DELETE + CREATE', async () => {
    zone = await makeZone('example.com', [a(WWW, '203.0.113.10', 60), aaaa(WWW, '2001:db8::10', 60), txt(WWW, 'keep')]);
    const batch = simpleSwitchBatch(zone.scope(), await zone.list(), ALB, 60);
    expect(batch.Changes).toEqual([
      { Action: 'DELETE', ResourceRecordSet: { Name: WWW, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '203.0.113.10' }] } },
      { Action: 'DELETE', ResourceRecordSet: { Name: WWW, Type: 'AAAA', TTL: 60, ResourceRecords: [{ Value: '2001:db8::10' }] } },
      {
        Action: 'CREATE',
        ResourceRecordSet: { Name: WWW, Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: `${ALB_NAME}.`, EvaluateTargetHealth: true } },
      },
    ]);
    const after = await zone.apply(batch);
    expect(names(after)).toEqual([`A alias ${ALB_NAME}`, 'TXT "keep" (TTL 300)']);
  });

  it('alias at the zone apex is fine; CloudFront gets Z2FDTNDATAQYW2 and no health evaluation', async () => {
    zone = await makeZone('example.com', [a('example.com.', '203.0.113.10', 60)]);
    const batch = simpleSwitchBatch(zone.scope('example.com'), await zone.list(), 'alias:d111111abcdef8.cloudfront.net', 60);
    expect(batch.Changes!.at(-1)!.ResourceRecordSet!.AliasTarget).toEqual({
      HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'd111111abcdef8.cloudfront.net.', EvaluateTargetHealth: false,
    });
    await zone.apply(batch);
  });

  it('replaces an operator\'s weighted sets with the simple record (DELETE each, CREATE)', async () => {
    zone = await makeZone('example.com', [
      { ...a(WWW, '203.0.113.10', 60), SetIdentifier: 'dc1', Weight: 1 },
      { ...a(WWW, '203.0.113.11', 60), SetIdentifier: 'dc2', Weight: 1 },
    ]);
    const batch = simpleSwitchBatch(zone.scope(), await zone.list(), '198.51.100.7', 60);
    expect(batch.Changes!.map((c) => c.Action)).toEqual(['DELETE', 'DELETE', 'CREATE']);
    expect(names(await zone.apply(batch))).toEqual(['A 198.51.100.7 (TTL 60)']);
  });
});

describe('weightedBatches', () => {
  it('10 → 50 → 100: one atomic conversion, UPSERTs of both, then back to one simple record', async () => {
    zone = await makeZone('example.com', [a(WWW, '203.0.113.10', 60), aaaa(WWW, '2001:db8::10', 60)]);
    const steps = weightedBatches(zone.scope(), await zone.list(), ALB, [10, 50, 100], 60);
    expect(steps.map((s) => s.weight)).toEqual([10, 50, 100]);
    const alias = { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: `${ALB_NAME}.`, EvaluateTargetHealth: true };
    const old = (w: number) => ({ Name: WWW, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '203.0.113.10' }], SetIdentifier: 'promigrate-old', Weight: w });
    const neu = (w: number) => ({ Name: WWW, Type: 'A', AliasTarget: alias, SetIdentifier: 'promigrate-new', Weight: w });
    expect(steps[0]!.batch.Changes).toEqual([
      { Action: 'DELETE', ResourceRecordSet: a(WWW, '203.0.113.10', 60) },
      { Action: 'CREATE', ResourceRecordSet: old(90) },
      { Action: 'CREATE', ResourceRecordSet: neu(10) },
    ]);
    expect(steps[1]!.batch.Changes).toEqual([
      { Action: 'UPSERT', ResourceRecordSet: old(50) },
      { Action: 'UPSERT', ResourceRecordSet: neu(50) },
    ]);
    expect(steps[2]!.batch.Changes).toEqual([
      { Action: 'DELETE', ResourceRecordSet: aaaa(WWW, '2001:db8::10', 60) },
      { Action: 'DELETE', ResourceRecordSet: old(50) },
      { Action: 'DELETE', ResourceRecordSet: neu(50) },
      { Action: 'CREATE', ResourceRecordSet: { Name: WWW, Type: 'A', AliasTarget: alias } },
    ]);
    // Route 53 (the sandbox's rules) accepts every batch in order, and `after` predicts the result
    for (const step of steps) {
      const listed = await zone.apply(step.batch);
      expect(byKey(JSON.parse(addressJson(listed)))).toEqual(byKey(step.after));
    }
    expect(names(await zone.list())).toEqual([`A alias ${ALB_NAME}`]);
  });

  it('the weighted copy of the old record never has a longer TTL than the cutover TTL', () => {
    const steps = weightedBatches(SCOPE, [a(WWW, '203.0.113.10', 3600)], '198.51.100.7', [50, 100], 60);
    expect(steps[0]!.batch.Changes![1]!.ResourceRecordSet).toMatchObject({ SetIdentifier: 'promigrate-old', TTL: 60, Weight: 50 });
  });

  it('CNAME → CNAME ramps as weighted CNAMEs', async () => {
    zone = await makeZone('example.com', [cname(WWW, 'web1.hosting.example.net', 60)]);
    const steps = weightedBatches(zone.scope(), await zone.list(), 'app.example.net', [30, 100], 60);
    expect(names(await zone.apply(steps[0]!.batch))).toEqual([
      'CNAME app.example.net. (TTL 60) [promigrate-new weight 30]',
      'CNAME web1.hosting.example.net (TTL 60) [promigrate-old weight 70]',
    ]);
    expect(names(await zone.apply(steps[1]!.batch))).toEqual(['CNAME app.example.net. (TTL 60)']);
  });

  it('[100] alone is the simple switch', () => {
    const steps = weightedBatches(SCOPE, [a(WWW, '203.0.113.10', 60)], ALB, [100], 60);
    expect(steps).toHaveLength(1);
    expect(steps[0]!.batch).toEqual(simpleSwitchBatch(SCOPE, [a(WWW, '203.0.113.10', 60)], ALB, 60));
  });

  it('refuses a type mismatch, an existing routing policy and bad weights', () => {
    usageError(() => weightedBatches(SCOPE, [cname(WWW, 'web1.hosting.example.net')], ALB, [10, 100], 60), /is a CNAME record today but the new target needs an A record/);
    usageError(() => weightedBatches(SCOPE, [a(WWW, '203.0.113.10')], 'app.example.net', [10, 100], 60), /is a A record today but the new target needs a CNAME record/);
    usageError(
      () => weightedBatches(SCOPE, [{ ...a(WWW, '203.0.113.10'), SetIdentifier: 'dc1', Weight: 1 }], '198.51.100.7', [10, 100], 60),
      /already uses a routing policy/,
    );
    for (const w of [[], [50, 10, 100], [10, 50], [0, 100], [10, 10, 100], [10.5, 100]]) {
      usageError(() => weightedBatches(SCOPE, [a(WWW, '203.0.113.10')], '198.51.100.7', w, 60), /is not an ascending list of percentages ending at 100/);
    }
  });
});

describe('bad input: one clear sentence, exit 2, a hint', () => {
  const current = [a(WWW, '203.0.113.10', 60)];

  it('CNAME at the zone apex', () => {
    usageError(() => simpleSwitchBatch({ ...SCOPE, record: 'example.com' }, [a('example.com.', '1.2.3.4')], 'app.example.net', 60), /example\.com is the zone apex, where DNS forbids a CNAME/);
  });

  it('CNAME beside other records of the name', () => {
    usageError(() => simpleSwitchBatch(SCOPE, [...current, txt(WWW, 'x')], 'app.example.net', 60), /also has TXT records, which DNS does not allow next to a CNAME/);
  });

  it('record name outside the zone', () => {
    usageError(() => simpleSwitchBatch({ ...SCOPE, record: 'www.example.org' }, current, '198.51.100.7', 60), /www\.example\.org is outside the hosted zone example\.com/);
    usageError(() => simpleSwitchBatch({ ...SCOPE, record: 'notexample.com' }, current, '198.51.100.7', 60), /outside the hosted zone/);
  });

  it('TTL out of range', () => {
    usageError(() => simpleSwitchBatch(SCOPE, current, '198.51.100.7', -5), /TTL -5 is out of range/);
    usageError(() => weightedBatches(SCOPE, current, '198.51.100.7', [100], 2 ** 31), /TTL 2147483648 is out of range/);
  });

  it('a new target that is valid for no record type', () => {
    usageError(() => simpleSwitchBatch(SCOPE, current, 'not a host!', 60), /is not an IP address, a host name or alias:<AWS DNS name>/);
    usageError(() => simpleSwitchBatch(SCOPE, current, '300.1.2.3', 60), /is not an IP address, a host name/);
    usageError(() => simpleSwitchBatch(SCOPE, current, 'alias:', 60), /does not name a DNS host/);
    usageError(() => simpleSwitchBatch(SCOPE, current, 'www.example.com', 60), /is the record itself/);
    usageError(() => simpleSwitchBatch(SCOPE, current, 'alias:www.example.com', 60), /is the record itself/);
  });

  it('an alias to an unknown target (or an S3 website under another name)', () => {
    usageError(() => simpleSwitchBatch(SCOPE, current, 'alias:app.example.net', 60), /alias:app\.example\.net is not an AWS endpoint promigrate knows/);
    usageError(() => simpleSwitchBatch(SCOPE, current, 'alias:my-alb.elb.amazonaws.com', 60), /not an AWS endpoint promigrate knows/);
    usageError(() => simpleSwitchBatch(SCOPE, current, 'alias:x-1.xx-nowhere-9.elb.amazonaws.com', 60), /not an AWS endpoint promigrate knows/);
    usageError(() => simpleSwitchBatch(SCOPE, current, 'alias:other.example.com.s3-website-us-east-1.amazonaws.com', 60), /S3 website of bucket other\.example\.com/);
    usageError(() => simpleSwitchBatch(SCOPE, current, 'alias:app.example.net', 60, { aliasHostedZoneId: 'nope' }), /is not a Route 53 zone id/);
  });

  it('no current record to cut over from, unless that is expected', () => {
    usageError(() => simpleSwitchBatch(SCOPE, [txt(WWW, 'x')], '198.51.100.7', 60), /has no A, AAAA or CNAME record .*nothing to cut over from/);
    usageError(() => weightedBatches(SCOPE, [], '198.51.100.7', [10, 100], 60), /nothing to cut over from/);
    expect(simpleSwitchBatch(SCOPE, [], '198.51.100.7', 60, { allowMissing: true }).Changes!.map((c) => c.Action)).toEqual(['CREATE']);
  });
});

describe('sent through the retry helper to the sandbox', () => {
  it('applies each ramp batch and waits for INSYNC on the simulated clock', async () => {
    zone = await makeZone('example.com', [a(WWW, '203.0.113.10', 60)]);
    const steps = weightedBatches(zone.scope(), await zone.list(), '198.51.100.7', [50, 100], 60);
    for (const step of steps) {
      const change = await changeRecordSets(zone.route53, zone.zoneId, step.batch, { clock: zone.clock });
      expect(change.Status).toBe('PENDING');
      const t0 = zone.clock.now();
      const insync = await waitInsync(zone.route53, change.Id!, zone.clock);
      expect(insync.value.Status).toBe('INSYNC');
      expect(zone.clock.now() - t0).toBeGreaterThanOrEqual(45_000); // the sandbox's propagation time
    }
    expect(names(await zone.list())).toEqual(['A 198.51.100.7 (TTL 60)']);
  });
});

describe('parseNewTarget', () => {
  it('derives alias zones, accepts a given one, and aliases within the zone', () => {
    expect(parseNewTarget(SCOPE, 'alias:dualstack.shop-alb-123.eu-west-1.elb.amazonaws.com')).toMatchObject({ hostedZoneId: 'Z32O12XQLNTSW2', service: 'alb', evaluateTargetHealth: true });
    expect(parseNewTarget(SCOPE, 'alias:shop-nlb-0123456789abcdef.elb.ap-northeast-2.amazonaws.com')).toMatchObject({ hostedZoneId: 'ZIBE1TIR4HY56', service: 'nlb' });
    expect(parseNewTarget(SCOPE, 'alias:www.example.com.s3-website.eu-central-1.amazonaws.com')).toMatchObject({ hostedZoneId: 'Z21DNDUVLTQW6Q', service: 's3-website', evaluateTargetHealth: false });
    expect(parseNewTarget(SCOPE, 'alias:abc123.execute-api.us-east-1.amazonaws.com', { aliasHostedZoneId: '/hostedzone/Z1UJRXOUMOOFQ8' })).toMatchObject({ hostedZoneId: 'Z1UJRXOUMOOFQ8', service: 'given' });
    expect(parseNewTarget(SCOPE, 'alias:app.example.com')).toMatchObject({ hostedZoneId: 'Z0EXAMPLE', service: 'same-zone', evaluateTargetHealth: false });
    expect(parseNewTarget(SCOPE, 'alias:a1234567890abcdef.awsglobalaccelerator.com')).toMatchObject({ hostedZoneId: 'Z2BJ6XQ5FK7U4H' });
    expect(parseNewTarget(SCOPE, ALB, { evaluateTargetHealth: false })).toMatchObject({ evaluateTargetHealth: false });
    expect(parseNewTarget(SCOPE, '2001:db8::7')).toEqual({ kind: 'ipv6', type: 'AAAA', value: '2001:db8::7' });
  });
});
