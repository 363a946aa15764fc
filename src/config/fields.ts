/**
 * Field-level building blocks of the config schema: each validator carries the sentence
 * an operator sees ("expected …"), so error messages say what is expected, not what zod
 * found. Values are never echoed back for free-text fields: a password pasted into the
 * wrong field must not end up in a terminal or CI log.
 */
import { isIP } from 'node:net';
import { normalizeCidr, parseCidr } from 'cidr-tools';
import { z } from 'zod';

export const ENGINES = ['mysql', 'mariadb', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export const DEFAULT_PORT: Readonly<Record<Engine, number>> = { mysql: 3306, mariadb: 3306, postgres: 5432 };
export const DEFAULT_ENGINE_VERSION: Readonly<Record<Engine, string>> = {
  mysql: '8.0',
  mariadb: '10.11',
  postgres: '16',
};
/** Engines DMS can move between without a schema conversion. */
export const ENGINE_FAMILY: Readonly<Record<Engine, string>> = { mysql: 'mysql', mariadb: 'mysql', postgres: 'postgres' };

/**
 * Error option for zod: `is required (…)` when the key is missing, else the sentence,
 * plus the value when it is a number or boolean (never text: it may be a secret).
 */
export function says(expected: string) {
  return {
    error: (iss: { input?: unknown }) => {
      if (iss.input === undefined) return `is required (${expected})`;
      const got = typeof iss.input === 'number' || typeof iss.input === 'boolean' ? ` (got ${iss.input})` : '';
      return `${expected}${got}`;
    },
  };
}

const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  return value.replace(/\.$/, '').split('.').every((label) => HOST_LABEL.test(label));
}

export function isHost(value: string): boolean {
  return isIP(value) !== 0 || isHostname(value);
}

export function isDomainName(value: string): boolean {
  const labels = value.split('.');
  return labels.length >= 2 && isHostname(value) && /^[a-z]{2,63}$/i.test(labels[labels.length - 1] ?? '');
}

export const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,32}$/;
export const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
export const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
export const PROJECT_NAME = /^(?!.*--)[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** A string field with one sentence for every way it can be wrong. */
export function text(expected: string, pattern?: RegExp, check?: (value: string) => boolean) {
  let schema = z.string(says(expected)).min(1, says(expected));
  if (pattern) schema = schema.regex(pattern, says(expected));
  return check ? schema.refine(check, says(expected)) : schema;
}

export function int(min: number, max: number, what = 'a whole number') {
  const msg = says(`expected ${what} between ${min} and ${max}`);
  return z.int(msg).min(min, msg).max(max, msg);
}

export const bool = (expected = 'expected true or false') => z.boolean(says(expected));

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, says(`expected one of ${values.join(', ')}`));
}

export const hostField = () => text('expected a hostname or IP address', undefined, isHost);
export const envVarField = () =>
  text('expected the name of an environment variable, e.g. SOURCE_DB_PASSWORD', ENV_VAR);
export const secretArnField = () =>
  text('expected a Secrets Manager ARN like arn:aws:secretsmanager:us-east-1:123456789012:secret:name', SECRET_ARN);

/** Why `value` is not a usable IPv4 CIDR for a VPC or subnet, or undefined when it is. */
export function cidrProblem(value: string, minPrefix: number, maxPrefix: number): string | undefined {
  const expected = `expected an IPv4 CIDR between /${minPrefix} and /${maxPrefix}, e.g. 10.0.0.0/16`;
  if (!z.cidrv4().safeParse(value).success) return expected;
  const prefix = Number(parseCidr(value).prefix);
  if (prefix < minPrefix || prefix > maxPrefix) return expected;
  const network = normalizeCidr(value);
  if (network !== value) return `expected the network address ${network} (${value} has host bits set)`;
  return undefined;
}

export function cidrField(minPrefix: number, maxPrefix: number) {
  return z.string(says(`expected an IPv4 CIDR such as 10.0.0.0/16`)).superRefine((value, ctx) => {
    const problem = cidrProblem(value, minPrefix, maxPrefix);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.password === '';
  } catch {
    return false;
  }
}

export const httpUrlField = () => text('expected an http:// or https:// URL without credentials', undefined, isHttpUrl);

export const DB_URL_PROTOCOLS: Readonly<Record<string, Engine>> = {
  'mysql:': 'mysql',
  'mariadb:': 'mariadb',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
};

/** The engine a database URL names, or a sentence saying what is wrong with it. */
export function parseDbUrl(value: string): { engine: Engine; url: URL } | { problem: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'expected a database URL such as postgres://user@127.0.0.1:5432/db' };
  }
  const engine = DB_URL_PROTOCOLS[url.protocol];
  if (!engine) return { problem: 'expected a mysql://, mariadb:// or postgres:// URL' };
  if (url.password !== '') {
    return { problem: 'must not contain a password; promigrate reads passwords from passwordEnv or secretArn' };
  }
  if (url.hostname === '') return { problem: 'expected a host, e.g. postgres://user@127.0.0.1:5432/db' };
  return { engine, url };
}
