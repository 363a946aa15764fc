/**
 * Service-model constraint checks (length, range, pattern, enum, required) with the wording
 * AWS services use when a request breaks them before any business logic runs:
 *
 *   1 validation error detected: Value 'x' at 'domainName' failed to satisfy constraint: Member must …
 *   2 validation errors detected: Value … ; Value …
 *
 * Every violation of one request is collected and reported in one error, as AWS does.
 * The caller names the error (`ValidationException` for ACM and SSM, `ValidationError` for
 * CloudWatch and SNS).
 */
import { SimError } from '../errors.js';

export class Constraints {
  private readonly problems: string[] = [];

  /** `at` is the member path as AWS prints it: lowerCamelCase, list members as `tags.1.member.key`. */
  fail(at: string, value: unknown, constraint: string): this {
    const shown = value === undefined || value === null ? 'null' : `'${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}'`;
    this.problems.push(`Value ${shown} at '${at}' failed to satisfy constraint: ${constraint}`);
    return this;
  }

  required(at: string, value: unknown): boolean {
    if (value !== undefined && value !== null) return true;
    this.problems.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
    return false;
  }

  length(at: string, value: string | unknown[] | undefined, min: number, max?: number): boolean {
    if (value === undefined) return true;
    if (value.length < min) {
      this.fail(at, value, `Member must have length greater than or equal to ${min}`);
      return false;
    }
    if (max !== undefined && value.length > max) {
      this.fail(at, value, `Member must have length less than or equal to ${max}`);
      return false;
    }
    return true;
  }

  range(at: string, value: number | undefined, min?: number, max?: number): boolean {
    if (value === undefined) return true;
    if (min !== undefined && value < min) {
      this.fail(at, value, `Member must have value greater than or equal to ${min}`);
      return false;
    }
    if (max !== undefined && value > max) {
      this.fail(at, value, `Member must have value less than or equal to ${max}`);
      return false;
    }
    return true;
  }

  /** `source` is the pattern as the service model spells it (printed in the message). */
  pattern(at: string, value: string | undefined, re: RegExp, source: string): boolean {
    if (value === undefined || re.test(value)) return true;
    this.fail(at, value, `Member must satisfy regular expression pattern: ${source}`);
    return false;
  }

  oneOf(at: string, value: string | undefined, allowed: readonly string[]): boolean {
    if (value === undefined || allowed.includes(value)) return true;
    this.fail(at, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    return false;
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  /** Throws one error naming every violation, if there is any. */
  throwIfAny(errorName: string): void {
    if (!this.problems.length) return;
    const n = this.problems.length;
    throw new SimError(errorName, `${n} validation error${n === 1 ? '' : 's'} detected: ${this.problems.join('; ')}`);
  }
}
