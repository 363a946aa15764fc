import { ConfirmationRequiredError } from '../errors.js';
import type { Answer, Question } from './io-host.js';

/**
 * How a host that cannot ask answers a question: under --yes a confirmation is accepted
 * and an input takes its default; anything else needs a person, so it fails with exit 4
 * rather than hang.
 */
export function answerWithoutAsking<Q extends Question>(question: Q, assumeYes: boolean): Answer<Q> {
  if (assumeYes) {
    if (question.kind === 'confirm') return true as Answer<Q>;
    if (question.default !== undefined) return question.default as Answer<Q>;
  }
  const what = question.kind === 'confirm' ? 'a confirmation' : 'an answer';
  throw new ConfirmationRequiredError(
    `This run is not interactive and "${question.message}" needs ${what} (${question.code}).`,
    {
      hint:
        question.kind === 'confirm'
          ? 'Re-run with --yes to confirm, or run it in a terminal.'
          : 'Give the answer as a flag or in the config file, or run it in a terminal.',
    },
  );
}
