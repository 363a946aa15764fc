import { join } from 'node:path';

export interface StatePaths {
  dir: string;
  state: string;
  backup: string;
  lock: string;
  audit: string;
  /** Notes of mutating calls being sent (see state/audit-journal.ts). */
  auditPending: string;
  reports: string;
}

/** Where everything under a state directory lives; the one place these names are spelled. */
export function statePaths(stateDir: string): StatePaths {
  return {
    dir: stateDir,
    state: join(stateDir, 'state.json'),
    backup: backupPathFor(join(stateDir, 'state.json')),
    lock: join(stateDir, 'lock'),
    audit: join(stateDir, 'audit.jsonl'),
    auditPending: join(stateDir, 'audit-pending'),
    reports: join(stateDir, 'reports'),
  };
}

/** The backup that belongs to a state file path (`state.json` → `state.json.backup`). */
export function backupPathFor(statePath: string): string {
  return `${statePath}.backup`;
}
