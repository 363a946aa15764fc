import {
  ACMClient,
  ACMServiceException,
  AddTagsToCertificateCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  InvalidArnException,
  InvalidDomainValidationOptionsException,
  InvalidTagException,
  LimitExceededException,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RemoveTagsFromCertificateCommand,
  RequestCertificateCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  TooManyTagsException,
  ValidationException,
} from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/aws/sandbox/index.js';
import { acmSimulator, certificateStatus, markCertificateInUse } from '../../../src/aws/sandbox/services/acm.js';
import { route53Simulator, seedHostedZone } from '../../../src/aws/sandbox/services/route53.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import { makeSim } from './helpers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

let sandbox: Sandbox;
let acm: ACMClient;
let r53: Route53Client;

beforeEach(async () => {
  const made = await makeSandbox({ accountId: '123456789012' });
  sandbox = made.sandbox;
  acm = await made.clients.acm;
  r53 = await made.clients.route53;
});

async function failure(promise: Promise<unknown>): Promise<ACMServiceException> {
  try {
    await promise;
  } catch (err) {
    return err as ACMServiceException;
  }
  throw new Error('expected the call to fail');
}

const request = (DomainName = 'shop.example.com', extra: Record<string, unknown> = {}) =>
  acm.send(new RequestCertificateCommand({ DomainName, ValidationMethod: 'DNS', ...extra })).then((r) => r.CertificateArn!);
const describeCert = (arn: string) => acm.send(new DescribeCertificateCommand({ CertificateArn: arn })).then((r) => r.Certificate!);

async function upsertCname(zoneId: string, name: string, value: string) {
  const out = await r53.send(new ChangeResourceRecordSetsCommand({
    HostedZoneId: zoneId,
    ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: value }] } }] },
  }));
  return out.ChangeInfo!;
}

