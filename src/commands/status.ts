import type { CommandHandler } from './spec.js';
import { UsageError } from '../errors.js';
import { statePaths } from '../state/paths.js';
import { readStateFile } from '../state/read.js';
import { renderTable, shortTime } from '../ui/table.js';

const STALE_AFTER_MS = 24 * 3600_000;

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
  const verify = state.steps.verify;
  const verifiedAt = typeof verify?.outputs?.verifiedAt === 'string' ? Date.parse(verify.outputs.verifiedAt) : undefined;
  // Data moves on while CDC runs: a verification is evidence for a day, not for ever.
  const stale = verify?.status === 'done' && verifiedAt !== undefined && Date.now() - verifiedAt > STALE_AFTER_MS;
  const hostKeys = Object.entries(state.hostKeys ?? {}).map(([instanceId, pin]) => ({ instanceId, ...pin }));
  const document = {
    project: state.project, lineage: state.lineage, serial: state.serial, steps, resources,
    ...(hostKeys.length ? { hostKeys } : {}),
    ...(verify?.status === 'done' ? { verificationStale: stale } : {}),
  };

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
    if (stale) lines.push('', `The last verification (${shortTime(verify!.outputs.verifiedAt as string)}) is more than 24 h old: run \`promigrate verify\` again before relying on it.`);
    if (resources.length > 0) {
      lines.push('', renderTable(['RESOURCE', 'TYPE', 'ID'], resources.map((r) => [r.key, r.type, r.id])));
    }
    if (hostKeys.length > 0) {
      lines.push('', renderTable(['BASTION', 'PINNED HOST KEY', 'SINCE'], hostKeys.map((k) => [k.instanceId, `${k.fingerprint} (${k.algorithm})`, shortTime(k.pinnedAt)])));
    }
    return lines.join('\n');
  });
};

export default status;
