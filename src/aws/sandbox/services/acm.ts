/**
 * Simulated AWS Certificate Manager: public certificates requested with DNS (or EMAIL)
 * validation, validated by the simulated Route 53 on the simulated clock (see
 * acm/lifecycle.ts), with tags, InUseBy and the API reference's errors. Private
 * certificates, imports, exports and renewals are not simulated.
 *
 * `certificateStatus` and `markCertificateInUse` are for other simulators (an HTTPS
 * listener needs an ISSUED certificate and marks it in use).
 */
import type { ServiceSimulator } from '../types.js';
import { certificateHandlers } from './acm/certificates.js';

export { certificateStatus, markCertificateInUse } from './acm/certificates.js';

export const acmSimulator: ServiceSimulator = { ...certificateHandlers };