describe('ACM RequestCertificate / DescribeCertificate', () => {
  it('shows the DNS validation records only after a few seconds, then PENDING_VALIDATION with one CNAME per domain', async () => {
    const arn = await request('shop.example.com', { SubjectAlternativeNames: ['www.shop.example.com', 'shop.example.com', '*.shop.example.com'] });
    expect(arn).toMatch(/^arn:aws:acm:us-east-1:123456789012:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);

    const early = await describeCert(arn);
    expect(early).toMatchObject({ Status: 'PENDING_VALIDATION', Type: 'AMAZON_ISSUED', DomainName: 'shop.example.com', KeyAlgorithm: 'RSA-2048', InUseBy: [] });
    expect(early.SubjectAlternativeNames).toEqual(['shop.example.com', 'www.shop.example.com', '*.shop.example.com']);
    // Right after the request ACM has not generated the CNAMEs yet: a caller must poll.
    expect(early.DomainValidationOptions).toEqual([
      { DomainName: 'shop.example.com', ValidationMethod: 'DNS' },
      { DomainName: 'www.shop.example.com', ValidationMethod: 'DNS' },
      { DomainName: '*.shop.example.com', ValidationMethod: 'DNS' },
    ]);

    await sandbox.clock.sleep(sandbox.durations.acmResourceRecord);
    const cert = await describeCert(arn);
    const [apex, www, wildcard] = cert.DomainValidationOptions!;
    expect(apex).toMatchObject({ DomainName: 'shop.example.com', ValidationDomain: 'shop.example.com', ValidationStatus: 'PENDING_VALIDATION', ValidationMethod: 'DNS' });
    expect(apex!.ResourceRecord!.Name).toMatch(/^_[0-9a-f]{32}\.shop\.example\.com\.$/);
    expect(apex!.ResourceRecord!.Type).toBe('CNAME');
    expect(apex!.ResourceRecord!.Value).toMatch(/^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$/);
    expect(www!.ResourceRecord!.Name).toMatch(/^_[0-9a-f]{32}\.www\.shop\.example\.com\.$/);
    // A wildcard is validated by its base name's record.
    expect(wildcard!.ResourceRecord).toEqual(apex!.ResourceRecord);
    expect(cert.Serial).toBeUndefined();
    expect(cert.NotAfter).toBeUndefined();
  });

  it('is ISSUED once every CNAME answers from the public zone (change INSYNC) plus the validation delay', async () => {
    const { hostedZoneId } = seedHostedZone(sandbox.context(), { name: 'example.com' });
    const arn = await request('shop.example.com', { SubjectAlternativeNames: ['www.example.com'] });
    await sandbox.clock.sleep(sandbox.durations.acmResourceRecord);
    const [shop, www] = (await describeCert(arn)).DomainValidationOptions!;

    const c1 = await upsertCname(hostedZoneId, shop!.ResourceRecord!.Name!, shop!.ResourceRecord!.Value!);
    expect(c1.Status).toBe('PENDING');
    await sandbox.clock.sleep(sandbox.durations.route53Propagation + sandbox.durations.acmDnsValidation + MIN);
    const half = await describeCert(arn);
    expect(half.Status).toBe('PENDING_VALIDATION');
    expect(half.DomainValidationOptions!.map((d) => d.ValidationStatus)).toEqual(['SUCCESS', 'PENDING_VALIDATION']);

    // The value without its trailing dot and in other case still answers the same.
    const wwwAt = sandbox.clock.now();
    await upsertCname(hostedZoneId, www!.ResourceRecord!.Name!.toUpperCase(), www!.ResourceRecord!.Value!.replace(/\.$/, ''));
    await sandbox.clock.sleep(sandbox.durations.route53Propagation + sandbox.durations.acmDnsValidation - 1);
    expect((await describeCert(arn)).Status).toBe('PENDING_VALIDATION');
    await sandbox.clock.sleep(1);
    const issued = await describeCert(arn);
    expect(issued).toMatchObject({ Status: 'ISSUED', Issuer: 'Amazon', Subject: 'CN=shop.example.com', SignatureAlgorithm: 'SHA256WITHRSA' });
    expect(issued.IssuedAt!.getTime()).toBe(wwwAt + sandbox.durations.route53Propagation + sandbox.durations.acmDnsValidation);
    expect(issued.Serial).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect(issued.NotBefore!.getTime()).toBeLessThanOrEqual(issued.IssuedAt!.getTime());
    expect(issued.NotAfter!.getTime() - issued.NotBefore!.getTime()).toBe(395 * 24 * HOUR - 1000);
    expect(issued.DomainValidationOptions!.every((d) => d.ValidationStatus === 'SUCCESS')).toBe(true);
    expect(issued.ExtendedKeyUsages!.map((u) => u.Name)).toContain('TLS_WEB_SERVER_AUTHENTICATION');
    expect(certificateStatus(sandbox.context(), arn)).toBe('ISSUED');
  });

  it('does not validate from a wrong value, a private zone or a zone that does not enclose the name', async () => {
    seedHostedZone(sandbox.context(), { name: 'example.com' });
    const arn = await request('app.example.org');
    await sandbox.clock.sleep(sandbox.durations.acmResourceRecord);
    const rr = (await describeCert(arn)).DomainValidationOptions![0]!.ResourceRecord!;
    const privateZone = (await r53.send(new CreateHostedZoneCommand({
      Name: 'example.org', CallerReference: 'private', HostedZoneConfig: { PrivateZone: true }, VPC: { VPCRegion: 'us-east-1', VPCId: 'vpc-0123456789abcdef0' },
    }))).HostedZone!.Id!;
    await upsertCname(privateZone, rr.Name!, rr.Value!);
    const publicZone = (await r53.send(new CreateHostedZoneCommand({ Name: 'example.org', CallerReference: 'public' }))).HostedZone!.Id!;
    await upsertCname(publicZone, rr.Name!, '_wrong.acm-validations.aws.');
    await sandbox.clock.sleep(HOUR);
    expect((await describeCert(arn)).Status).toBe('PENDING_VALIDATION');
    // Fixing the value validates it.
    await upsertCname(publicZone, rr.Name!, rr.Value!);
    await sandbox.clock.sleep(sandbox.durations.route53Propagation + sandbox.durations.acmDnsValidation);
    expect((await describeCert(arn)).Status).toBe('ISSUED');
  });

  it('validates at once-known records quickly for a second certificate, and stays ISSUED when the record goes', async () => {
    const { hostedZoneId } = seedHostedZone(sandbox.context(), { name: 'example.com' });
    const first = await request();
    await sandbox.clock.sleep(sandbox.durations.acmResourceRecord);
    const rr = (await describeCert(first)).DomainValidationOptions![0]!.ResourceRecord!;
    await upsertCname(hostedZoneId, rr.Name!, rr.Value!);
    await sandbox.clock.sleep(10 * MIN);
    expect((await describeCert(first)).Status).toBe('ISSUED');

    // The same account and domain get the same CNAME: a new certificate validates from it.
    const second = await request();
    await sandbox.clock.sleep(sandbox.durations.acmResourceRecord);
    expect((await describeCert(second)).DomainValidationOptions![0]!.ResourceRecord).toEqual(rr);
    await sandbox.clock.sleep(sandbox.durations.acmDnsValidation);
    expect((await describeCert(second)).Status).toBe('ISSUED');

    await r53.send(new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: { Name: rr.Name!, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: rr.Value! }] } }] },
    }));
    await sandbox.clock.sleep(HOUR);
    expect((await describeCert(first)).Status).toBe('ISSUED');
  });

  it('times out 72 hours after the CNAME was generated', async () => {
    const arn = await request();
    await sandbox.clock.sleep(72 * HOUR);
    expect((await describeCert(arn)).Status).toBe('PENDING_VALIDATION');
    await sandbox.clock.sleep(sandbox.durations.acmResourceRecord);
    const cert = await describeCert(arn);
    expect(cert.Status).toBe('VALIDATION_TIMED_OUT');
    expect(cert.DomainValidationOptions![0]!.ValidationStatus).toBe('FAILED');
    // A record created too late validates nothing.
    const { hostedZoneId } = seedHostedZone(sandbox.context(), { name: 'example.com' });
    const rr = cert.DomainValidationOptions![0]!.ResourceRecord!;
    await upsertCname(hostedZoneId, rr.Name!, rr.Value!);
    await sandbox.clock.sleep(HOUR);
    expect((await describeCert(arn)).Status).toBe('VALIDATION_TIMED_OUT');
  });

  it('defaults to EMAIL validation, which the sandbox never completes', async () => {
    const arn = (await acm.send(new RequestCertificateCommand({ DomainName: 'mail.example.com' }))).CertificateArn!;
    const cert = await describeCert(arn);
    expect(cert.DomainValidationOptions![0]).toMatchObject({
      ValidationMethod: 'EMAIL', ValidationDomain: 'mail.example.com', ValidationStatus: 'PENDING_VALIDATION',
    });
    expect(cert.DomainValidationOptions![0]!.ValidationEmails).toContain('admin@mail.example.com');
    await sandbox.clock.sleep(72 * HOUR);
    expect((await describeCert(arn)).Status).toBe('VALIDATION_TIMED_OUT');
  });

  it('returns the same ARN for the same IdempotencyToken within an hour, a new one after', async () => {
    const a = await request('shop.example.com', { IdempotencyToken: 'promigrate1' });
    expect(await request('shop.example.com', { IdempotencyToken: 'promigrate1' })).toBe(a);
    expect(await request('shop.example.com', { IdempotencyToken: 'promigrate2' })).not.toBe(a);
    await sandbox.clock.sleep(HOUR);
    expect(await request('shop.example.com', { IdempotencyToken: 'promigrate1' })).not.toBe(a);
  });

  it('refuses malformed requests with the documented errors', async () => {
    const invalid = await failure(request('bad_name.example.com'));
    expect(invalid).toBeInstanceOf(ValidationException);
    expect(invalid.message).toMatch(/^1 validation error detected: Value 'bad_name\.example\.com' at 'domainName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
    expect(await failure(request('-x.example.com'))).toBeInstanceOf(ValidationException);
    expect(await failure(request('example'))).toBeInstanceOf(ValidationException);
    expect(await failure(request('a.example.com', { IdempotencyToken: 'has-dash' }))).toBeInstanceOf(ValidationException);
    expect(await failure(request('a.example.com', { IdempotencyToken: 'x'.repeat(33) }))).toBeInstanceOf(ValidationException);
    const long = `${'a'.repeat(60)}.example.com`;
    const cn = await failure(request(long));
    expect(cn).toBeInstanceOf(InvalidDomainValidationOptionsException);
    expect(cn.message).toBe('The first domain name can be no longer than 64 characters.');
    // The same long name is fine as a SAN.
    await expect(request('a.example.com', { SubjectAlternativeNames: [long] })).resolves.toMatch(/^arn:/);
    const sans = Array.from({ length: 10 }, (_, i) => `n${i}.example.com`);
    expect(await failure(request('a.example.com', { SubjectAlternativeNames: sans }))).toBeInstanceOf(LimitExceededException);
    expect(await failure(request('a.example.com', { Tags: [{ Key: 'aws:owner', Value: 'x' }] }))).toBeInstanceOf(InvalidTagException);
    expect((await failure(request('a.example.com', { KeyAlgorithm: 'RSA_4096' }))).name).toBe('InvalidParameterException');
  });
});

