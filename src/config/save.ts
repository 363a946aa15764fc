/**
 * Writes a config file (YAML or JSON by extension) atomically, pointing editors at the
 * JSON Schema so they complete and check it. Never overwrites without `force`.
 */
import { stat, mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { stringify } from 'yaml';
import { UsageError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import type { MigrationConfigInput } from './schema.js';

export const JSON_SCHEMA_URL = `https://unpkg.com/promigrate@${TOOL_VERSION}/schema/promigrate.schema.json`;

export interface WriteConfigOptions {
  force?: boolean;
}

export function renderConfig(path: string, config: MigrationConfigInput): string {
  const { $schema: _ignored, ...settings } = config;
  if (extname(path).toLowerCase() === '.json') {
    return `${JSON.stringify({ $schema: JSON_SCHEMA_URL, ...settings }, null, 2)}\n`;
  }
  const header = [
    `# yaml-language-server: $schema=${JSON_SCHEMA_URL}`,
    '# promigrate migration config. Passwords are never stored here: passwordEnv names an',
    '# environment variable, secretArn a Secrets Manager secret. Check it with `promigrate plan`.',
  ];
  return `${header.join('\n')}\n${stringify(settings, { lineWidth: 0 })}`;
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Refuses (exit 2) when the file exists and `force` is not set. */
export async function assertWritable(path: string, options: WriteConfigOptions = {}): Promise<void> {
  if (!options.force && (await fileExists(path))) {
    throw new UsageError(`${path} already exists; nothing was written.`, {
      hint: 'Pass --force to overwrite it, or --config <file> to write another file.',
    });
  }
}

export async function writeConfigFile(
  path: string,
  config: MigrationConfigInput,
  options: WriteConfigOptions = {},
): Promise<void> {
  await assertWritable(path, options);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, renderConfig(path, config), { encoding: 'utf8', fsync: true });
}
