/** The shape of a wizard question and the small helpers the question lists share. */
import type { Question } from '../ui/io-host.js';
import { parseSourceUrl } from './source-url.js';

export type AnswerValue = string | boolean;
export type Answers = Record<string, AnswerValue | undefined>;
/** The config being built: section → settings. Validated by the schema afterwards. */
export type ConfigDraft = Record<string, Record<string, unknown>>;

export interface WizardQuestion {
  id: string;
  /** The flag that answers it, checked by `flagCheck` (default: the question's validate). */
  flag: string;
  flagCheck?: (value: string) => true | string;
  /** Other flags answering it in another form, e.g. --source-secret-arn for --source-password-env. */
  altFlags?: readonly { flag: string; check: (value: string) => true | string }[];
  /** Its `default` is replaced by `default(answers)` when asked. */
  question: Question;
  /** Required: without a terminal it needs a flag or --yes. Optional: its default is taken silently. */
  required: boolean;
  /** '' means "none": the setting is left out of the config. */
  default?: (answers: Answers) => AnswerValue | undefined;
  when?: (answers: Answers) => boolean;
  /** Config fields it fills, to point a validation error back at the flag. */
  paths: readonly string[];
  toConfig(value: AnswerValue, draft: ConfigDraft, answers: Answers): void;
}

export const section = (draft: ConfigDraft, name: string) => (draft[name] ??= {});
/** A toConfig that stores the answer at `name.key`. */
export const put = (name: string, key: string) => (value: AnswerValue, draft: ConfigDraft) => {
  section(draft, name)[key] = value;
};
export const str = (value: AnswerValue | undefined) => (typeof value === 'string' ? value : '');
export const valid = (problem: string | undefined) => problem ?? true;

export const sourceEngine = (answers: Answers) => {
  const parsed = parseSourceUrl(str(answers.source));
  return 'engine' in parsed ? parsed.engine : undefined;
};
