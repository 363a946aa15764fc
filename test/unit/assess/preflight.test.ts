import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import type { MigrationConfig } from '../../../src/config/schema.js';
import { seedOperatorAccount } from '../../../src/aws/sandbox/seed.js';
import { awsPreflight } from '../../../src/steps/assess/preflight.js';
import { UsageError } from '../../../src/errors.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import { validInput } from '../config/fixtures.js';

function config(mutate: (c: Record<string, any>) => void = () => undefined): MigrationConfig {
  const input = validInput();
  input.aws = { region: 'us-east-1', mode: 'sandbox' };
  mutate(input);
  return parseConfigText(stringify(input), 'test.yaml', 'yaml');
}

async function preflight(cfg: MigrationConfig, seed = true) {
  const { clients } = await makeSandbox({ initWorld: seed ? (ctx) => seedOperatorAccount(ctx, cfg) : undefined });
  return awsPreflight(clients, cfg);
}

const ids = (r: Awaited<ReturnType<typeof preflight>>, severity: string) =>
  r.findings.filter((f) => f.severity === severity).map((f) => f.id);

describe('AWS pre-flight against the sandbox', () => {
  it('a ready account: identity, AZs, the record with its TTL, the engine offered — no blockers', async () => {
    const r = await preflight(config());
    expect(ids(r, 'blocker')).toEqual([]);
    expect(r.account).toMatch(/^\d{12}$/);
    expect(r.availabilityZones.length).toBeGreaterThanOrEqual(2);
    expect(r.record).toMatchObject({ name: 'www.example.com.', type: 'A', ttl: 3600, values: ['203.0.113.10'] });
    const record = r.findings.find((f) => f.id === 'aws.record')!;
    expect(record.fix).toContain('lowers the TTL to 60 s');
    expect(r.findings.find((f) => f.id === 'aws.engine-version')?.evidence).toContain('mysql 8.0');
  });

  it('a missing hosted zone is a blocker naming the zone', async () => {
    const r = await preflight(config(), false);
    const zone = r.findings.find((f) => f.id === 'aws.hosted-zone')!;
    expect(zone.severity).toBe('blocker');
    expect(zone.evidence).toContain('example.com');
  });

  it('a record that does not exist yet is a warning', async () => {
    const cfg = config();
    const { clients } = await makeSandbox({ initWorld: (ctx) => seedOperatorAccount(ctx, config((c) => (c.dns.record = 'shop.example.com'))) });
    const r = await awsPreflight(clients, cfg);
    expect(r.findings.find((f) => f.id === 'aws.record')?.severity).toBe('warning');
  });

  it('an existing VPC id that is not there, too many AZs, an engine version and a class not offered are blockers', async () => {
    const r = await preflight(
      config((c) => {
        c.network = { vpcId: 'vpc-0123456789abcdef0', azCount: 6 };
        c.target = { engineVersion: '5.1', instanceClass: 'db.z9.huge' };
      }),
    );
    expect(ids(r, 'blocker').sort()).toEqual(['aws.availability-zones', 'aws.engine-version', 'aws.vpc-not-found']);
    const r2 = await preflight(config((c) => (c.target = { instanceClass: 'db.z9.huge' })));
    expect(ids(r2, 'blocker')).toEqual(['aws.instance-class']);
  });

  it('NAT gateways per AZ are checked against the Elastic IP quota', async () => {
    const r = await preflight(config((c) => (c.network = { natGateways: 'per-az', azCount: 3 })));
    expect(r.findings.find((f) => f.id === 'aws.eip-quota')).toMatchObject({ severity: 'info', evidence: expect.stringContaining('3 NAT gateway(s) need 3 more') });
  });
});

describe('AWS pre-flight against a real endpoint', () => {
  it('rejected credentials are one clear usage error (exit 2)', async () => {
    const sts = mockClient(STSClient);
    const err = Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId', $fault: 'client' });
    sts.on(GetCallerIdentityCommand).rejects(err);
    const clients = { region: 'us-east-1', sts: Promise.resolve(new STSClient({ region: 'us-east-1' })) } as never;
    const failure = await awsPreflight(clients, config()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UsageError);
    expect((failure as UsageError).exitCode).toBe(2);
    expect((failure as UsageError).message).toBe('AWS rejected the credentials (InvalidClientTokenId: The security token included in the request is invalid.).');
    sts.restore();
  });
});
