import type { Activity, Answer, IoHost, IoMessage, Question } from './io-host.js';
import { answerWithoutAsking } from './non-interactive.js';
import type { IoStreams } from './streams.js';

export interface PlainHostOptions {
  streams: IoStreams;
  assumeYes: boolean;
  verbose: boolean;
}

/**
 * No TTY (CI, pipes, runbooks): one line per event, no escape codes, never asks.
 * Information goes to stdout, warnings and errors to stderr.
 */
export class PlainIoHost implements IoHost {
  readonly interactive = false;
  readonly assumeYes: boolean;
  readonly verbose: boolean;
  protected readonly streams: IoStreams;

  constructor(options: PlainHostOptions) {
    this.streams = options.streams;
    this.assumeYes = options.assumeYes;
    this.verbose = options.verbose;
  }

  notify(msg: IoMessage): void {
    switch (msg.level) {
      case 'debug':
        if (this.verbose) this.streams.stderr.write(`debug: ${msg.message}\n`);
        return;
      case 'info':
        this.info(msg.message);
        return;
      case 'warn':
        this.streams.stderr.write(`warning: ${msg.message}\n`);
        return;
      case 'error':
        this.streams.stderr.write(`error: ${msg.message}\n`);
        return;
    }
  }

  protected info(text: string): void {
    this.streams.stdout.write(`${text}\n`);
  }

  async ask<Q extends Question>(question: Q): Promise<Answer<Q>> {
    return answerWithoutAsking(question, this.assumeYes);
  }

  activity(_code: string, text: string): Activity {
    this.info(`… ${text}`);
    let current = text;
    return {
      update: (next) => {
        current = next;
      },
      succeed: (final) => this.info(`✓ ${final ?? current}`),
      fail: (final) => this.streams.stderr.write(`✗ ${final ?? current}\n`),
      stop: () => undefined,
    };
  }

  progress(_code: string, text: string, _data: Record<string, unknown>): void {
    this.info(text);
  }

  result(_document: unknown, human: () => string): void {
    const text = human();
    if (text) this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  dispose(): void {}
}
