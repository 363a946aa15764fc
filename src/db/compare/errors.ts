/**
 * A query that fails during a comparison → one PromigrateError naming the server and the
 * table, with the password scrubbed from the driver's text and a hint on what to do next.
 */
import { ExitCode, PromigrateError, UsageError, errorMessage, scrubSecret } from '../../errors.js';
import type { ConnectionSpec } from '../types.js';

/** MySQL ER_TABLEACCESS_DENIED_ERROR / ER_COLUMNACCESS_DENIED_ERROR / ER_SPECIFIC_ACCESS_DENIED, PostgreSQL 42501. */
const DENIED = new Set(['ER_TABLEACCESS_DENIED_ERROR', 'ER_COLUMNACCESS_DENIED_ERROR', 'ER_SPECIFIC_ACCESS_DENIED_ERROR', '42501']);

export function queryError(err: unknown, spec: ConnectionSpec, what: string): PromigrateError {
  const code = (err as { code?: unknown } | null)?.code;
  const detail = scrubSecret(errorMessage(err), spec.password);
  if (typeof code === 'string' && DENIED.has(code)) {
    return new UsageError(`Comparing ${what}: the ${spec.label} refused a read (${detail}).`, {
      hint: `Grant the comparison user SELECT on the tables to verify (it only reads; nothing is written).`,
    });
  }
  return new PromigrateError(`Comparing ${what} on the ${spec.label} failed: ${detail}`, ExitCode.stepFailed, {
    hint: 'Check that the server is reachable, then run verify again: it continues from the last finished chunk.',
  });
}
