/**
 * An IoHost for in-process tests: answers questions from `mockResponse(code, value)`,
 * records every question, message, activity, progress sample and result.
 *
 * - interactive (default): a mocked answer is returned (and checked against the question's
 *   validate); an unmocked question returns its default, or fails the test if it has none.
 * - not interactive: behaves like the real plain/JSON hosts (--yes takes defaults, else exit 4).
 */
import { answerWithoutAsking } from '../../src/ui/non-interactive.js';
import type { Activity, Answer, IoHost, IoMessage, Question } from '../../src/ui/io-host.js';

export interface TestIoHostOptions {
  interactive?: boolean;
  assumeYes?: boolean;
  verbose?: boolean;
}

export interface RecordedActivity {
  code: string;
  events: { kind: 'start' | 'update' | 'succeed' | 'fail' | 'stop'; text?: string }[];
}

export class TestIoHost implements IoHost {
  readonly interactive: boolean;
  readonly assumeYes: boolean;
  readonly verbose: boolean;
  readonly messages: IoMessage[] = [];
  readonly questions: Question[] = [];
  readonly activities: RecordedActivity[] = [];
  readonly progressSamples: { code: string; text: string; data: Record<string, unknown> }[] = [];
  readonly results: { document: unknown; human: string }[] = [];
  disposed = false;
  readonly #responses = new Map<string, (string | boolean)[]>();

  constructor(options: TestIoHostOptions = {}) {
    this.interactive = options.interactive ?? true;
    this.assumeYes = options.assumeYes ?? false;
    this.verbose = options.verbose ?? false;
  }

  /** Answers the question with this code; several calls queue answers for repeated asks (the last one sticks). */
  mockResponse(code: string, value: string | boolean): this {
    const queue = this.#responses.get(code) ?? [];
    queue.push(value);
    this.#responses.set(code, queue);
    return this;
  }

  /** The codes of the questions asked, in order. */
  get askedCodes(): string[] {
    return this.questions.map((q) => q.code);
  }

  notify(msg: IoMessage): void {
    this.messages.push(msg);
  }

  async ask<Q extends Question>(question: Q): Promise<Answer<Q>> {
    this.questions.push(question);
    if (!this.interactive) return answerWithoutAsking(question, this.assumeYes);
    const queue = this.#responses.get(question.code);
    const value = queue && queue.length > 1 ? queue.shift() : queue?.[0];
    if (value === undefined) {
      if (question.default === undefined) throw new Error(`TestIoHost: no response mocked for question ${question.code}`);
      return question.default as Answer<Q>;
    }
    if (question.kind === 'confirm' ? typeof value !== 'boolean' : typeof value !== 'string') {
      throw new Error(`TestIoHost: mocked answer for ${question.code} has the wrong type (${typeof value})`);
    }
    if (question.kind === 'input' && question.validate) {
      const verdict = question.validate(value as string);
      if (verdict !== true) throw new Error(`TestIoHost: mocked answer for ${question.code} is invalid: ${verdict}`);
    }
    if (question.kind === 'select' && !question.choices.some((c) => c.value === value)) {
      throw new Error(`TestIoHost: mocked answer for ${question.code} is not one of its choices`);
    }
    return value as Answer<Q>;
  }

  activity(code: string, text: string): Activity {
    const record: RecordedActivity = { code, events: [{ kind: 'start', text }] };
    this.activities.push(record);
    return {
      update: (t) => void record.events.push({ kind: 'update', text: t }),
      succeed: (t) => void record.events.push({ kind: 'succeed', ...(t === undefined ? {} : { text: t }) }),
      fail: (t) => void record.events.push({ kind: 'fail', ...(t === undefined ? {} : { text: t }) }),
      stop: () => void record.events.push({ kind: 'stop' }),
    };
  }

  progress(code: string, text: string, data: Record<string, unknown>): void {
    this.progressSamples.push({ code, text, data });
  }

  result(document: unknown, human: () => string): void {
    this.results.push({ document, human: human() });
  }

  dispose(): void {
    this.disposed = true;
  }

  /** All notified message texts at `level` (default: every level). */
  texts(level?: IoMessage['level']): string[] {
    return this.messages.filter((m) => level === undefined || m.level === level).map((m) => m.message);
  }
}
