/**
 * The instances' user data: app.userData (a file beside the config), else the packaged
 * templates/app/user-data.v1.sh, with {{port}}, {{healthCheckPath}} and {{siteUrl}} filled
 * in. EC2 takes at most 16 KB of user data before base64 (EC2 user guide, "Run commands when
 * you launch an EC2 instance with user data input").
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { AppConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { templatesDir } from '../../migration/templates.js';

const MAX_BYTES = 16 * 1024;
export const DEFAULT_USER_DATA = 'app/user-data.v1.sh';

export function renderUserData(app: AppConfig, configPath: string): { text: string; base64: string; source: string } {
  const source = app.userData ? (isAbsolute(app.userData) ? app.userData : join(dirname(configPath), app.userData)) : join(templatesDir(), DEFAULT_USER_DATA);
  if (!existsSync(source)) {
    throw new UsageError(`app.userData ${app.userData} does not exist (looked for ${source}).`, { hint: 'Give the path of your user-data script, relative to the config file, or leave app.userData out for promigrate\'s template.' });
  }
  const values: Record<string, string> = { port: String(app.port), healthCheckPath: app.healthCheckPath, siteUrl: app.siteUrl ?? '' };
  const unknown = new Set<string>();
  const text = readFileSync(source, 'utf8').replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    if (!(name in values)) unknown.add(name);
    return values[name] ?? '';
  });
  if (unknown.size) {
    throw new UsageError(`The user-data template ${source} uses ${[...unknown].map((n) => `{{${n}}}`).join(', ')}, which promigrate does not fill in.`, { hint: 'Use only {{port}}, {{healthCheckPath}} and {{siteUrl}}, or write the value into the script.' });
  }
  if (Buffer.byteLength(text) > MAX_BYTES) {
    throw new UsageError(`The user data from ${source} is ${Buffer.byteLength(text)} bytes; EC2 takes at most 16 KB.`, { hint: 'Have the script download the rest (e.g. from app.siteUrl or S3) instead of embedding it.' });
  }
  return { text, base64: Buffer.from(text).toString('base64'), source };
}
