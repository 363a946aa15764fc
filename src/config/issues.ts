/**
 * Turns schema validation into ONE ConfigError: `<file>: <field.path>: <what is wrong>`,
 * the first problem plus "(and N more)", the rest listed in the hint. Literal passwords
 * are found by a deep scan of the raw document, so one hiding in an unknown section is
 * reported too, and always first.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { migrationConfigSchema, type MigrationConfig } from './schema.js';

export interface ConfigProblem {
  path: (string | number)[];
  message: string;
}

const PASSWORD_KEY = /^(pass|pwd|.*passw(or)?d)$/i;
const PASSWORD_MESSAGE =
  'a literal password is not allowed; use passwordEnv (the name of an environment variable) or secretArn (a Secrets Manager ARN) instead';
export const SCHEMA_HINT =
  'Editors can check the file against the JSON Schema shipped in promigrate/schema/promigrate.schema.json; `promigrate init --force` writes a fresh one.';

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`))
    .join('');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = {
  object: 'a mapping of settings',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** Per-parse error map: our wording for issues the schema has no sentence for. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type': {
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      return iss.input === undefined ? `is required (expected ${expected})` : `expected ${expected}, got ${typeName(iss.input)}`;
    }
    case 'invalid_value':
      return `expected one of ${iss.values.map(String).join(', ')}`;
    default:
      return undefined;
  }
};

export function findLiteralPasswords(value: unknown, path: (string | number)[] = []): ConfigProblem[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => findLiteralPasswords(item, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    PASSWORD_KEY.test(key)
      ? [{ path: [...path, key], message: PASSWORD_MESSAGE }]
      : findLiteralPasswords(child, [...path, key]),
  );
}

function toProblems(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    const path = issue.path.filter((seg): seg is string | number => typeof seg !== 'symbol');
    if (issue.code !== 'unrecognized_keys') return [{ path, message: issue.message }];
    return issue.keys
      .filter((key) => !PASSWORD_KEY.test(key))
      .map((key) => ({ path: [...path, key], message: 'unknown setting (check the spelling)' }));
  });
}

export function describeProblem(problem: ConfigProblem): string {
  return problem.path.length ? `${formatPath(problem.path)}: ${problem.message}` : problem.message;
}

export function problemsError(fileLabel: string, problems: readonly ConfigProblem[], fixHint = SCHEMA_HINT): ConfigError {
  const [first, ...rest] = problems;
  if (!first) throw new Error('problemsError needs at least one problem');
  const more = rest.length ? ` (and ${rest.length} more)` : '';
  const also = rest.length ? `Also: ${rest.slice(0, 5).map(describeProblem).join('; ')}${rest.length > 5 ? '; …' : ''}. ` : '';
  return new ConfigError(`${fileLabel}: ${describeProblem(first)}${more}`, {
    path: formatPath(first.path) || undefined,
    hint: `${also}${fixHint}`,
  });
}

/** Validates a parsed document; throws one ConfigError (exit 2) naming the first bad field. */
export function validateConfig(raw: unknown, fileLabel: string, fixHint?: string): MigrationConfig {
  const passwords = findLiteralPasswords(raw);
  const result = migrationConfigSchema.safeParse(raw, { error: errorMap });
  if (result.success && passwords.length === 0) return result.data;
  const problems = [...passwords, ...(result.success ? [] : toProblems(result.error.issues))];
  throw problemsError(fileLabel, problems, fixHint);
}
