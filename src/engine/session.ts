import { randomUUID } from 'node:crypto';
import { openAwsRuntime, type AwsRuntime } from '../aws/runtime.js';
import type { GlobalOptions } from './options.js';
import { defaultNewTargetToLoadBalancer } from '../config/app-target.js';
import { applyOverrides, loadConfig, type LoadedConfig } from '../config/load.js';
import type { MigrationConfig } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { acquireLock, type StateLock } from '../state/lock.js';
import { recoverAuditIntents } from '../state/audit-journal.js';
import { readStateFile } from '../state/read.js';
import { statePaths } from '../state/paths.js';
import { StateStore } from '../state/store.js';
import { STATE_SCHEMA_VERSION, type StateFile } from '../state/types.js';
import type { IoHost } from '../ui/io-host.js';
import { TOOL_VERSION } from '../version.js';
import type { RunEnvironment, StateView } from './context.js';
import { createEffects, type Effects } from './effects.js';
import { onInterrupt } from './signals.js';

export interface Session extends RunEnvironment {
  close(): Promise<void>;
}

export interface SessionOptions {
  /** The config already read (the demo's, which plan mode does not write to a file). */
  config?: LoadedConfig;
  /** The run's effects gate, when the caller made effects of its own before the session (the demo). */
  effects?: Effects;
}

/**
 * Everything a step-running command needs: the validated config, the state (created on
 * first use), the lock, Ctrl-C handling and the clock. In plan mode nothing is written:
 * no lock, no state file — a missing state is replaced by an in-memory one.
 */
export async function openSession(globals: GlobalOptions, io: IoHost, command: string, opts: SessionOptions = {}): Promise<Session> {
  const loaded = opts.config ?? (await loadConfig(globals.config));
  const config = applyOverrides(loaded.config, globals);
  const project = config.project.name;
  const warn = (message: string): void => io.notify({ level: 'warn', code: 'aws.audit', message });
  const effects = opts.effects ?? createEffects({ planMode: globals.dryRun, stateDir: globals.stateDir, warn });

  if (effects.planMode) {
    const existing = await readStateFile(statePaths(globals.stateDir).state);
    if (existing) checkProject(existing, project, globals.stateDir);
    defaultNewTargetToLoadBalancer(config, () => existing?.steps.provision?.outputs);
    const interruption = onInterrupt(() => undefined);
    const aws = await openAwsRuntime({ config, stateDir: globals.stateDir, dryRun: effects.planMode, warn });
    return {
      project,
      config,
      configPath: loaded.path,
      store: readOnlyView(existing ?? freshState(project, loaded.hash), globals.stateDir),
      io,
      clock: aws.clock,
      aws,
      effects,
      dryRun: true,
      signal: interruption.signal,
      close: async () => {
        interruption.dispose();
        await aws.close();
      },
    };
  }

  const lock: StateLock = await acquireLock(globals.stateDir, command, {
    onStaleTakeover: (old) =>
      io.notify({
        level: 'warn',
        code: 'state.lock.stale',
        message: old.unreadable
          ? 'took over a stale lock file that could not be read (left by a process killed while writing it)'
          : `took over a stale lock left by pid ${old.pid} (${old.command}, ${old.acquiredAt}), which is no longer running`,
      }),
  });
  const interruption = onInterrupt(() => lock.releaseSync());
  let aws: AwsRuntime | undefined;
  try {
    const store = await StateStore.openOrCreate(globals.stateDir, { project, configHash: loaded.hash, toolVersion: TOOL_VERSION });
    checkProject(store.data, project, globals.stateDir);
    const interrupted = await recoverAuditIntents(globals.stateDir);
    if (interrupted > 0) {
      io.notify({
        level: 'warn',
        code: 'audit.interrupted',
        message: `The last run stopped while ${interrupted} AWS call(s) were in flight; they are in the audit log as "interrupted" (this run checks what exists).`,
      });
    }
    if (store.data.configHash !== loaded.hash) {
      io.notify({ level: 'info', code: 'config.changed', message: `${loaded.path} changed since the last run; using the new version` });
      await store.update((draft) => {
        draft.configHash = loaded.hash;
      });
    }
    defaultNewTargetToLoadBalancer(config, () => store.data.steps.provision?.outputs);
    aws = await openAwsRuntime({ config, stateDir: globals.stateDir, dryRun: effects.planMode, warn });
    const runtime = aws;
    return {
      project,
      config,
      configPath: loaded.path,
      store,
      io,
      clock: runtime.clock,
      aws: runtime,
      effects,
      dryRun: false,
      signal: interruption.signal,
      close: async () => {
        interruption.dispose();
        try {
          await runtime.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (err) {
    interruption.dispose();
    await aws?.close();
    await lock.release();
    throw err;
  }
}

function checkProject(state: Readonly<StateFile>, project: string, stateDir: string): void {
  if (state.project !== project) {
    throw new UsageError(
      `${stateDir} belongs to project "${state.project}" but the config is for "${project}".`,
      { hint: 'Use --state-dir to point at this project\'s state, or fix `project` in the config.' },
    );
  }
}

function freshState(project: string, configHash: string): StateFile {
  const now = new Date().toISOString();
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    lineage: randomUUID(),
    serial: 0,
    toolVersion: TOOL_VERSION,
    project,
    configHash,
    createdAt: now,
    updatedAt: now,
    steps: {},
    resources: {},
    acceptedRisks: [],
  };
}

function readOnlyView(data: StateFile, stateDir: string): StateView {
  return {
    data,
    stateDir,
    update: async () => {
      throw new Error('internal error: a state write was attempted in plan mode');
    },
  };
}

export async function withSession<T>(
  globals: GlobalOptions,
  io: IoHost,
  command: string,
  body: (session: Session) => Promise<T>,
  opts: SessionOptions = {},
): Promise<T> {
  const session = await openSession(globals, io, command, opts);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}
