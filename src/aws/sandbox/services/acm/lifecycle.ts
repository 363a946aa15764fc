/**
 * A requested certificate's status, derived from the simulated clock and the simulated
 * Route 53 whenever it is read (ACM User Guide, "DNS validation"; DescribeCertificate):
 *
 * - For `durations.acmResourceRecord` after the request, DescribeCertificate lists each
 *   domain without its ResourceRecord (ACM has not generated the CNAME yet; callers poll).
 * - A domain is validated `durations.acmDnsValidation` after the public DNS answers its
 *   CNAME (Name → Value) from the authoritative public hosted zone, its change INSYNC.
 * - The certificate is ISSUED when every domain is validated, at the last one's time.
 * - Not validated within 72 hours of the CNAME being generated: VALIDATION_TIMED_OUT.
 *   EMAIL validation needs someone to follow a link in a mail; the sandbox sends none, so
 *   an EMAIL certificate times out 72 hours after the request.
 *
 * Validation is latched in the slice the first time it is derived, because removing the
 * CNAME later does not undo it in ACM either. Issued certificates neither expire nor renew
 * in the sandbox (NotAfter is 395 days away).
 */
import type { SimContext } from '../../types.js';
import { publicAnswerSince } from '../route53/lookup.js';
import { VALIDATION_TIMEOUT, validationBase, validationRecord, type CertRec } from './state.js';

export type CertStatus = 'PENDING_VALIDATION' | 'ISSUED' | 'VALIDATION_TIMED_OUT';

export interface Derived {
  status: CertStatus;
  /** Whether DescribeCertificate shows the ResourceRecords yet. */
  recordsShown: boolean;
  /** Per domain (by validation base name): when it was validated. */
  validated: Record<string, number>;
  issuedAt?: number;
}

const recordsAt = (ctx: SimContext, cert: CertRec): number => cert.createdAt + ctx.durations.acmResourceRecord;

export function deadline(ctx: SimContext, cert: CertRec): number {
  return (cert.validationMethod === 'DNS' ? recordsAt(ctx, cert) : cert.createdAt) + VALIDATION_TIMEOUT;
}

/** Derives (and latches) the certificate's validation state at `ctx.now()`. */
export function derive(ctx: SimContext, cert: CertRec): Derived {
  const now = ctx.now();
  const shownAt = recordsAt(ctx, cert);
  const recordsShown = cert.validationMethod === 'DNS' && now >= shownAt;
  if (cert.issuedAt !== undefined) {
    return { status: 'ISSUED', recordsShown, validated: cert.validatedAt, issuedAt: cert.issuedAt };
  }
  const until = Math.min(now, deadline(ctx, cert));
  if (recordsShown) {
    for (const base of new Set(cert.names.map(validationBase))) {
      if (cert.validatedAt[base] !== undefined) continue;
      const rr = validationRecord(ctx, base);
      const since = publicAnswerSince(ctx, rr.Name, 'CNAME', rr.Value);
      const at = since === undefined ? undefined : Math.max(since, shownAt) + ctx.durations.acmDnsValidation;
      if (at !== undefined && at <= until) cert.validatedAt[base] = at;
    }
  }
  const bases = [...new Set(cert.names.map(validationBase))];
  if (bases.every((b) => cert.validatedAt[b] !== undefined)) {
    cert.issuedAt = Math.max(...bases.map((b) => cert.validatedAt[b]!));
    return { status: 'ISSUED', recordsShown, validated: cert.validatedAt, issuedAt: cert.issuedAt };
  }
  const status: CertStatus = now >= deadline(ctx, cert) ? 'VALIDATION_TIMED_OUT' : 'PENDING_VALIDATION';
  return { status, recordsShown, validated: cert.validatedAt };
}
