/**
 * Runs the wizard questions: a flag answers a question outright; otherwise a terminal is
 * asked, --yes takes the default, and a run that can do neither collects every missing
 * flag and fails once (exit 4), so a runbook author fixes them all in one go.
 */
import { ConfirmationRequiredError, UsageError } from '../errors.js';
import type { IoHost, Question } from '../ui/io-host.js';
import type { AnswerValue, Answers, ConfigDraft, WizardQuestion } from './wizard-kit.js';

/** `--source-password-env` → `sourcePasswordEnv`, as commander names its options. */
export function optionKey(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export function flagsOf(q: WizardQuestion): string[] {
  return [q.flag, ...(q.altFlags ?? []).map((alt) => alt.flag)];
}

function checkFlag(q: WizardQuestion, flag: string, value: string): void {
  const alt = q.altFlags?.find((a) => a.flag === flag);
  const check = alt?.check ?? q.flagCheck ?? (q.question.kind === 'input' ? q.question.validate : undefined);
  const verdict = check ? check(value) : true;
  if (verdict !== true) throw new UsageError(`${flag}: ${verdict}.`, { hint: `Run \`promigrate init --help\` for the flag's format.` });
  if (q.question.kind === 'select' && !q.question.choices.some((c) => c.value === value)) {
    const choices = q.question.choices.map((c) => c.value).join(', ');
    throw new UsageError(`${flag}: expected one of ${choices}.`);
  }
}

/** The answer the flags give, validated; undefined when no flag answers it. */
export function flagAnswer(q: WizardQuestion, flags: Record<string, unknown>): AnswerValue | undefined {
  const given = flagsOf(q).filter((flag) => flags[optionKey(flag)] !== undefined && flags[optionKey(flag)] !== false);
  if (given.length > 1) throw new UsageError(`${given.join(' and ')}: give only one of them.`);
  const flag = given[0];
  if (flag === undefined) return undefined;
  const value = flags[optionKey(flag)];
  if (q.question.kind === 'confirm') return value === true || value === 'true';
  if (typeof value !== 'string') throw new UsageError(`${flag}: expected a value.`);
  checkFlag(q, flag, value);
  return value;
}

function withDefault(question: Question, value: AnswerValue | undefined): Question {
  if (value === undefined) return question;
  return question.kind === 'confirm' ? { ...question, default: value === true } : { ...question, default: String(value) };
}

function describeFlags(q: WizardQuestion): string {
  const [main, ...alts] = flagsOf(q);
  return alts.length ? `${main} (or ${alts.join(' or ')})` : (main ?? q.id);
}

function missingError(missing: WizardQuestion[], answers: Answers, assumeYes: boolean): Error {
  const list = missing.map(describeFlags).join(', ');
  if (assumeYes) {
    return new UsageError(`promigrate init needs ${list}: there is no default to take.`, {
      hint: 'Pass them as flags, e.g. --source postgres://app@10.0.0.5:5432/shop.',
    });
  }
  const defaults = missing.flatMap((q) => {
    const value = q.default?.(answers);
    return value === undefined || value === '' ? [] : [`${q.flag} ${String(value)}`];
  });
  const always = missing.filter((q) => !q.default).map((q) => q.flag);
  const yes = defaults.length ? `, or add --yes to take the defaults (${defaults.join(', ')})` : '';
  const must = always.length ? ` ${always.join(', ')} has no default.` : '';
  return new ConfirmationRequiredError(`This run is not interactive and promigrate init is missing ${list}.`, {
    hint: `Pass them as flags, run it in a terminal to be asked${yes}.${must}`,
  });
}

export interface CollectOptions {
  /** Commander's options (camelCase keys), including flags taken from the global options. */
  flags: Record<string, unknown>;
  io: IoHost;
  assumeYes: boolean;
}

export async function collectAnswers(questions: readonly WizardQuestion[], options: CollectOptions): Promise<Answers> {
  const { flags, io, assumeYes } = options;
  const answers: Answers = {};
  const missing: WizardQuestion[] = [];
  for (const q of questions) {
    if (q.when && !q.when(answers)) continue;
    const given = flagAnswer(q, flags);
    if (given !== undefined) {
      answers[q.id] = given;
      continue;
    }
    const fallback = q.default?.(answers);
    const takeDefault = fallback !== undefined && (assumeYes || (!io.interactive && !q.required));
    if (takeDefault) answers[q.id] = fallback;
    else if (io.interactive) answers[q.id] = await io.ask(withDefault(q.question, fallback));
    else if (q.required) missing.push(q);
  }
  if (missing.length) throw missingError(missing, answers, assumeYes);
  return answers;
}

const SECTION_ORDER = ['project', 'aws', 'source', 'target', 'network', 'dms', 'dns', 'verify', 'sandbox'];

/** The config input the answers describe; '' answers mean "leave it out". */
export function buildDraft(questions: readonly WizardQuestion[], answers: Answers): ConfigDraft {
  const draft: ConfigDraft = {};
  for (const q of questions) {
    const value = answers[q.id];
    if (value !== undefined && value !== '') q.toConfig(value, draft, answers);
  }
  const ordered: ConfigDraft = {};
  for (const name of SECTION_ORDER) if (draft[name]) ordered[name] = draft[name];
  return ordered;
}

/** The question (and so the flag) that fills a config field path such as `dns.record`. */
export function questionFor(questions: readonly WizardQuestion[], path: string | undefined): WizardQuestion | undefined {
  if (!path) return undefined;
  return questions.find((q) => q.paths.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`)));
}
