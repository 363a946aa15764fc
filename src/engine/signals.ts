import { CancelledError } from '../errors.js';

export interface Interruption {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * First Ctrl-C / SIGTERM: abort the run so the engine saves state, releases the lock and
 * exits 130. A second one: the operator insists — run `onForce` (release the lock
 * synchronously) and exit at once.
 */
export function onInterrupt(onForce: () => void): Interruption {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      controller.abort(new CancelledError(`Cancelled (${sig}); saving state.`, { hint: 'Run the same command again to resume.' }));
      return;
    }
    onForce();
    process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
