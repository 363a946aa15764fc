import type { CommandHandler } from './spec.js';
import { UsageError } from '../errors.js';
import { statePaths } from '../state/paths.js';
import { readStateFile } from '../state/read.js';
import { renderTable, shortTime } from '../ui/table.js';

/** Kept to node builtins and the light state reader: `promigrate status` must start fast. */
const status: CommandHandler = async ({ globals, io }) => {
  const paths = statePaths(globals.stateDir);
  const state = await readStateFile(paths.state);
  if (!state) {
    throw new UsageError(`There is no promigrate state in ${globals.stateDir}.`, {
      hint: 'Run `promigrate init` to start a migration, or pass --state-dir.',
    });
  }
  const steps = Object.entries(state.steps).map(([id, s]) => ({
    id,
    status: s.status,
    attempt: s.attempt,
    startedAt: s.startedAt ?? null,
    finishedAt: s.finishedAt ?? null,
    error: s.error?.message ?? null,
  }));
  const resources = Object.entries(state.resources).map(([key, r]) => ({ key, ...r }));
  const document = { project: state.project, lineage: state.lineage, serial: state.serial, steps, resources };

  io.result(document, () => {
    const lines = [`Project ${state.project} (state serial ${state.serial}, updated ${shortTime(state.updatedAt)})`, ''];
    lines.push(
      steps.length === 0
        ? 'No step has run yet. Next: `promigrate plan`.'
        : renderTable(
            ['STEP', 'STATUS', 'ATTEMPTS', 'STARTED', 'FINISHED', 'LAST ERROR'],
            steps.map((s) => [s.id, s.status, String(s.attempt), shortTime(s.startedAt ?? undefined), shortTime(s.finishedAt ?? undefined), s.error ?? '']),
          ),
    );
    if (resources.length > 0) {
      lines.push('', renderTable(['RESOURCE', 'TYPE', 'ID'], resources.map((r) => [r.key, r.type, r.id])));
    }
    return lines.join('\n');
  });
};

export default status;