describe('ACM ListCertificates', () => {
  it('filters by status and key type (RSA by default) and pages', async () => {
    const { hostedZoneId } = seedHostedZone(sandbox.context(), { name: 'example.com' });
    const issued = await request('a.example.com');
    const pending = await request('b.example.com');
    const ec = await request('c.example.com', { KeyAlgorithm: 'EC_prime256v1' });
    await sandbox.clock.sleep(sandbox.durations.acmResourceRecord);
    const rr = (await describeCert(issued)).DomainValidationOptions![0]!.ResourceRecord!;
    await upsertCname(hostedZoneId, rr.Name!, rr.Value!);
    await sandbox.clock.sleep(10 * MIN);

    const all = (await acm.send(new ListCertificatesCommand({}))).CertificateSummaryList!;
    expect(all.map((c) => c.CertificateArn)).toEqual([issued, pending]);
    expect(all[0]).toMatchObject({ DomainName: 'a.example.com', Status: 'ISSUED', KeyAlgorithm: 'RSA-2048', InUse: false, Type: 'AMAZON_ISSUED' });
    const onlyIssued = (await acm.send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] }))).CertificateSummaryList!;
    expect(onlyIssued.map((c) => c.CertificateArn)).toEqual([issued]);
    const ecs = (await acm.send(new ListCertificatesCommand({ Includes: { keyTypes: ['EC_prime256v1'] } }))).CertificateSummaryList!;
    expect(ecs.map((c) => c.CertificateArn)).toEqual([ec]);

    const p1 = await acm.send(new ListCertificatesCommand({ MaxItems: 1 }));
    expect(p1.CertificateSummaryList!.map((c) => c.CertificateArn)).toEqual([issued]);
    const p2 = await acm.send(new ListCertificatesCommand({ MaxItems: 1, NextToken: p1.NextToken }));
    expect(p2.CertificateSummaryList!.map((c) => c.CertificateArn)).toEqual([pending]);
    expect(p2.NextToken).toBeUndefined();
    expect(await failure(acm.send(new ListCertificatesCommand({ MaxItems: 0 })))).toBeInstanceOf(ValidationException);
    expect((await failure(acm.send(new ListCertificatesCommand({ NextToken: 'bogus' })))).name).toBe('InvalidArgsException');
  });
});

