/**
 * The ACM slice of the sandbox world: requested (AMAZON_ISSUED) certificates, their ARNs,
 * errors, and the DNS validation record ACM asks for each domain.
 */
import { createHash } from 'node:crypto';
import { SimError } from '../../errors.js';
import type { SimContext } from '../../types.js';
import { partition, type Tag } from '../sim-util.js';

export type KeyAlgorithm = 'RSA_2048' | 'EC_prime256v1' | 'EC_secp384r1';

export interface CertRec {
  arn: string;
  region: string;
  /** The certificate's DomainName (its subject CN). */
  domainName: string;
  /** SubjectAlternativeNames as ACM reports them: DomainName first, then the others, once each. */
  names: string[];
  validationMethod: 'DNS' | 'EMAIL';
  keyAlgorithm: KeyAlgorithm;
  transparency: 'ENABLED' | 'DISABLED';
  tags: Tag[];
  createdAt: number;
  idempotencyToken?: string;
  /** ARNs of the resources that use the certificate (filled by other simulators' hooks). */
  inUseBy: string[];
  /** Set the first time the certificate is found issued (validation never un-happens). */
  issuedAt?: number;
  /** Per domain, when it was found validated (latched for the same reason). */
  validatedAt: Record<string, number>;
}

export interface AcmSlice {
  certificates: Record<string, CertRec>;
}

export const acmState = (ctx: SimContext): AcmSlice => ctx.slice<AcmSlice>('acm', () => ({ certificates: {} }));

const HOUR = 3_600_000;
/** "Idempotency tokens time out after one hour" (RequestCertificate, IdempotencyToken). */
export const IDEMPOTENCY_WINDOW = HOUR;
/**
 * ACM User Guide, "DNS validation" / troubleshooting: if ACM cannot validate a domain within
 * 72 hours from the time it generates the CNAME value, the certificate becomes VALIDATION_TIMED_OUT.
 */
export const VALIDATION_TIMEOUT = 72 * HOUR;

export const validationError = (message: string): SimError => new SimError('ValidationException', message);
export const invalidParameter = (message: string): SimError => new SimError('InvalidParameterException', message);

const ARN_SHAPE = /^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(\/[\w+=,.@-]+)*$/;
const CERT_ARN = /^arn:(aws|aws-cn|aws-us-gov):acm:([a-z0-9-]+):(\d{12}):certificate\/([0-9a-f-]{36})$/;

/**
 * Finds a certificate by ARN, as the API reference's errors describe: a value outside the
 * model's `Arn` shape is a ValidationException, an ARN that is not an ACM certificate ARN
 * is InvalidArnException, and one that names no certificate of this account and Region
 * is ResourceNotFoundException.
 */
export function requireCert(ctx: SimContext, arn: unknown, member = 'certificateArn'): CertRec {
  if (typeof arn !== 'string') {
    throw validationError(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  if (arn.length < 20 || arn.length > 2048 || !ARN_SHAPE.test(arn)) {
    throw validationError(
      `1 validation error detected: Value '${arn}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:[\\w+=/,.@-]*:[0-9]+:[\\w+=,.@-]+(/[\\w+=,.@-]+)*`,
    );
  }
  if (!CERT_ARN.test(arn)) throw new SimError('InvalidArnException', `${arn} is not a valid certificate ARN.`);
  const cert = acmState(ctx).certificates[arn];
  if (!cert || cert.region !== ctx.region) {
    throw new SimError('ResourceNotFoundException', `Could not find certificate ${arn}.`);
  }
  return cert;
}

export const certArn = (ctx: SimContext, id: string): string =>
  `arn:${partition(ctx.region)}:acm:${ctx.region}:${ctx.accountId}:certificate/${id}`;

function digest(text: string, length: number, alphabet = '0123456789abcdef'): string {
  const bytes = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; out.length < length; i++) out += alphabet[bytes[i % bytes.length]! % alphabet.length];
  return out;
}

/** The name whose DNS answers validate `domain`: a wildcard is validated by its base name. */
export const validationBase = (domain: string): string => domain.toLowerCase().replace(/^\*\./, '');

/**
 * The CNAME ACM asks for: `_<32 hex>.<domain>.` → `_<32 hex>.<10 letters>.acm-validations.aws.`
 * (DescribeCertificate, DomainValidation.ResourceRecord). Like ACM's, it depends only on
 * the account and the domain, so every certificate for a domain is validated by one record.
 */
export function validationRecord(ctx: SimContext, domain: string): { Name: string; Type: 'CNAME'; Value: string } {
  const base = validationBase(domain);
  const seed = `${ctx.accountId}:${base}`;
  return {
    Name: `_${digest(`acm-name:${seed}`, 32)}.${base}.`,
    Type: 'CNAME',
    Value: `_${digest(`acm-value:${seed}`, 32)}.${digest(`acm-zone:${seed}`, 10, 'abcdefghijklmnopqrstuvwxyz')}.acm-validations.aws.`,
  };
}

/** A certificate serial number as ACM prints it: 16 colon-separated hex bytes. */
export const serialOf = (arn: string): string => digest(`acm-serial:${arn}`, 32).match(/../g)!.join(':');
