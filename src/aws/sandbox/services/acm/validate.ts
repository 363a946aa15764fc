/**
 * RequestCertificate and tag input checks, from the ACM API reference (RequestCertificate,
 * AddTagsToCertificate, RemoveTagsFromCertificate and the DomainNameString, IdempotencyToken,
 * Tag, TagKey and TagValue shapes): model constraint violations are ValidationException,
 * the rules the API pages state in prose have their own errors.
 */
import { SimError } from '../../errors.js';
import { Constraints } from '../model-constraints.js';
import { invalidParameter, type KeyAlgorithm } from './state.js';

const DOMAIN_SOURCE = '^(\\*\\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])$';
const DOMAIN = new RegExp(DOMAIN_SOURCE);
const TAG_SOURCE = '[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*';
const TAG = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const KEY_ALGORITHMS = ['RSA_1024', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1'] as const;
/** "Algorithms supported for an ACM certificate request" (RequestCertificate, KeyAlgorithm); the others are for imports. */
const REQUESTABLE: readonly string[] = ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1'];
/** Quotas: "Domain names per ACM certificate" starts at 10 (RequestCertificate, SubjectAlternativeNames). */
const DOMAIN_QUOTA = 10;
/** RequestCertificate, DomainName: "cannot exceed 64 octets (characters), including periods" (RFC 5280 CN). */
const CN_MAX = 64;

export interface RequestInput {
  DomainName?: string;
  SubjectAlternativeNames?: string[];
  ValidationMethod?: string;
  IdempotencyToken?: string;
  DomainValidationOptions?: Array<{ DomainName?: string; ValidationDomain?: string }>;
  Options?: { CertificateTransparencyLoggingPreference?: string };
  CertificateAuthorityArn?: string;
  Tags?: Array<{ Key?: string; Value?: string }>;
  KeyAlgorithm?: string;
}

export interface CheckedRequest {
  domainName: string;
  names: string[];
  validationMethod: 'DNS' | 'EMAIL';
  keyAlgorithm: KeyAlgorithm;
  transparency: 'ENABLED' | 'DISABLED';
  tags: Array<{ Key: string; Value: string }>;
}

function domainList(c: Constraints, at: string, names: string[] | undefined): void {
  if (!names || !c.length(at, names, 1, 100)) return;
  const bad = names.filter((n) => typeof n !== 'string' || n.length < 1 || n.length > 253 || !DOMAIN.test(n));
  if (bad.length) {
    c.fail(at, names, `Member must satisfy constraint: [Member must have length less than or equal to 253, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ${DOMAIN_SOURCE}]`);
  }
}

/** Tag list checks shared by RequestCertificate and the tag operations (`valueRequired` false for removal). */
export function checkTags(c: Constraints, tags: Array<{ Key?: string; Value?: string }> | undefined, at = 'tags'): void {
  if (tags === undefined || !c.length(at, tags, 1, 50)) return;
  tags.forEach((t, i) => {
    const p = `${at}.${i + 1}.member`;
    if (c.required(`${p}.key`, t.Key) && c.length(`${p}.key`, t.Key, 1, 128)) c.pattern(`${p}.key`, t.Key, TAG, TAG_SOURCE);
    if (t.Value !== undefined && c.length(`${p}.value`, t.Value, 0, 256)) c.pattern(`${p}.value`, t.Value, TAG, TAG_SOURCE);
  });
}

/** InvalidTagException: "you cannot specify a tag value that begins with aws:" (the error's description). */
export function checkTagSemantics(tags: Array<{ Key?: string; Value?: string }>): void {
  const keys = tags.map((t) => t.Key!);
  const reserved = tags.find((t) => t.Key!.toLowerCase().startsWith('aws:') || (t.Value ?? '').toLowerCase().startsWith('aws:'));
  if (reserved) throw new SimError('InvalidTagException', `Tags beginning with aws: are reserved for AWS use: ${reserved.Key}`);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup !== undefined) throw new SimError('InvalidTagException', `Tag key ${dup} was specified more than once.`);
}

