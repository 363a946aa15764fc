import type { IoHost } from './io-host.js';
import { JsonIoHost } from './json-host.js';
import { PlainIoHost } from './plain-host.js';
import { processStreams, type IoStreams } from './streams.js';

export interface HostChoice {
  json: boolean;
  yes: boolean;
  verbose: boolean;
  color: boolean;
  /**
   * False for commands that only print (status, unlock): they get plain output even on
   * a TTY, so they never load inquirer or ora.
   */
  rich: boolean;
}

/**
 * Picks the host: --json → JSON; a TTY on both stdin and stdout (and not CI) →
 * interactive; anything else → plain lines, never a prompt or a spinner.
 */
export async function createIoHost(choice: HostChoice, streams: IoStreams = processStreams()): Promise<IoHost> {
  const base = { streams, assumeYes: choice.yes, verbose: choice.verbose };
  if (choice.json) return new JsonIoHost(base);
  const tty = Boolean(streams.stdout.isTTY && streams.stdin.isTTY) && !process.env.CI;
  if (!tty || !choice.rich) return new PlainIoHost(base);
  const { InteractiveIoHost } = await import('./interactive-host.js');
  const host = new InteractiveIoHost({ ...base, color: choice.color });
  await host.prepare();
  return host;
}
