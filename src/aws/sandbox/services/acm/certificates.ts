/**
 * ACM operations on requested public certificates, each following its API reference page:
 * RequestCertificate, DescribeCertificate, ListCertificates, DeleteCertificate,
 * AddTagsToCertificate, ListTagsForCertificate, RemoveTagsFromCertificate.
 */
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { Constraints } from '../model-constraints.js';
import { page } from '../paging.js';
import { mergeTags, uuid } from '../sim-util.js';
import { certificateDetail, certificateSummary } from './describe.js';
import { derive } from './lifecycle.js';
import { IDEMPOTENCY_WINDOW, acmState, certArn, requireCert, type CertRec } from './state.js';
import { checkRequest, checkTagSemantics, checkTags, type RequestInput } from './validate.js';

const MAX_TAGS = 50;
const STATUSES = ['PENDING_VALIDATION', 'ISSUED', 'INACTIVE', 'EXPIRED', 'VALIDATION_TIMED_OUT', 'REVOKED', 'FAILED'];
const KEY_TYPES = ['RSA_1024', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1'];

const regionCerts = (ctx: SimContext): CertRec[] =>
  Object.values(acmState(ctx).certificates).filter((c) => c.region === ctx.region);

function tagInput(input: { Tags?: Array<{ Key?: string; Value?: string }> }): Array<{ Key?: string; Value?: string }> {
  const c = new Constraints();
  if (c.required('tags', input.Tags)) checkTags(c, input.Tags);
  c.throwIfAny('ValidationException');
  return input.Tags!;
}

export const certificateHandlers: ServiceSimulator = {
  RequestCertificate(input: RequestInput, ctx) {
    const req = checkRequest(input);
    // "If you call RequestCertificate multiple times with the same idempotency token within
    // one hour, ACM recognizes that you are requesting only one certificate" (IdempotencyToken).
    if (input.IdempotencyToken !== undefined) {
      const same = regionCerts(ctx).find(
        (c) => c.idempotencyToken === input.IdempotencyToken && ctx.now() - c.createdAt < IDEMPOTENCY_WINDOW,
      );
      if (same) return { CertificateArn: same.arn };
    }
    const arn = certArn(ctx, uuid(ctx));
    acmState(ctx).certificates[arn] = {
      arn,
      region: ctx.region,
      domainName: req.domainName,
      names: req.names,
      validationMethod: req.validationMethod,
      keyAlgorithm: req.keyAlgorithm,
      transparency: req.transparency,
      tags: req.tags,
      createdAt: ctx.now(),
      ...(input.IdempotencyToken !== undefined ? { idempotencyToken: input.IdempotencyToken } : {}),
      inUseBy: [],
      validatedAt: {},
    };
    return { CertificateArn: arn };
  },

  DescribeCertificate(input, ctx) {
    return { Certificate: certificateDetail(ctx, requireCert(ctx, input.CertificateArn)) };
  },

  ListCertificates(input, ctx) {
    const c = new Constraints();
    c.range('maxItems', input.MaxItems, 1, 1000);
    c.length('nextToken', input.NextToken, 1, 10000);
    (input.CertificateStatuses ?? []).forEach((s: string) => c.oneOf('certificateStatuses', s, STATUSES));
    (input.Includes?.keyTypes ?? []).forEach((k: string) => c.oneOf('includes.keyTypes', k, KEY_TYPES));
    c.throwIfAny('ValidationException');
    const statuses: string[] = input.CertificateStatuses ?? [];
    // "Default filtering returns only RSA_1024 and RSA_2048 certificates" (Filters, keyTypes).
    const keyTypes: string[] = input.Includes?.keyTypes?.length ? input.Includes.keyTypes : ['RSA_1024', 'RSA_2048'];
    const usage: string[] = input.Includes?.keyUsage ?? [];
    const extended: string[] = input.Includes?.extendedKeyUsage ?? [];
    const all = regionCerts(ctx)
      .sort((a, b) => a.createdAt - b.createdAt || a.arn.localeCompare(b.arn))
      .map((cert) => ({ cert, summary: certificateSummary(ctx, cert) }))
      .filter(({ cert, summary }) =>
        (!statuses.length || statuses.includes(summary.Status)) &&
        keyTypes.includes(cert.keyAlgorithm) &&
        usage.every((u) => u === 'ANY' || summary.KeyUsages.includes(u)) &&
        extended.every((u) => u === 'ANY' || summary.ExtendedKeyUsages.includes(u)),
      )
      .map(({ summary }) => summary);
    const { items, NextToken } = page(all, { MaxResults: input.MaxItems, NextToken: input.NextToken }, { min: 1, max: 1000, errorName: 'InvalidArgsException' });
    return { CertificateSummaryList: items, ...(NextToken ? { NextToken } : {}) };
  },

  DeleteCertificate(input, ctx) {
    const cert = requireCert(ctx, input.CertificateArn);
    // "You cannot delete an ACM certificate that is being used by another AWS service."
    if (cert.inUseBy.length) {
      throw new SimError('ResourceInUseException', `Certificate ${cert.arn} in account ${ctx.accountId} is in use.`);
    }
    delete acmState(ctx).certificates[cert.arn];
    return {};
  },

  AddTagsToCertificate(input, ctx) {
    const cert = requireCert(ctx, input.CertificateArn);
    const tags = tagInput(input);
    checkTagSemantics(tags);
    const merged = mergeTags(cert.tags, tags);
    if (merged.length > MAX_TAGS) {
      throw new SimError('TooManyTagsException', `the TagSet: '{${merged.map((t) => `${t.Key}=${t.Value}`).join(', ')}}' contains too many Tags`);
    }
    cert.tags = merged;
    return {};
  },

  // "If you do not specify the value portion of the tag when calling this function, the tag
  // will be removed regardless of value. If you specify a value, the tag is removed only if
  // it is associated with the specified value."
  RemoveTagsFromCertificate(input, ctx) {
    const cert = requireCert(ctx, input.CertificateArn);
    const tags = tagInput(input);
    if (tags.some((t) => t.Key!.toLowerCase().startsWith('aws:'))) {
      throw new SimError('InvalidTagException', 'Tags beginning with aws: are reserved for AWS use.');
    }
    cert.tags = cert.tags.filter((t) => !tags.some((r) => r.Key === t.Key && (r.Value === undefined || r.Value === t.Value)));
    return {};
  },

  ListTagsForCertificate(input, ctx) {
    const cert = requireCert(ctx, input.CertificateArn);
    return { Tags: cert.tags.map((t) => ({ ...t })) };
  },
};

/** The certificate's status now (undefined: no such certificate in this account and Region). */
export function certificateStatus(ctx: SimContext, arn: string): string | undefined {
  const cert = acmState(ctx).certificates[arn];
  return cert && cert.region === ctx.region ? derive(ctx, cert).status : undefined;
}

/**
 * Records that `resourceArn` (e.g. an HTTPS listener's load balancer) uses the certificate,
 * or no longer does; DescribeCertificate lists it in InUseBy and DeleteCertificate refuses
 * while any remain. Returns false when there is no such certificate.
 */
export function markCertificateInUse(ctx: SimContext, arn: string, resourceArn: string, inUse: boolean): boolean {
  const cert = acmState(ctx).certificates[arn];
  if (!cert || cert.region !== ctx.region) return false;
  const rest = cert.inUseBy.filter((r) => r !== resourceArn);
  cert.inUseBy = inUse ? [...rest, resourceArn] : rest;
  return true;
}
