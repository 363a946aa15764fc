/**
 * The one set of AWS error predicates. SDK v3 errors carry the service's error code as
 * `name`, `$metadata.httpStatusCode`, and `$retryable` where the model marks the error
 * retryable; network failures carry a Node `code`. The throttling and transient lists are
 * the SDK's own (@smithy/core 3.41, retry/service-error-classification/constants.js), so
 * what promigrate retries agrees with what the SDK's standard retry strategy retries.
 */

/** @smithy/core THROTTLING_ERROR_CODES. */
export const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException',
  'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException', 'TooManyRequestsException',
  'TransactionInProgressException',
]);

/** @smithy/core TRANSIENT_ERROR_CODES. */
const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
/** @smithy/core TRANSIENT_ERROR_STATUS_CODES. */
const TRANSIENT_STATUS_CODES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
/** @smithy/core NODEJS_TIMEOUT_ERROR_CODES and NODEJS_NETWORK_ERROR_CODES. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);

interface AwsErrorLike {
  name?: unknown;
  code?: unknown;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

const fields = (err: unknown): AwsErrorLike => (err !== null && typeof err === 'object' ? (err as AwsErrorLike) : {});

/** The error's name (for an AWS error, its error code); '' when it has none. */
export function errorName(err: unknown): string {
  const { name } = fields(err);
  return typeof name === 'string' ? name : '';
}

export function httpStatusOf(err: unknown): number | undefined {
  return fields(err).$metadata?.httpStatusCode;
}

/**
 * True when `err` is one of the AWS errors `codes`. The SDK names modelled errors after
 * their shape (`DBInstanceNotFoundFault`) while the wire code may lack the suffix
 * (`DBInstanceNotFound`): both spellings match.
 */
export function isAwsError(err: unknown, ...codes: string[]): boolean {
  const name = errorName(err);
  if (!name) return false;
  // The wire code and the SDK's modelled class name differ by a suffix: DMS/RDS `…Fault`, and
  // for the query APIs (ELBv2, Auto Scaling, SNS) the SDK names `TargetGroupNotFound`
  // `TargetGroupNotFoundException`. Either spelling matches.
  const bare = name.replace(/(Fault|Exception)$/, '');
  return codes.some((code) => code === name || code.replace(/(Fault|Exception)$/, '') === bare);
}

/**
 * "It is not there": one of `codes` when given (RDS and DMS name theirs:
 * `DBInstanceNotFoundFault`, `ResourceNotFoundFault`), else any error whose name says
 * NotFound (EC2 has one per resource kind: `InvalidVpcID.NotFound`, `NatGatewayNotFound` …).
 */
export function isNotFound(err: unknown, ...codes: string[]): boolean {
  return codes.length > 0 ? isAwsError(err, ...codes) : /NotFound/.test(errorName(err));
}

/** Runs `call`; a not-found answer (see isNotFound) becomes `undefined`, anything else is rethrown. */
export async function unlessNotFound<T>(call: () => Promise<T>, ...codes: string[]): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err, ...codes)) return undefined;
    throw err;
  }
}

/** AWS asked us to slow down; the request did nothing (the SDK's isThrottlingError). */
export function isThrottling(err: unknown): boolean {
  const e = fields(err);
  return e.$retryable?.throttling === true || e.$metadata?.httpStatusCode === 429 || THROTTLING_ERROR_NAMES.has(errorName(err));
}

/** A timeout, a 500/502/503/504 or a network failure (the SDK's isTransientError). */
export function isTransient(err: unknown): boolean {
  const e = fields(err);
  return (
    TRANSIENT_ERROR_NAMES.has(errorName(err)) ||
    TRANSIENT_STATUS_CODES.has(e.$metadata?.httpStatusCode ?? 0) ||
    (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code))
  );
}

/**
 * Worth asking again with a read-only call (a poll): throttling, transient failures, any
 * error the service model marks retryable, and any 5xx (a describe is safe to repeat).
 */
export function isRetryable(err: unknown): boolean {
  return isThrottling(err) || isTransient(err) || fields(err).$retryable !== undefined || (httpStatusOf(err) ?? 0) >= 500;
}
