/**
 * Commands are declared as data so that cli.ts can register every command, option and
 * example without importing the command's implementation: the handler is `import()`ed
 * only when the command runs, which keeps `--version` and `status` fast.
 */
import type { GlobalOptions } from '../engine/options.js';
import type { IoHost } from '../ui/io-host.js';

export type { GlobalOptions } from '../engine/options.js';

export interface OptionSpec {
  flags: string;
  description: string;
  defaultValue?: unknown;
  choices?: readonly string[];
}

export interface CommandArgs {
  globals: GlobalOptions;
  options: Record<string, unknown>;
  operands: string[];
  io: IoHost;
}

/** Returns the exit code (undefined = 0). Never calls process.exit. */
export type CommandHandler = (args: CommandArgs) => Promise<number | void>;

export interface CommandSpec {
  name: string;
  summary: string;
  description?: string;
  /** Shown under "Examples:" in --help; at least one. */
  examples: string[];
  /** e.g. `[steps...]` */
  arguments?: string;
  options: OptionSpec[];
  /** Only prints (no prompts, spinners or progress): keeps start-up minimal. */
  printsOnly?: boolean;
  load(): Promise<{ default: CommandHandler }>;
}