describe('ACM tags, in-use and deletion', () => {
  it('adds, lists and removes tags (value-matched removal) with their limits', async () => {
    const arn = await request('a.example.com', { Tags: [{ Key: 'promigrate:project', Value: 'shop' }] });
    await acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'web' }] }));
    const tags = async () => (await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags;
    expect(await tags()).toEqual([{ Key: 'promigrate:project', Value: 'shop' }, { Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'web' }]);
    await acm.send(new RemoveTagsFromCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'env', Value: 'staging' }, { Key: 'team' }] }));
    expect(await tags()).toEqual([{ Key: 'promigrate:project', Value: 'shop' }, { Key: 'env', Value: 'prod' }]);
    const many = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect(await failure(acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: many })))).toBeInstanceOf(TooManyTagsException);
    expect(await failure(acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [] })))).toBeInstanceOf(ValidationException);
    expect(await failure(acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'aws:x', Value: '1' }] })))).toBeInstanceOf(InvalidTagException);
  });

  it('refuses to delete a certificate in use, then deletes it', async () => {
    const arn = await request();
    const lb = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/0123456789abcdef';
    expect(markCertificateInUse(sandbox.context(), arn, lb, true)).toBe(true);
    expect((await describeCert(arn)).InUseBy).toEqual([lb]);
    const inUse = await failure(acm.send(new DeleteCertificateCommand({ CertificateArn: arn })));
    expect(inUse).toBeInstanceOf(ResourceInUseException);
    expect(inUse.message).toBe(`Certificate ${arn} in account 123456789012 is in use.`);
    markCertificateInUse(sandbox.context(), arn, lb, false);
    await acm.send(new DeleteCertificateCommand({ CertificateArn: arn }));
    expect(await failure(describeCert(arn))).toBeInstanceOf(ResourceNotFoundException);
    expect(certificateStatus(sandbox.context(), arn)).toBeUndefined();
    expect(markCertificateInUse(sandbox.context(), arn, lb, true)).toBe(false);
  });

  it('tells a malformed ARN, a non-certificate ARN and an unknown certificate apart', async () => {
    expect(await failure(describeCert('not-an-arn-at-all-really'))).toBeInstanceOf(ValidationException);
    expect(await failure(describeCert('arn:aws:sns:us-east-1:123456789012:alarms'))).toBeInstanceOf(InvalidArnException);
    const unknown = 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-a000-000000000000';
    const nf = await failure(acm.send(new DeleteCertificateCommand({ CertificateArn: unknown })));
    expect(nf).toBeInstanceOf(ResourceNotFoundException);
    expect(nf.$metadata.httpStatusCode).toBe(400);
    // A certificate of another Region is not found from this one.
    const arn = await request();
    expect(certificateStatus(sandbox.context('us-west-2'), arn)).toBeUndefined();
  });
});

