import { CancelledError } from '../errors.js';
import { colors, type Colors } from './colors.js';
import { isBarList, renderBars } from './progress-bars.js';
import type { Activity, Answer, IoHost, IoMessage, Question } from './io-host.js';
import type { IoStreams } from './streams.js';

type OraModule = typeof import('ora');
type Spinner = ReturnType<OraModule['default']>;
type PromptsModule = typeof import('@inquirer/prompts');

export interface InteractiveHostOptions {
  streams: IoStreams;
  assumeYes: boolean;
  verbose: boolean;
  color: boolean;
}

/**
 * A person at a terminal: inquirer prompts and ora spinners, both imported on first use
 * so that commands which never ask or spin (status, --version) never load them.
 */
export class InteractiveIoHost implements IoHost {
  readonly interactive = true;
  readonly assumeYes: boolean;
  readonly verbose: boolean;
  private readonly streams: IoStreams;
  private readonly c: Colors;
  private ora: OraModule | undefined;
  private readonly spinners = new Set<Spinner>();
  private progressLine: Spinner | undefined;

  constructor(options: InteractiveHostOptions) {
    this.streams = options.streams;
    this.assumeYes = options.assumeYes;
    this.verbose = options.verbose;
    this.c = colors(options.color);
  }

  /** Loads ora ahead of the first activity so spinners can start synchronously. */
  async prepare(): Promise<void> {
    this.ora ??= await import('ora');
  }

  notify(msg: IoMessage): void {
    if (msg.level === 'debug' && !this.verbose) return;
    const line =
      msg.level === 'error'
        ? this.c.red(`error: ${msg.message}`)
        : msg.level === 'warn'
          ? this.c.yellow(`warning: ${msg.message}`)
          : msg.level === 'debug'
            ? this.c.dim(msg.message)
            : msg.message;
    this.aboveSpinners(() => {
      const stream = msg.level === 'info' ? this.streams.stdout : this.streams.stderr;
      stream.write(`${line}\n`);
    });
  }

  async ask<Q extends Question>(question: Q): Promise<Answer<Q>> {
    if (this.assumeYes && question.kind === 'confirm') return true as Answer<Q>;
    const prompts: PromptsModule = await import('@inquirer/prompts');
    const context = { input: this.streams.stdin, output: this.streams.stdout } as Parameters<
      PromptsModule['input']
    >[1];
    this.pauseSpinners();
    try {
      switch (question.kind) {
        case 'confirm':
          return (await prompts.confirm(
            { message: question.message, default: question.default },
            context,
          )) as Answer<Q>;
        case 'input': {
          const validate = question.validate;
          return (await prompts.input(
            {
              message: question.message,
              ...(question.default === undefined ? {} : { default: question.default }),
              ...(validate ? { validate: (value: string) => validate(value) } : {}),
            },
            context,
          )) as Answer<Q>;
        }
        case 'select':
          return (await prompts.select(
            {
              message: question.message,
              choices: question.choices.map((choice) => ({
                value: choice.value,
                name: choice.name ?? choice.value,
                ...(choice.description ? { description: choice.description } : {}),
              })),
              ...(question.default === undefined ? {} : { default: question.default }),
            },
            context,
          )) as Answer<Q>;
      }
    } catch (err) {
      if (err instanceof Error && err.name === 'ExitPromptError') throw new CancelledError();
      throw err;
    } finally {
      this.resumeSpinners();
    }
    throw new Error(`unknown question kind`);
  }

  activity(_code: string, text: string): Activity {
    const spinner = this.spinner(text);
    const finish = (fn: () => void): void => {
      fn();
      this.spinners.delete(spinner);
    };
    return {
      update: (next) => {
        spinner.text = next;
      },
      succeed: (final) => finish(() => spinner.succeed(final)),
      fail: (final) => finish(() => spinner.fail(final)),
      stop: () => finish(() => spinner.stop()),
    };
  }

  progress(_code: string, text: string, data: Record<string, unknown>): void {
    const bars = isBarList(data.bars) ? `\n${renderBars(data.bars, this.streams.stdout.columns ?? 100)}` : '';
    if (!this.progressLine) this.progressLine = this.spinner(text + bars);
    else this.progressLine.text = text + bars;
  }

  result(_document: unknown, human: () => string): void {
    this.stopProgress();
    const text = human();
    if (text) this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  dispose(): void {
    this.stopProgress();
    for (const spinner of this.spinners) spinner.stop();
    this.spinners.clear();
  }

  private spinner(text: string): Spinner {
    if (!this.ora) throw new Error('InteractiveIoHost.prepare() must run before activities');
    const spinner = this.ora.default({ text, stream: this.streams.stderr, discardStdin: false }).start();
    this.spinners.add(spinner);
    return spinner;
  }

  private stopProgress(): void {
    if (!this.progressLine) return;
    this.progressLine.stopAndPersist();
    this.spinners.delete(this.progressLine);
    this.progressLine = undefined;
  }

  private aboveSpinners(write: () => void): void {
    for (const spinner of this.spinners) spinner.clear();
    write();
    for (const spinner of this.spinners) spinner.render();
  }

  private pauseSpinners(): void {
    for (const spinner of this.spinners) spinner.stop();
  }

  private resumeSpinners(): void {
    for (const spinner of this.spinners) spinner.start();
  }
}
