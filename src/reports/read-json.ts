/** Reading a report file back: present, JSON, this version, and the fields its readers use. */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { UsageError } from '../errors.js';

export interface ReportFile {
  /** e.g. `assessment report`. */
  what: string;
  version: number;
  /** Why the caller needs it, e.g. `sync builds its table list from it`. */
  neededBy: string;
  hint: string;
}

export function readReportJson<S extends z.ZodType>(path: string, schema: S, file: ReportFile): z.infer<S> {
  const refuse = (problem: string): never => {
    throw new UsageError(`The ${file.what} ${path} ${problem}: ${file.neededBy}.`, { hint: file.hint });
  };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return refuse((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'is unreadable');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return refuse('is unreadable (not JSON)');
  }
  const version = (raw as { reportVersion?: unknown } | null)?.reportVersion;
  if (version !== file.version) {
    return refuse(`has reportVersion ${JSON.stringify(version) ?? 'none'}, and this promigrate reads only version ${file.version}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return refuse(`is not a report promigrate wrote (${issue.path.join('.') || 'the document'}: ${issue.message})`);
  }
  return parsed.data;
}
