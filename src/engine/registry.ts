import { UsageError } from '../errors.js';
import type { Step, StepId } from './step.js';

/**
 * Orders steps so that every step comes after the steps it depends on; ties keep the
 * registration order (assess → provision → sync → cutover → verify reads naturally).
 */
export function orderSteps(steps: readonly Step[]): Step[] {
  const byId = new Map<StepId, Step>();
  for (const step of steps) {
    if (byId.has(step.id)) throw new Error(`step "${step.id}" is registered twice`);
    byId.set(step.id, step);
  }
  for (const step of steps) {
    for (const dep of step.dependsOn) {
      if (!byId.has(dep)) throw new Error(`step "${step.id}" depends on unknown step "${dep}"`);
    }
  }
  const ordered: Step[] = [];
  const state = new Map<StepId, 'visiting' | 'done'>();
  const visit = (step: Step, path: StepId[]): void => {
    const seen = state.get(step.id);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`steps depend on each other in a cycle: ${[...path, step.id].join(' → ')}`);
    state.set(step.id, 'visiting');
    for (const dep of step.dependsOn) visit(byId.get(dep)!, [...path, step.id]);
    state.set(step.id, 'done');
    ordered.push(step);
  };
  for (const step of steps) visit(step, []);
  return ordered;
}

export interface Selection {
  from?: string;
  to?: string;
  only?: string[];
}

/** Applies --from/--to/--only to the ordered steps; unknown ids are a usage error. */
export function selectSteps(ordered: readonly Step[], selection: Selection): Step[] {
  const ids = ordered.map((s) => s.id);
  const known = (id: string, flag: string): number => {
    const index = ids.indexOf(id);
    if (index < 0) {
      throw new UsageError(`${flag}: there is no step "${id}".`, { hint: `Steps are: ${ids.join(', ')}.` });
    }
    return index;
  };
  if (selection.only && selection.only.length > 0) {
    if (selection.from || selection.to) throw new UsageError('--only cannot be combined with --from or --to.');
    const wanted = new Set(selection.only.map((id) => (known(id, '--only'), id)));
    return ordered.filter((s) => wanted.has(s.id));
  }
  if (ordered.length === 0) return [];
  const start = selection.from ? known(selection.from, '--from') : 0;
  const end = selection.to ? known(selection.to, '--to') : ordered.length - 1;
  if (start > end) {
    throw new UsageError(`--from ${selection.from} comes after --to ${selection.to}.`, {
      hint: `Steps run in this order: ${ids.join(' → ')}.`,
    });
  }
  return ordered.slice(start, end + 1);
}

/** `assess → provision`, one line per step with its dependencies, for plans and help. */
export function dependencyGraph(ordered: readonly Step[]): string[] {
  return ordered.map((s) => (s.dependsOn.length ? `${s.id} ← ${s.dependsOn.join(', ')}` : `${s.id}`));
}
