import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { simpleSwitchBatch, weightedBatches } from '../../../src/steps/cutover/batches.js';
import { applyChanges, oldTtlExpiresAt, restoreBatch, rollbackImage, ttlLoweringBatch } from '../../../src/steps/cutover/records.js';
import { describeRecordSet, pointsAt } from '../../../src/aws/route53/record-sets.js';
import { a, aaaa, addressJson, cname, makeZone, txt, type TestZone } from './zone.js';

const WWW = 'www.example.com.';
const ALB = 'alias:shop-alb-123.us-east-1.elb.amazonaws.com';
let zone: TestZone | undefined;
afterEach(async () => {
  await zone?.close();
  zone = undefined;
});

function usageError(fn: () => unknown, pattern: RegExp): UsageError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(UsageError);
  expect((caught as UsageError).exitCode).toBe(2);
  expect((caught as UsageError).message).toMatch(pattern);
  expect((caught as UsageError).hint).toBeTruthy();
  return caught as UsageError;
}

describe('rollbackImage', () => {
  it('saves the name\'s A/AAAA/CNAME sets verbatim (weighted and alias included), nothing else', async () => {
    zone = await makeZone('example.com', [
      { ...a(WWW, '203.0.113.10', 300), SetIdentifier: 'dc1', Weight: 70 },
      { ...a(WWW, '203.0.113.11', 300), SetIdentifier: 'dc2', Weight: 30 },
      aaaa(WWW, '2001:db8::10'),
      txt(WWW, 'v=spf1 -all'),
      a('api.example.com', '203.0.113.20'),
    ]);
    const listed = await zone.list();
    const image = rollbackImage(zone.scope(), listed);
    expect(image.name).toBe(WWW);
    expect(image.zoneId).toBe(zone.zoneId);
    expect(image.recordSets.map(describeRecordSet)).toEqual([
      'A 203.0.113.10 (TTL 300) [dc1 weight 70]',
      'A 203.0.113.11 (TTL 300) [dc2 weight 30]',
      'AAAA 2001:db8::10 (TTL 3600)',
    ]);
    expect(JSON.stringify(image.recordSets)).toBe(addressJson(listed));
    // a copy: later edits of the listing do not reach the saved image
    listed[0]!.TTL = 1;
    expect(image.recordSets[0]!.TTL).toBe(300);
  });

  it('refuses a missing record (unless expected), a record outside the zone, a half-done cutover, a traffic policy', async () => {
    zone = await makeZone('example.com', [a('api.example.com', '203.0.113.20')]);
    const listed = await zone.list();
    usageError(() => rollbackImage(zone!.scope(), listed), /www\.example\.com has no A, AAAA or CNAME record .*nothing to cut over from/);
    expect(rollbackImage(zone.scope(), listed, { allowMissing: true }).recordSets).toEqual([]);
    usageError(() => rollbackImage(zone!.scope('www.example.org'), listed), /www\.example\.org is outside the hosted zone example\.com/);
    const half = [{ ...a(WWW, '203.0.113.10', 60), SetIdentifier: 'promigrate-old', Weight: 90 }];
    usageError(() => rollbackImage(zone!.scope(), half), /already holds promigrate's weighted records/);
    const policy = [{ Name: WWW, Type: 'A', TrafficPolicyInstanceId: 'tp-1', TTL: 60, ResourceRecords: [{ Value: '1.2.3.4' }] } as ResourceRecordSet];
    usageError(() => rollbackImage(zone!.scope(), policy), /traffic policy instance tp-1/);
  });
});

describe('restoreBatch: the saved records come back byte for byte', () => {
  // A TXT at the name shows what cutover leaves alone (not beside a CNAME: DNS forbids that).
  const cases: Array<{ title: string; records: ResourceRecordSet[]; noTxt?: boolean; forward: (z: TestZone, listed: ResourceRecordSet[]) => Promise<void> }> = [
    {
      title: 'A → alias A (simple switch)',
      records: [a(WWW, '203.0.113.10')],
      forward: async (z, listed) => void (await z.apply(simpleSwitchBatch(z.scope(), listed, ALB, 60))),
    },
    {
      title: 'A + AAAA → CNAME (type change, AAAA deleted)',
      records: [a(WWW, '203.0.113.10'), aaaa(WWW, '2001:db8::10', 600)],
      noTxt: true,
      forward: async (z, listed) => void (await z.apply(simpleSwitchBatch(z.scope(), listed, 'shop-alb-123.us-east-1.elb.amazonaws.com', 60))),
    },
    {
      title: 'CNAME → A',
      records: [cname(WWW, 'web1.hosting.example.net')],
      noTxt: true,
      forward: async (z, listed) => void (await z.apply(simpleSwitchBatch(z.scope(), listed, '198.51.100.7', 60))),
    },
    {
      title: 'alias A → A (alias to values)',
      records: [{ Name: WWW, Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'old-alb-1.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: true } }],
      forward: async (z, listed) => void (await z.apply(simpleSwitchBatch(z.scope(), listed, '198.51.100.7', 60))),
    },
    {
      title: 'operator weighted sets → simple A',
      records: [
        { ...a(WWW, '203.0.113.10', 300), SetIdentifier: 'dc1', Weight: 70 },
        { ...a(WWW, '203.0.113.11', 300), SetIdentifier: 'dc2', Weight: 30 },
      ],
      forward: async (z, listed) => void (await z.apply(simpleSwitchBatch(z.scope(), listed, '198.51.100.7', 60))),
    },
    {
      title: 'partial weighted ramp (stopped at 50 %)',
      records: [a(WWW, '203.0.113.10'), aaaa(WWW, '2001:db8::10')],
      forward: async (z, listed) => {
        const steps = weightedBatches(z.scope(), listed, ALB, [10, 50, 100], 60);
        await z.apply(steps[0]!.batch);
        await z.apply(steps[1]!.batch);
      },
    },
    {
      title: 'complete weighted ramp, after the TTL was lowered',
      records: [a(WWW, '203.0.113.10')],
      forward: async (z, listed) => {
        const lowered = await z.apply(ttlLoweringBatch(z.scope(), listed, 60));
        for (const step of weightedBatches(z.scope(), lowered, '198.51.100.7', [25, 100], 60)) await z.apply(step.batch);
      },
    },
  ];

  for (const c of cases) {
    it(c.title, async () => {
      zone = await makeZone('example.com', [...c.records, ...(c.noTxt ? [] : [txt(WWW, 'keep me')])]);
      const before = await zone.list();
      const image = rollbackImage(zone.scope(), before);
      const saved = JSON.parse(JSON.stringify(image)); // what state.json holds
      await c.forward(zone, before);
      const changed = await zone.list();
      expect(addressJson(changed)).not.toBe(addressJson(before));
      const batch = restoreBatch(saved, changed)!;
      const restored = await zone.apply(batch);
      expect(addressJson(restored)).toBe(JSON.stringify(saved.recordSets));
      expect(JSON.stringify(restored)).toBe(JSON.stringify(before)); // the TXT too: untouched
      // deletions come first, so type/policy changes are legal in the one batch
      const actions = batch.Changes!.map((ch) => ch.Action);
      expect(actions.join(',')).toMatch(/^(DELETE,)*(UPSERT|CREATE)(,(UPSERT|CREATE))*$/);
      // once restored there is nothing left to do
      expect(restoreBatch(saved, restored)).toBeUndefined();
    });
  }

  it('an empty image (the name was new) deletes what cutover created; nothing to do gives undefined', async () => {
    zone = await makeZone('example.com', []);
    const image = rollbackImage(zone.scope(), await zone.list(), { allowMissing: true });
    expect(restoreBatch(image, await zone.list())).toBeUndefined();
    const after = await zone.apply(simpleSwitchBatch(zone.scope(), await zone.list(), '198.51.100.7', 60, { allowMissing: true }));
    const batch = restoreBatch(image, after)!;
    expect(batch.Changes!.map((ch) => ch.Action)).toEqual(['DELETE']);
    expect(addressJson(await zone.apply(batch))).toBe('[]');
  });
});

describe('ttlLoweringBatch and oldTtlExpiresAt', () => {
  it('UPSERTs plain sets above the cutover TTL to it, keeping everything else', async () => {
    zone = await makeZone('example.com', [a(WWW, '203.0.113.10', 3600), aaaa(WWW, '2001:db8::10', 30), txt(WWW, 'x')]);
    const listed = await zone.list();
    const batch = ttlLoweringBatch(zone.scope(), listed, 60)!;
    expect(batch.Changes).toEqual([{ Action: 'UPSERT', ResourceRecordSet: { Name: WWW, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '203.0.113.10' }] } }]);
    const after = await zone.apply(batch);
    expect(after.filter((r) => r.Name === WWW).map((r) => `${r.Type}:${r.TTL}`)).toEqual(['A:60', 'AAAA:30', 'TXT:300']);
    expect(ttlLoweringBatch(zone.scope(), after, 60)).toBeUndefined();
  });

  it('keeps weighted identity, skips alias records', async () => {
    const listed: ResourceRecordSet[] = [
      { ...a(WWW, '203.0.113.10', 900), SetIdentifier: 'dc1', Weight: 1 },
      { Name: WWW, Type: 'AAAA', AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'd1.cloudfront.net.', EvaluateTargetHealth: false } },
    ];
    const batch = ttlLoweringBatch({ zoneId: 'Z1', zoneName: 'example.com', record: 'www.example.com' }, listed, 60)!;
    expect(batch.Changes).toEqual([{ Action: 'UPSERT', ResourceRecordSet: { ...listed[0], TTL: 60 } }]);
  });

  it('the old TTL expires max(TTL) after the lowering is in sync; an alias counts 60 s', () => {
    const t = Date.UTC(2025, 0, 6, 9);
    expect(oldTtlExpiresAt(t, [a(WWW, '1.2.3.4', 3600), aaaa(WWW, '::1', 86400)])).toBe(t + 86_400_000);
    expect(oldTtlExpiresAt(t, [{ Name: WWW, Type: 'A', AliasTarget: { HostedZoneId: 'Z', DNSName: 'x.', EvaluateTargetHealth: false } }])).toBe(t + 60_000);
    expect(oldTtlExpiresAt(t, [txt(WWW, 'ignored')])).toBe(t);
  });

  it('refuses a TTL Route 53 would not take', () => {
    const scope = { zoneId: 'Z1', zoneName: 'example.com', record: 'www.example.com' };
    for (const ttl of [-1, 1.5, 2_147_483_648]) usageError(() => ttlLoweringBatch(scope, [a(WWW, '1.2.3.4')], ttl), /TTL .* is out of range/);
    expect(ttlLoweringBatch(scope, [a(WWW, '1.2.3.4', 2_147_483_647)], 0)!.Changes![0]!.ResourceRecordSet!.TTL).toBe(0);
  });
});

