/**
 * Steps ask, the host decides. Steps and the engine talk to the operator only through
 * an IoHost; the three hosts (interactive, plain, JSON) decide how it looks, whether a
 * question can be asked at all, and what goes to stdout versus stderr.
 */
export type IoLevel = 'error' | 'warn' | 'info' | 'debug';

export interface IoMessage {
  level: IoLevel;
  /** Stable machine-readable code, e.g. `engine.step.start`. */
  code: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface Choice<T extends string = string> {
  value: T;
  name?: string;
  description?: string;
}

export type Question =
  | { kind: 'confirm'; code: string; message: string; default: boolean }
  | {
      kind: 'input';
      code: string;
      message: string;
      default?: string;
      /** Returns true when valid, else the sentence to show. */
      validate?: (value: string) => true | string;
    }
  | { kind: 'select'; code: string; message: string; choices: Choice[]; default?: string };

export type Answer<Q extends Question> = Q extends { kind: 'confirm' } ? boolean : string;

/** A long-running thing the operator watches: a spinner on a TTY, lines otherwise. */
export interface Activity {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  /** Ends the activity without a verdict (e.g. cancelled). */
  stop(): void;
}

export interface IoHost {
  /** True when questions can be put to a person (a TTY and not --json). */
  readonly interactive: boolean;
  /** --yes: take defaults for confirmations instead of asking. */
  readonly assumeYes: boolean;
  readonly verbose: boolean;
  notify(msg: IoMessage): void;
  /**
   * Asks a question. Interactive: prompts. Non-interactive with --yes: the question's
   * default (a confirm defaults to yes under --yes). Otherwise throws
   * ConfirmationRequiredError (exit 4) naming the question.
   */
  ask<Q extends Question>(question: Q): Promise<Answer<Q>>;
  activity(code: string, text: string): Activity;
  /** A progress sample: a bar or line for people, a JSON line with --json. */
  progress(code: string, text: string, data: Record<string, unknown>): void;
  /**
   * The command's result: with --json the document on stdout; otherwise the human
   * rendering on stdout.
   */
  result(document: unknown, human: () => string): void;
  /** Releases the terminal (stops spinners). */
  dispose(): void;
}
