import { PlainIoHost } from './plain-host.js';

/**
 * --json: stdout carries only JSON — one line per progress event
 * (`{"event":"progress",…}`) and the command's result document as the last line; all
 * human text goes to stderr.
 */
export class JsonIoHost extends PlainIoHost {
  protected override info(text: string): void {
    this.streams.stderr.write(`${text}\n`);
  }

  override progress(code: string, _text: string, data: Record<string, unknown>): void {
    this.streams.stdout.write(`${JSON.stringify({ event: 'progress', code, ...data })}\n`);
  }

  override result(document: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(document)}\n`);
  }
}