describe('applyChanges', () => {
  it('predicts what Route 53 ends with', async () => {
    zone = await makeZone('example.com', [a(WWW, '203.0.113.10'), aaaa(WWW, '2001:db8::1')]);
    const listed = await zone.list();
    const batch = simpleSwitchBatch(zone.scope(), listed, 'app.example.net', 60);
    const predicted = applyChanges(listed.filter((r) => r.Name === WWW && r.Type !== 'TXT'), batch.Changes!);
    expect(predicted).toEqual(JSON.parse(addressJson(await zone.apply(batch))));
  });
});

describe('pointsAt (checks dns.currentTarget against Route 53)', () => {
  it('matches plain values and alias targets, case and trailing dot aside', () => {
    const sets: ResourceRecordSet[] = [a(WWW, '203.0.113.10'), cname('x.example.com.', 'Web1.Hosting.example.net.')];
    expect(pointsAt(sets, '203.0.113.10')).toBe(true);
    expect(pointsAt(sets, 'web1.hosting.example.net')).toBe(true);
    expect(pointsAt(sets, '203.0.113.11')).toBe(false);
    const alias: ResourceRecordSet[] = [{ Name: WWW, Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'old-1.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: true } }];
    expect(pointsAt(alias, 'alias:old-1.us-east-1.elb.amazonaws.com')).toBe(true);
    expect(pointsAt(alias, 'old-1.us-east-1.elb.amazonaws.com')).toBe(true);
  });
});

describe('batch comments', () => {
  it('stay within Route 53\'s 256 characters', () => {
    const label = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.example.com`;
    const long = { zoneId: 'Z1', zoneName: 'example.com', record: label };
    const batch = simpleSwitchBatch(long, [a(`${label}.`, '203.0.113.10')], `alias:${'d'.repeat(60)}.${'e'.repeat(60)}.us-east-1.elb.amazonaws.com`, 60);
    expect(batch.Comment!.length).toBeLessThanOrEqual(256);
  });
});
