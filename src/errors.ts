/**
 * The one errors module. Every error the operator may see is a PromigrateError with an
 * exit code and a hint saying what to do next; the CLI's top-level handler prints
 * `message` and `hint` (and the stack only with --verbose). An AWS call's failure is
 * described by the call (AwsCallFailure); anything else that escapes is a bug and exits 1
 * with the stack under --verbose.
 */
export const ExitCode = {
  ok: 0,
  stepFailed: 1,
  badInput: 2,
  locked: 3,
  confirmationNeeded: 4,
  cancelled: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class PromigrateError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(message: string, exitCode: ExitCodeValue, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** Bad input: a malformed config, a wrong flag, an unreachable database, wrong credentials. */
export class UsageError extends PromigrateError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.badInput, options);
  }
}

/** The config file is missing, unparsable or invalid; `path` names the field when known. */
export class ConfigError extends PromigrateError {
  readonly path: string | undefined;
  constructor(message: string, options: ErrorOptions & { path?: string } = {}) {
    super(message, ExitCode.badInput, options);
    this.path = options.path;
  }
}

/** The state file cannot be read or written safely. */
export class StateError extends PromigrateError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.badInput, options);
  }
}

/** Another promigrate process holds the state lock. */
export class LockedError extends PromigrateError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.locked, options);
  }
}

/** A confirmation is needed, the run is non-interactive and --yes was not given. */
export class ConfirmationRequiredError extends PromigrateError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.confirmationNeeded, options);
  }
}

/** The operator pressed Ctrl-C (or the process got SIGTERM). */
export class CancelledError extends PromigrateError {
  constructor(message = 'Cancelled.', options?: ErrorOptions) {
    super(message, ExitCode.cancelled, options);
  }
}

/** A step ran and failed; state records the failure and a re-run resumes. */
export class StepFailedError extends PromigrateError {
  readonly stepId: string;
  constructor(stepId: string, message: string, options?: ErrorOptions) {
    super(message, ExitCode.stepFailed, options);
    this.stepId = stepId;
  }
}

/**
 * By shape, not only by class: the start-up bundle (dist/bundle) and the command modules it
 * loads (dist/) each have their own copy of this module, so an error made by one is not an
 * instance of the other's class.
 */
export function isPromigrateError(err: unknown): err is PromigrateError {
  if (err instanceof PromigrateError) return true;
  return err instanceof Error && typeof (err as { exitCode?: unknown }).exitCode === 'number' && 'hint' in err;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** An AWS SDK service error (it carries `$fault`): its code is worth showing with the message. */
export function isAwsServiceError(err: unknown): err is Error & { $fault: 'client' | 'server' } {
  return err instanceof Error && typeof (err as { $fault?: unknown }).$fault === 'string';
}

/**
 * What an AWS call that failed was and what came back, in one sentence and as fields. The
 * client factory's middleware (aws/call-context.ts) attaches it to the error the SDK threw,
 * under AWS_CALL_FAILURE, by shape: the start-up bundle has its own copy of this module.
 */
export interface AwsCallFailure {
  /** refused: AWS answered with an error code; not-aws: the answer was not the service's protocol;
   * unreadable: the SDK could not read the answer; unreachable: no answer; credentials: not signed. */
  kind: 'refused' | 'not-aws' | 'unreadable' | 'unreachable' | 'credentials';
  operation: string;
  service: string;
  region: string;
  endpoint?: string;
  httpStatus?: number;
  code?: string;
  message: string;
  /** What to check, for the failures that are not a plain AWS refusal. */
  hint?: string;
}

export const AWS_CALL_FAILURE = 'promigrateAwsCall';

/** The AWS call failure attached to `err` or to one of its causes. */
export function awsCallFailureOf(err: unknown): AwsCallFailure | undefined {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const failure = (e as Record<string, unknown>)[AWS_CALL_FAILURE];
    if (failure !== null && typeof failure === 'object') return failure as AwsCallFailure;
  }
  return undefined;
}

/**
 * The message an operator sees for a failure: an AWS call's says which call to which service
 * failed and what came back; other AWS errors are prefixed with their code.
 */
export function describeFailure(err: unknown): string {
  const call = err !== null && typeof err === 'object' ? ((err as Record<string, unknown>)[AWS_CALL_FAILURE] as AwsCallFailure | undefined) : undefined;
  if (call) return call.message;
  return isAwsServiceError(err) ? `${err.name}: ${err.message}` : errorMessage(err);
}

/** Below this length a secret is masked only where it stands as a whole token (see scrubSecret). */
const SHORT_SECRET = 6;

/**
 * `text` with every occurrence of `secret` replaced by `***`, for any message that may reach
 * the operator, a log or a report (a driver may echo a password back). A short secret such as
 * "x" is also a piece of ordinary words ("fix", "exit"): masking it there would mangle the
 * message without protecting anything, so a secret shorter than six characters is masked only
 * where it is not part of a longer run of letters and digits.
 */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  if (secret.length >= SHORT_SECRET) return text.split(secret).join('***');
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const wordy = (ch: string): boolean => /[\p{L}\p{N}]/u.test(ch);
  const before = wordy(secret[0]!) ? '(?<![\\p{L}\\p{N}])' : '';
  const after = wordy(secret[secret.length - 1]!) ? '(?![\\p{L}\\p{N}])' : '';
  return text.replace(new RegExp(`${before}${escaped}${after}`, 'gu'), '***');
}
