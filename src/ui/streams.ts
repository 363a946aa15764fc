/** The process streams a host writes to; injectable so tests can capture output. */
export interface IoStreams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export const processStreams = (): IoStreams => ({
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
