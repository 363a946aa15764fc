import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import init from '../../../src/commands/init.js';
import type { GlobalOptions } from '../../../src/commands/spec.js';
import { TestIoHost } from '../../helpers/test-io-host.js';
import { tempDir } from '../../helpers/tmp.js';

export interface InitRun {
  dir: string;
  configPath: string;
  stateDir: string;
  io: TestIoHost;
  run(options: Record<string, unknown>, globals?: Partial<GlobalOptions>): Promise<number>;
  /** The error init threw, or fails when it succeeded. */
  fail(options: Record<string, unknown>, globals?: Partial<GlobalOptions>): Promise<Error & { exitCode?: number; hint?: string }>;
  statePath: string;
  wroteNothing(): boolean;
  configText(): string;
}

export function initRun(io = new TestIoHost({ interactive: false }), configName = 'promigrate.yaml'): InitRun {
  const dir = tempDir();
  const configPath = join(dir, configName);
  const stateDir = join(dir, '.promigrate');
  const globalsFor = (g: Partial<GlobalOptions> = {}): GlobalOptions => ({
    config: configPath,
    stateDir,
    sandbox: false,
    dryRun: false,
    yes: false,
    json: false,
    color: false,
    verbose: false,
    ...g,
  });
  const run = async (options: Record<string, unknown>, globals?: Partial<GlobalOptions>) =>
    (await init({ globals: globalsFor(globals), options, operands: [], io })) ?? 0;
  return {
    dir,
    configPath,
    stateDir,
    statePath: join(stateDir, 'state.json'),
    io,
    run,
    async fail(options, globals) {
      try {
        await run(options, globals);
      } catch (err) {
        return err as Error & { exitCode?: number; hint?: string };
      }
      throw new Error('init succeeded but was expected to fail');
    },
    wroteNothing: () => !existsSync(configPath) && !existsSync(stateDir),
    configText: () => readFileSync(configPath, 'utf8'),
  };
}
