/** The process streams a host writes to; injectable so tests can capture output. */
export interface IoStreams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Getters, not values: touching process.stdin or process.stderr creates the stream (a
 * socket or TTY handle), which costs start-up time a command that never reads or writes
 * them should not pay.
 */
export const processStreams = (): IoStreams => ({
  get stdin() {
    return process.stdin;
  },
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
});