describe('ACM in a saved and reloaded world', () => {
  it('derives the same lifecycle from the reloaded slices', () => {
    const sim = makeSim();
    const { hostedZoneId } = seedHostedZone(sim.ctx, { name: 'example.com' });
    const arn = sim.call(acmSimulator, 'RequestCertificate', { DomainName: 'shop.example.com', ValidationMethod: 'DNS' }).CertificateArn;
    sim.advance(sim.ctx.durations.acmResourceRecord);
    const rr = sim.call(acmSimulator, 'DescribeCertificate', { CertificateArn: arn }).Certificate.DomainValidationOptions[0].ResourceRecord;
    sim.call(route53Simulator, 'ChangeResourceRecordSets', {
      HostedZoneId: hostedZoneId,
      ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: rr.Name, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: rr.Value }] } }] },
    });
    sim.reload();
    // Nobody looked while time passed: the issue time still follows from the record's change.
    sim.advance(HOUR);
    sim.reload();
    const cert = sim.call(acmSimulator, 'DescribeCertificate', { CertificateArn: arn }).Certificate;
    expect(cert.Status).toBe('ISSUED');
    expect(cert.IssuedAt.getTime()).toBe(sim.ctx.now() - HOUR + sim.ctx.durations.route53Propagation + sim.ctx.durations.acmDnsValidation);
  });
});
