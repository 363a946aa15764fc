/**
 * CertificateDetail (DescribeCertificate) and CertificateSummary (ListCertificates) as ACM
 * returns them for a requested public certificate. As ACM does, KeyAlgorithm is printed
 * with a hyphen (`RSA-2048`, `EC-prime256v1`) though requests use the enum (`RSA_2048`).
 */
import type { SimContext } from '../../types.js';
import { derive, type Derived } from './lifecycle.js';
import { serialOf, validationBase, validationRecord, type CertRec } from './state.js';

const DAY = 86_400_000;
/** Validity of ACM public certificates: 395 days (13 months) from the day of issue. */
const VALIDITY_DAYS = 395;

const keyAlgorithmOut = (k: CertRec['keyAlgorithm']): string => k.replace('_', '-');
const signatureAlgorithm = (k: CertRec['keyAlgorithm']): string => (k.startsWith('EC') ? 'SHA256WITHECDSA' : 'SHA256WITHRSA');

const KEY_USAGES = ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'];
const EXTENDED_KEY_USAGES = [
  { Name: 'TLS_WEB_SERVER_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.1' },
  { Name: 'TLS_WEB_CLIENT_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.2' },
];

function validity(issuedAt: number): { notBefore: Date; notAfter: Date } {
  const day = Math.floor(issuedAt / DAY) * DAY;
  return { notBefore: new Date(day), notAfter: new Date(day + VALIDITY_DAYS * DAY - 1000) };
}

const EMAIL_BOXES = ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster'];

function domainValidation(ctx: SimContext, cert: CertRec, d: Derived, name: string) {
  const base = validationBase(name);
  const status = d.validated[base] !== undefined ? 'SUCCESS' : d.status === 'VALIDATION_TIMED_OUT' ? 'FAILED' : 'PENDING_VALIDATION';
  if (cert.validationMethod === 'EMAIL') {
    return {
      DomainName: name,
      ValidationEmails: EMAIL_BOXES.map((box) => `${box}@${base}`),
      ValidationDomain: base,
      ValidationStatus: status,
      ValidationMethod: 'EMAIL',
    };
  }
  // Until ACM has generated the CNAME, only the domain and the method are listed.
  if (!d.recordsShown) return { DomainName: name, ValidationMethod: 'DNS' };
  return {
    DomainName: name,
    ValidationDomain: name,
    ValidationStatus: status,
    ResourceRecord: validationRecord(ctx, name),
    ValidationMethod: 'DNS',
  };
}

export function certificateDetail(ctx: SimContext, cert: CertRec) {
  const d = derive(ctx, cert);
  const issued = d.status === 'ISSUED' && d.issuedAt !== undefined;
  const dates = issued ? validity(d.issuedAt!) : undefined;
  return {
    CertificateArn: cert.arn,
    DomainName: cert.domainName,
    SubjectAlternativeNames: [...cert.names],
    DomainValidationOptions: cert.names.map((n) => domainValidation(ctx, cert, d, n)),
    ...(issued
      ? {
          Serial: serialOf(cert.arn),
          Subject: `CN=${cert.domainName}`,
          Issuer: 'Amazon',
          IssuedAt: new Date(d.issuedAt!),
          NotBefore: dates!.notBefore,
          NotAfter: dates!.notAfter,
        }
      : {}),
    CreatedAt: new Date(cert.createdAt),
    Status: d.status,
    KeyAlgorithm: keyAlgorithmOut(cert.keyAlgorithm),
    SignatureAlgorithm: signatureAlgorithm(cert.keyAlgorithm),
    InUseBy: [...cert.inUseBy],
    Type: 'AMAZON_ISSUED',
    KeyUsages: issued ? KEY_USAGES.map((Name) => ({ Name })) : [],
    ExtendedKeyUsages: issued ? EXTENDED_KEY_USAGES.map((u) => ({ ...u })) : [],
    RenewalEligibility: issued && cert.inUseBy.length ? 'ELIGIBLE' : 'INELIGIBLE',
    Options: { CertificateTransparencyLoggingPreference: cert.transparency },
  };
}

export function certificateSummary(ctx: SimContext, cert: CertRec) {
  const detail = certificateDetail(ctx, cert);
  return {
    CertificateArn: cert.arn,
    DomainName: cert.domainName,
    SubjectAlternativeNameSummaries: [...cert.names],
    HasAdditionalSubjectAlternativeNames: false,
    Status: detail.Status,
    Type: 'AMAZON_ISSUED',
    KeyAlgorithm: detail.KeyAlgorithm,
    KeyUsages: detail.KeyUsages.map((u) => u.Name),
    ExtendedKeyUsages: detail.ExtendedKeyUsages.map((u) => u.Name),
    InUse: cert.inUseBy.length > 0,
    RenewalEligibility: detail.RenewalEligibility,
    CreatedAt: detail.CreatedAt,
    ...(detail.IssuedAt ? { IssuedAt: detail.IssuedAt, NotBefore: detail.NotBefore, NotAfter: detail.NotAfter } : {}),
  };
}
