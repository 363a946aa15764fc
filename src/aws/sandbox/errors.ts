import type { SimErrorShape } from './types.js';

/**
 * Thrown by simulators; the sandbox middleware turns it into an error shaped exactly as
 * the SDK's deserializer would (name, $fault, $metadata.httpStatusCode, message).
 */
export class SimError extends Error implements SimErrorShape {
  readonly fault: 'client' | 'server';
  readonly httpStatusCode: number;
  readonly retryable?: { throttling?: boolean };

  constructor(
    name: string,
    message: string,
    options: { fault?: 'client' | 'server'; httpStatusCode?: number; throttling?: boolean } = {},
  ) {
    super(message);
    this.name = name;
    this.fault = options.fault ?? 'client';
    this.httpStatusCode = options.httpStatusCode ?? (this.fault === 'server' ? 500 : 400);
    if (options.throttling) this.retryable = { throttling: true };
  }
}

export const notFound = (name: string, message: string): SimError =>
  new SimError(name, message, { httpStatusCode: 404 });

export const alreadyExists = (name: string, message: string): SimError =>
  new SimError(name, message, { httpStatusCode: 400 });

export const invalidState = (name: string, message: string): SimError =>
  new SimError(name, message, { httpStatusCode: 400 });
