import { Command, CommanderError, Option } from 'commander';
import type { CommandSpec, GlobalOptions } from './commands/spec.js';
import { commandSpecs } from './commands/index.js';
import { ExitCode, awsCallFailureOf, describeFailure, isPromigrateError } from './errors.js';
import { createIoHost } from './ui/create-io-host.js';
import { TOOL_VERSION } from './version.js';

/**
 * The commander program. Commands are registered from data and their code is imported
 * only when they run; this file and what it imports must stay light.
 */
export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnBrokenPipe();
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(argv, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      const quiet = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
      return quiet ? ExitCode.ok : ExitCode.badInput;
    }
    throw err;
  }
  return exitCode;
}

function buildProgram(argv: string[], setExitCode: (code: number) => void): Command {
  const program = new Command('promigrate')
    .description('Move an on-premise web app and its MySQL/MariaDB/PostgreSQL database to AWS:\nassess → provision → sync (DMS) → cutover (Route 53) → verify, resumable at every point.')
    .version(TOOL_VERSION, '-V, --version')
    .option('--config <file>', 'migration config (YAML or JSON)', 'promigrate.yaml')
    .option('--state-dir <dir>', 'where state, lock, audit log and reports live', '.promigrate')
    .option('--profile <name>', 'AWS shared-config profile')
    .option('--region <region>', 'AWS region (overrides the config)')
    .option('--endpoint-url <url>', 'send AWS calls to this endpoint (LocalStack, moto)')
    .option('--sandbox', 'use the built-in simulated AWS instead of a real account', false)
    .option('--dry-run', 'show what would be done; make no change anywhere', false)
    .option('--yes', 'answer yes to confirmations (for scripts and runbooks)', false)
    .option('--json', 'machine-readable output on stdout, logs on stderr', false)
    .option('--no-color', 'no colours in output')
    .option('--verbose', 'more detail, and stack traces on errors', false)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ promigrate init\n  $ promigrate plan\n  $ promigrate run --yes --json\n\nExit codes: 0 ok · 1 a step failed · 2 bad input · 3 state locked · 4 confirmation needed (use --yes) · 130 cancelled',
    );

  for (const spec of commandsToRegister(argv)) program.addCommand(commandFrom(spec, setExitCode));
  return program;
}

/**
 * Building every command's options and help costs start-up time on each run; when the
 * command line names a known command, only that one is needed. Global help, an unknown
 * command (for suggestions) or `help` get them all.
 */
function commandsToRegister(argv: string[]): CommandSpec[] {
  const name = commandName(argv.slice(2));
  const named = commandSpecs.find((spec) => spec.name === name);
  return named ? [named] : commandSpecs;
}

/** Global options that take a value as the next word (`--config x`, not `--config=x`). */
const GLOBAL_VALUE_OPTIONS = new Set(['--config', '--state-dir', '--profile', '--region', '--endpoint-url']);

/** The first word that is neither an option nor a global option's value. */
function commandName(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (GLOBAL_VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

function commandFrom(spec: CommandSpec, setExitCode: (code: number) => void): Command {
  const command = new Command(spec.name).summary(spec.summary).description(spec.description ?? spec.summary);
  if (spec.arguments) command.arguments(spec.arguments);
  for (const opt of spec.options) {
    const option = new Option(opt.flags, opt.description);
    if (opt.defaultValue !== undefined) option.default(opt.defaultValue);
    if (opt.choices) option.choices(opt.choices);
    command.addOption(option);
  }
  command.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  command.exitOverride();
  command.action(async (...actionArgs: unknown[]) => {
    const cmd = actionArgs[actionArgs.length - 1] as Command;
    const all = cmd.optsWithGlobals<Record<string, unknown>>();
    const globals = globalOptions(all);
    setExitCode(await execute(spec, globals, cmd.opts(), cmd.args));
  });
  return command;
}

function globalOptions(all: Record<string, unknown>): GlobalOptions {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const globals: GlobalOptions = {
    config: str(all.config) ?? 'promigrate.yaml',
    stateDir: str(all.stateDir) ?? '.promigrate',
    sandbox: all.sandbox === true,
    dryRun: all.dryRun === true,
    yes: all.yes === true,
    json: all.json === true,
    color: all.color !== false && !process.env.NO_COLOR,
    verbose: all.verbose === true,
  };
  const profile = str(all.profile);
  const region = str(all.region);
  const endpointUrl = str(all.endpointUrl);
  if (profile) globals.profile = profile;
  if (region) globals.region = region;
  if (endpointUrl) globals.endpointUrl = endpointUrl;
  return globals;
}

async function execute(spec: CommandSpec, globals: GlobalOptions, options: Record<string, unknown>, operands: string[]): Promise<number> {
  const io = await createIoHost({ json: globals.json, yes: globals.yes, verbose: globals.verbose, color: globals.color, rich: !spec.printsOnly });
  try {
    const { default: handler } = await spec.load();
    return (await handler({ globals, options, operands, io })) ?? ExitCode.ok;
  } catch (err) {
    io.dispose();
    return reportError(err, globals);
  } finally {
    io.dispose();
  }
}

/** The one place errors become output and exit codes. */
function reportError(err: unknown, globals: GlobalOptions): number {
  const known = isPromigrateError(err);
  const call = awsCallFailureOf(err);
  const exitCode = known ? err.exitCode : ExitCode.stepFailed;
  const message = known ? err.message : describeFailure(err);
  // An error that is neither promigrate's own nor an AWS call's is a bug in promigrate.
  const hint = known ? err.hint : call ? `${call.hint ? `${call.hint} ` : ''}Then run the same command again.` : 'This is a bug in promigrate; re-run with --verbose and report the stack trace.';
  if (globals.json) {
    const aws = call && { operation: call.operation, service: call.service, region: call.region, endpoint: call.endpoint, httpStatus: call.httpStatus, code: call.code, kind: call.kind };
    process.stdout.write(`${JSON.stringify({ ok: false, error: { message, exitCode, ...(hint ? { hint } : {}), ...(known ? { name: err.name } : {}), ...(aws ? { aws } : {}) } })}\n`);
  }
  process.stderr.write(`error: ${message}\n`);
  if (hint) process.stderr.write(`${hint}\n`);
  if (globals.verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return exitCode;
}

/** `promigrate status | head -1` closes the pipe early; that is not an error worth a stack trace. */
function exitQuietlyOnBrokenPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}
