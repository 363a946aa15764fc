/**
 * The SDK's standard retry policy with its backoff slept on the virtual clock.
 *
 * The SDK's own StandardRetryStrategy sleeps inside `refreshRetryTokenForRetry` with a real
 * `setTimeout` and hands back a token whose delay is 0 (see @smithy/core retry
 * `StandardRetryStrategy`/`retryMiddleware`). This strategy keeps the same contract
 * (RetryStrategyV2) and the same policy — retry THROTTLING and TRANSIENT errors up to
 * maxAttempts, full-jitter exponential backoff from 1 s for throttling and 50 ms otherwise,
 * capped at 20 s — but sleeps on the sandbox clock, so injected throttling costs simulated
 * seconds, not real ones, and `$metadata.totalRetryDelay` reports the simulated delay.
 */
import type { Clock } from '../../clock.js';

const MAX_DELAY_MS = 20_000;
const THROTTLING_BASE_MS = 1_000;
const BASE_MS = 50;

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
  getRetryCost(): number | undefined;
  $retryLog: { acquisitionDelay: number };
}

interface RetryErrorInfo {
  errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';
}

function token(count: number, acquisitionDelay = 0): RetryToken {
  return {
    getRetryCount: () => count,
    getRetryDelay: () => 0, // already slept on the clock
    getRetryCost: () => undefined,
    $retryLog: { acquisitionDelay },
  };
}

export class ClockRetryStrategy {
  readonly mode = 'standard';

  constructor(
    private readonly clock: Clock,
    private readonly maxAttempts: () => number | Promise<number>,
    private readonly random: () => number,
  ) {}

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return token(0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const count = previous.getRetryCount();
    const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
    if (!retryable || count + 1 >= (await this.maxAttempts())) throw new Error('No retry token available');
    const base = info.errorType === 'THROTTLING' ? THROTTLING_BASE_MS : BASE_MS;
    const delay = Math.floor(this.random() * Math.min(base * 2 ** count, MAX_DELAY_MS));
    await this.clock.sleep(delay);
    return token(count + 1, delay);
  }

  recordSuccess(_token: RetryToken): void {}
}
