/**
 * The HTTPS listener's certificate: an ACM certificate for app.certificateNames (default
 * dns.record), validated by DNS. ACM names one CNAME per domain (DescribeCertificate
 * DomainValidationOptions[].ResourceRecord, which appears shortly after the request);
 * promigrate writes each into the configured hosted zone (UPSERT, so a re-run changes
 * nothing) and waits on the injectable clock until ACM reports ISSUED.
 * API: ACM API reference (RequestCertificate with IdempotencyToken and Tags,
 * DescribeCertificate, ListCertificates, ListTagsForCertificate, DeleteCertificate); ACM user
 * guide, "DNS validation".
 */
import {
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RequestCertificateCommand,
  type ACMClient,
  type CertificateDetail,
} from '@aws-sdk/client-acm';
import { isAwsError, unlessNotFound } from '../../aws/errors.js';
import { changeRecordSets } from '../../aws/route53-retry.js';
import { findHostedZone } from '../../aws/route53-zone.js';
import { TAG_KEY, tagsToRecord } from '../../aws/tags.js';
import { waitFor } from '../../aws/wait.js';
import type { MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { foreignOwner, leaveForeign } from '../../engine/resources/ownership.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';
import { APP_KEYS } from './app-names.js';

const MINUTE = 60_000;
const acmOf = (t: TaskContext): Promise<ACMClient> => t.step.aws.acm;

export function certificateNames(config: MigrationConfig): string[] {
  return config.app?.certificateNames ?? (config.dns ? [config.dns.record] : []);
}

function requestParams(t: TaskContext, token: string) {
  const [domain, ...sans] = certificateNames(t.config);
  return {
    DomainName: domain!,
    ...(sans.length ? { SubjectAlternativeNames: [domain!, ...sans] } : {}),
    ValidationMethod: 'DNS' as const,
    KeyAlgorithm: 'RSA_2048' as const,
    // ACM: "[a-zA-Z0-9_-]{1,32}"; the same token within an hour returns the same certificate.
    IdempotencyToken: token,
    Tags: t.tags(APP_KEYS.certificate, `${t.project}-app`),
  };
}

interface ValidationRecord {
  name: string;
  value: string;
}

const validationRecords = (c: CertificateDetail): ValidationRecord[] | undefined => {
  const options = c.DomainValidationOptions ?? [];
  if (!options.length || options.some((o) => !o.ResourceRecord?.Name || !o.ResourceRecord.Value)) return undefined;
  const unique = new Map(options.map((o) => [o.ResourceRecord!.Name!, o.ResourceRecord!.Value!]));
  return [...unique].map(([name, value]) => ({ name, value }));
};

const certificateFound = (c: CertificateDetail): FoundResource => ({
  id: c.CertificateArn!,
  arn: c.CertificateArn!,
  outputs: { status: c.Status, domainName: c.DomainName, ...(validationRecords(c) ? { validationRecords: validationRecords(c) } : {}) },
});

async function describe(acm: ACMClient, arn: string): Promise<CertificateDetail | undefined> {
  return (await unlessNotFound(() => acm.send(new DescribeCertificateCommand({ CertificateArn: arn })), 'ResourceNotFoundException'))?.Certificate;
}

/** This project's certificate, found by its promigrate:key tag (certificates have no unique name). */
async function lookup(t: TaskContext): Promise<CertificateDetail | undefined> {
  const acm = await acmOf(t);
  let NextToken: string | undefined;
  do {
    const page = await acm.send(new ListCertificatesCommand({ CertificateStatuses: ['PENDING_VALIDATION', 'ISSUED', 'INACTIVE', 'EXPIRED', 'VALIDATION_TIMED_OUT', 'REVOKED', 'FAILED'], ...(NextToken ? { NextToken } : {}) }));
    for (const summary of page.CertificateSummaryList ?? []) {
      if (summary.DomainName !== certificateNames(t.config)[0]) continue;
      const tags = (await acm.send(new ListTagsForCertificateCommand({ CertificateArn: summary.CertificateArn }))).Tags;
      if (foreignOwner(tags, t.project) || tagsToRecord(tags)[TAG_KEY] !== APP_KEYS.certificate) continue;
      const detail = await describe(acm, summary.CertificateArn!);
      if (detail && !['FAILED', 'VALIDATION_TIMED_OUT', 'REVOKED', 'EXPIRED'].includes(detail.Status ?? '')) return detail;
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

async function hostedZoneId(t: TaskContext): Promise<string> {
  const dns = t.config.dns!;
  const zone = await findHostedZone(await t.step.aws.route53, dns.hostedZone);
  if (!zone) {
    throw new UsageError(`The hosted zone ${dns.hostedZone} was not found, so the certificate cannot be validated by DNS.`, {
      hint: 'Check dns.hostedZone (a public zone of this account), or set app.https: false.',
    });
  }
  return zone.id;
}

async function writeValidationRecords(t: TaskContext, records: ValidationRecord[], action: 'UPSERT' | 'DELETE'): Promise<void> {
  const route53 = await t.step.aws.route53;
  const zone = await hostedZoneId(t);
  const batch = {
    Comment: `promigrate ${t.project}: ACM DNS validation of the app certificate`,
    Changes: records.map((r) => ({ Action: action, ResourceRecordSet: { Name: r.name, Type: 'CNAME' as const, TTL: 300, ResourceRecords: [{ Value: r.value }] } })),
  };
  try {
    await changeRecordSets(route53, zone, batch, { clock: t.step.clock, signal: t.step.signal });
  } catch (err) {
    // DELETE of a record someone already removed: nothing left to do.
    if (action === 'DELETE' && isAwsError(err, 'InvalidChangeBatch')) return;
    throw err;
  }
}

export function appCertificateTasks(config: MigrationConfig): ResourceTask[] {
  if (!config.app?.https) return [];
  return [{
    key: APP_KEYS.certificate,
    type: 'acm:certificate',
    title: `ACM certificate for ${certificateNames(config).join(', ')} (DNS-validated)`,
    dependsOn: [],
    enabled: (c) => Boolean(c.app?.https),
    async find(t) {
      const c = await lookup(t);
      return c ? certificateFound(c) : undefined;
    },
    planCreate: (t) => [
      { operation: 'acm:RequestCertificate', params: requestParams(t, `<token ${APP_KEYS.certificate}>`) },
      { operation: 'route53:ChangeResourceRecordSets', params: { HostedZoneId: t.config.dns!.hostedZone, Action: 'UPSERT', Type: 'CNAME', Records: '<one _<hash>.<domain> CNAME per name, as ACM gives them>' } },
    ],
    async create(t) {
      const acm = await acmOf(t);
      const token = (await t.token(APP_KEYS.certificate)).replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32);
      const arn = (await acm.send(new RequestCertificateCommand(requestParams(t, token)))).CertificateArn!;
      const detail = await describe(acm, arn);
      return detail ? certificateFound(detail) : { id: arn, arn, outputs: { status: 'PENDING_VALIDATION' } };
    },
    async waitReady(t, found) {
      const acm = await acmOf(t);
      const what = `ACM certificate for ${certificateNames(t.config).join(', ')}`;
      const { value: withRecords } = await waitFor({
        what: `${what} (its DNS validation records)`,
        describe: () => describe(acm, found.id),
        done: (c) => c?.Status === 'ISSUED' || (c !== undefined && validationRecords(c) !== undefined),
        clock: t.step.clock,
        signal: t.step.signal,
        timeoutMs: 5 * MINUTE,
        pollMs: 5_000,
        readyLabel: 'given its validation records',
        hint: 'Check the certificate in the ACM console, then re-run the same command: promigrate resumes the wait.',
      });
      if (withRecords!.Status !== 'ISSUED') await writeValidationRecords(t, validationRecords(withRecords!)!, 'UPSERT');
      const { value } = await waitFor({
        what,
        describe: () => describe(acm, found.id),
        done: (c) => c?.Status === 'ISSUED',
        failed: (c) => (c && ['FAILED', 'VALIDATION_TIMED_OUT', 'REVOKED'].includes(c.Status ?? '') ? `${c.Status}${c.FailureReason ? ` (${c.FailureReason})` : ''}` : undefined),
        status: (c) => c?.Status,
        clock: t.step.clock,
        signal: t.step.signal,
        // ACM: DNS validation usually completes within minutes of the record being visible.
        timeoutMs: 45 * MINUTE,
        pollMs: 15_000,
        readyLabel: 'issued',
        hint: `Check that the validation CNAME records are in the hosted zone ${t.config.dns!.hostedZone} and that it is the zone the domain's registrar delegates to, then re-run.`,
      });
      return certificateFound(value!).outputs;
    },
    async destroy(t, id) {
      const acm = await acmOf(t);
      const detail = await describe(acm, id);
      if (!detail) return;
      const tags = (await acm.send(new ListTagsForCertificateCommand({ CertificateArn: id }))).Tags;
      const owner = foreignOwner(tags, t.project);
      if (owner) leaveForeign(t, APP_KEYS.certificate, id, owner);
      const records = validationRecords(detail);
      await unlessNotFound(() => acm.send(new DeleteCertificateCommand({ CertificateArn: id })), 'ResourceNotFoundException');
      if (records && t.config.dns) await writeValidationRecords(t, records, 'DELETE');
    },
    findAll: async (t) => {
      const c = await lookup(t).catch(() => undefined);
      return c ? [certificateFound(c)] : [];
    },
  }];
}
