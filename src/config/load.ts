/**
 * Reads the config file (YAML or JSON), validates it and returns it normalised (defaults
 * applied) with a hash the state records, so a run can tell when the config changed.
 * Every failure is one ConfigError (exit 2) whose message names the file and the field.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, UsageError } from '../errors.js';
import { REGION, isHttpUrl } from './fields.js';
import { SCHEMA_HINT, validateConfig } from './issues.js';
import type { MigrationConfig } from './schema.js';

export interface LoadedConfig {
  config: MigrationConfig;
  path: string;
  /** sha256 (hex) of the canonical JSON of the normalised config. */
  hash: string;
}

export type ConfigFormat = 'yaml' | 'json';

const INIT_HINT = 'Run `promigrate init` to write one, or point --config at the right file.';

/** By extension; anything else is JSON when it starts with `{`, else YAML. */
export function detectFormat(path: string, text: string): ConfigFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before[before.length - 1]?.length ?? 0) + 1}`;
}

function parseJson(text: string, fileLabel: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const position = /at position (\d+)/.exec(raw);
    // V8 may quote the offending source text; drop it so no secret reaches the terminal.
    const what = raw.replace(/ in JSON at position \d+.*$/s, '').replace(/, (?:\.\.\.)?".*$/s, '');
    const where = position ? `:${lineCol(text, Number(position[1]))}` : '';
    throw new ConfigError(`${fileLabel}${where}: invalid JSON: ${what}.`, { hint: 'Fix the syntax and run again.' });
  }
}

function parseYaml(text: string, fileLabel: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new ConfigError(`${fileLabel}:${line}:${col}: invalid YAML: ${error.message}.`, {
      hint: 'Fix the syntax and run again (indent with spaces, quote values containing ": " or "#").',
    });
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(`${fileLabel}: invalid YAML: ${err instanceof Error ? err.message : String(err)}.`, {
      hint: 'Fix the anchors and aliases (&name / *name) and run again.',
    });
  }
}

/** Parses and validates config text; `fileLabel` prefixes every message. */
export function parseConfigText(text: string, fileLabel: string, format: ConfigFormat): MigrationConfig {
  if (text.trim() === '') {
    throw new ConfigError(`${fileLabel}: the file is empty.`, { hint: INIT_HINT });
  }
  const raw = format === 'json' ? parseJson(text, fileLabel) : parseYaml(text, fileLabel);
  if (raw === null || raw === undefined) {
    throw new ConfigError(`${fileLabel}: the file has no settings.`, { hint: INIT_HINT });
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    const got = Array.isArray(raw) ? 'a list' : `a single ${typeof raw} value`;
    throw new ConfigError(`${fileLabel}: expected a mapping of settings (project, aws, source, …) at the top level, got ${got}.`, {
      hint: INIT_HINT,
    });
  }
  return validateConfig(raw, fileLabel, SCHEMA_HINT);
}

/** JSON with object keys sorted at every level, so equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function hashConfig(config: MigrationConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

export async function loadConfig(path: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError(`${path}: no config file here.`, { hint: INIT_HINT, cause: err });
    }
    if (code === 'EISDIR') throw new ConfigError(`${path}: is a directory, not a config file.`, { hint: INIT_HINT });
    throw new ConfigError(`${path}: cannot read the config file (${code ?? 'unknown error'}).`, {
      hint: 'Check the file permissions.',
      cause: err,
    });
  }
  const config = parseConfigText(text.replace(/^\uFEFF/, ''), path, detectFormat(path, text));
  return { config, path, hash: hashConfig(config) };
}

export interface ConfigOverrides {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** --sandbox: true switches aws.mode to sandbox; false/undefined leaves the file's mode. */
  sandbox?: boolean;
}

/** Applies the global CLI flags on top of the file; returns a new config. */
export function applyOverrides(config: MigrationConfig, overrides: ConfigOverrides): MigrationConfig {
  const aws = { ...config.aws };
  if (overrides.region !== undefined) {
    if (!REGION.test(overrides.region)) {
      throw new UsageError(`--region: expected an AWS region such as ap-northeast-2.`, {
        hint: 'Pass a region code, e.g. --region us-east-1.',
      });
    }
    aws.region = overrides.region;
  }
  if (overrides.profile !== undefined) {
    if (overrides.profile === '') throw new UsageError('--profile: expected the name of an AWS CLI profile.');
    aws.profile = overrides.profile;
  }
  if (overrides.endpointUrl !== undefined) {
    if (!isHttpUrl(overrides.endpointUrl)) {
      throw new UsageError('--endpoint-url: expected an http:// or https:// URL without credentials.');
    }
    aws.endpoint = overrides.endpointUrl;
  }
  if (overrides.sandbox) aws.mode = 'sandbox';
  return { ...config, aws };
}
