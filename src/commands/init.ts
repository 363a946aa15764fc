import { relative, resolve } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { validateConfig } from '../config/issues.js';
import { hashConfig, loadConfig } from '../config/load.js';
import { assertWritable, renderConfig, writeConfigFile } from '../config/save.js';
import type { MigrationConfigInput } from '../config/schema.js';
import { createEffects } from '../engine/effects.js';
import { wizardQuestions } from '../config/wizard.js';
import { buildDraft, collectAnswers, questionFor } from '../config/wizard-run.js';
import { statePaths } from '../state/paths.js';
import { readStateFile } from '../state/read.js';
import { StateStore } from '../state/store.js';
import { TOOL_VERSION } from '../version.js';
import type { CommandArgs } from './spec.js';

/** `promigrate init`: answers (flags, prompts or defaults) → validated config file + a new state. */
export default async function init({ globals, options, io }: CommandArgs): Promise<number> {
  const configPath = resolve(globals.config);
  const stateDir = resolve(globals.stateDir);
  const near = relative(process.cwd(), configPath);
  const shown = near && !near.startsWith('..') ? near : configPath;
  const force = options.force === true;
  await assertWritable(shown, { force });

  const flags = { ...options, region: options.region ?? globals.region, sandbox: options.sandbox ?? globals.sandbox };
  const answers = await collectAnswers(wizardQuestions, { flags, io, assumeYes: globals.yes });
  const draft = buildDraft(wizardQuestions, answers);
  if (globals.profile) (draft.aws ??= {}).profile = globals.profile;
  if (globals.endpointUrl) (draft.aws ??= {}).endpoint = globals.endpointUrl;
  const config = validateDraft(draft);
  // Valid by the line above: the draft is exactly the config input the file will hold.
  const input = draft as unknown as MigrationConfigInput;
  const project = config.project.name;
  const keepState = await checkExistingState(stateDir, project, force);

  const statePath = statePaths(stateDir).state;
  const effects = createEffects({ planMode: globals.dryRun });
  const wrote = await effects.perform(
    { kind: 'file', operation: 'file:write', description: `write ${shown}:\n\n${renderConfig(configPath, input)}`, params: { path: configPath } },
    async () => {
      await writeConfigFile(configPath, input, { force });
      const { hash } = await loadConfig(configPath);
      if (!keepState) await StateStore.create(stateDir, { project, configHash: hash, toolVersion: TOOL_VERSION });
    },
  );
  if (!wrote.performed) {
    io.result({ config: configPath, state: statePath, project, dryRun: true, configHash: hashConfig(config) }, () =>
      `${wrote.planned.line}\n(plan) would ${keepState ? 'keep the existing' : 'start a new'} state in ${statePath}.\nRun again without --dry-run to write them.`,
    );
    return 0;
  }

  io.result({ config: configPath, state: statePath, project }, () =>
    [
      `Wrote ${shown} for project ${project}${config.aws.mode === 'sandbox' ? ' (sandbox: simulated AWS)' : ''}.`,
      keepState ? `Kept the existing state in ${statePath}.` : `Started a new state in ${statePath}.`,
      `Next: review ${shown}, then run \`promigrate plan\` to see what would be done.`,
    ].join('\n'),
  );
  return 0;
}

/** The same validation and error style as loading the file, with a hint naming the flag. */
function validateDraft(draft: Record<string, unknown>) {
  try {
    return validateConfig(draft, 'promigrate init');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const question = questionFor(wizardQuestions, err.path);
    if (!question) throw err;
    throw new ConfigError(err.message, {
      ...(err.path === undefined ? {} : { path: err.path }),
      hint: `Fix the value given for ${question.flag} (or the answer to "${question.question.message}").`,
    });
  }
}

/** True when an existing state may be kept (--force, same project); throws when it is in the way. */
async function checkExistingState(stateDir: string, project: string, force: boolean): Promise<boolean> {
  const existing = await readStateFile(statePaths(stateDir).state);
  if (!existing) return false;
  if (force && existing.project === project) return true;
  const why = force ? `belongs to project ${existing.project}, not ${project}` : `exists for project ${existing.project}`;
  throw new UsageError(`A state in ${stateDir} ${why}; nothing was written.`, {
    hint: force
      ? 'Use another --state-dir, or move that directory aside if that migration is over.'
      : 'Pass --force to write the config and keep that state (same project only), or use another --state-dir.',
  });
}