export function checkRequest(input: RequestInput): CheckedRequest {
  const c = new Constraints();
  if (c.required('domainName', input.DomainName) && c.length('domainName', input.DomainName, 1, 253)) {
    c.pattern('domainName', input.DomainName, DOMAIN, DOMAIN_SOURCE);
  }
  domainList(c, 'subjectAlternativeNames', input.SubjectAlternativeNames);
  if (c.length('idempotencyToken', input.IdempotencyToken, 1, 32)) c.pattern('idempotencyToken', input.IdempotencyToken, /^\w+$/, '\\w+');
  c.oneOf('validationMethod', input.ValidationMethod, ['EMAIL', 'DNS']);
  c.oneOf('keyAlgorithm', input.KeyAlgorithm, KEY_ALGORITHMS);
  c.oneOf('options.certificateTransparencyLoggingPreference', input.Options?.CertificateTransparencyLoggingPreference, ['ENABLED', 'DISABLED']);
  if (input.DomainValidationOptions !== undefined && c.length('domainValidationOptions', input.DomainValidationOptions, 1, 100)) {
    input.DomainValidationOptions.forEach((o, i) => {
      c.required(`domainValidationOptions.${i + 1}.member.domainName`, o.DomainName);
      c.required(`domainValidationOptions.${i + 1}.member.validationDomain`, o.ValidationDomain);
    });
  }
  checkTags(c, input.Tags);
  c.throwIfAny('ValidationException');

  if (input.CertificateAuthorityArn !== undefined) {
    throw new SimError('UnsupportedOperation', 'The promigrate sandbox does not simulate private certificates (CertificateAuthorityArn); request a public certificate.');
  }
  const domainName = input.DomainName!;
  if (domainName.length > CN_MAX) {
    throw new SimError('InvalidDomainValidationOptionsException', 'The first domain name can be no longer than 64 characters.');
  }
  const names = [...new Set([domainName, ...(input.SubjectAlternativeNames ?? [])].map((n) => n.toLowerCase()))];
  if (names.length > DOMAIN_QUOTA) {
    throw new SimError('LimitExceededException', `The certificate request has ${names.length} domain names; the quota of domain names per ACM certificate is ${DOMAIN_QUOTA}.`);
  }
  for (const o of input.DomainValidationOptions ?? []) {
    const name = o.DomainName!.toLowerCase();
    const via = o.ValidationDomain!.toLowerCase();
    if (!names.includes(name)) {
      throw new SimError('InvalidDomainValidationOptionsException', `DomainValidationOptions names ${o.DomainName}, which is not a domain name of the certificate.`);
    }
    if (name.replace(/^\*\./, '') !== via && !name.endsWith(`.${via}`)) {
      throw new SimError('InvalidDomainValidationOptionsException', `ValidationDomain ${o.ValidationDomain} must be ${o.DomainName} or a superdomain of it.`);
    }
  }
  const keyAlgorithm = (input.KeyAlgorithm ?? 'RSA_2048') as KeyAlgorithm;
  if (!REQUESTABLE.includes(keyAlgorithm)) {
    throw invalidParameter(`KeyAlgorithm ${keyAlgorithm} is only for imported certificates; request RSA_2048, EC_prime256v1 or EC_secp384r1.`);
  }
  if (input.Tags) checkTagSemantics(input.Tags);
  return {
    domainName: domainName.toLowerCase(),
    names,
    // RequestCertificate, ValidationMethod: EMAIL unless DNS is asked for.
    validationMethod: input.ValidationMethod === 'DNS' ? 'DNS' : 'EMAIL',
    keyAlgorithm,
    transparency: input.Options?.CertificateTransparencyLoggingPreference === 'DISABLED' ? 'DISABLED' : 'ENABLED',
    tags: (input.Tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })),
  };
}
