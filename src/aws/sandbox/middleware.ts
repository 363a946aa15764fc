/**
 * Plugs the simulator into a real SDK v3 client.
 *
 * Position (checked against @smithy/core 3.41, the SDK's retry and deserializer middleware):
 * - `promigrateSandbox` sits in finalizeRequest right after `retryMiddleware`. Everything
 *   above it runs as for AWS — the Route 53 id normaliser, endpoint resolution, the
 *   serializer (which validates input shapes) — and the retry middleware wraps it, so
 *   sandbox throttling is retried by the client's retry strategy like real throttling.
 *   It answers from the simulator and returns `{ output }` without calling `next`, so
 *   signing, the deserializer and the HTTP handler never run on success.
 * - On a SimError it calls `next`; `promigrateSandboxWire`, placed right after
 *   `deserializerMiddleware`, answers with the HTTP error response AWS would send (ec2Query,
 *   awsQuery, restXml or awsJson encoding), and the SDK's own deserializer turns it into the
 *   exception: the modelled class (`DBInstanceNotFoundFault`, `NoSuchHostedZone`…) or the
 *   service's `…ServiceException`, with the same `name`, `$fault`, `$metadata` and message
 *   fields as for AWS, so `instanceof` and retry classification behave the same.
 * Nothing ever reaches the HTTP handler: the wire middleware refuses a request it has no
 * simulated answer for.
 */
import { createHash } from 'node:crypto';
import { SimError } from './errors.js';
import { THROTTLING_ERROR_NAMES } from '../errors.js';
import { operationOf, serviceOfClient, type SdkClientLike } from '../operations.js';
import type { ServiceName } from './types.js';

/** What the middleware needs from the sandbox. */
export interface SimulatorHost {
  /** Runs one operation: the simulator's output, or throws a SimError. */
  call(service: ServiceName, operation: string, input: unknown, region: string): Promise<Record<string, unknown>>;
  requestId(): string;
}

const PENDING_ERROR = Symbol('promigrateSandboxError');
export const SANDBOX_MIDDLEWARE = 'promigrateSandbox';

export function attachSimulator(client: SdkClientLike, host: SimulatorHost): void {
  if (client.middlewareStack.identify().some((n) => n.startsWith(SANDBOX_MIDDLEWARE))) return;
  const service = serviceOfClient(client);
  const config = client.config as { region?: unknown; protocol?: { getShapeId?(): string } };
  const protocol = config.protocol?.getShapeId?.() ?? '';

  client.middlewareStack.addRelativeTo(
    (next: (args: unknown) => Promise<unknown>, context: Record<string | symbol, unknown>) =>
      async (args: { input: unknown }) => {
        const operation = operationOf(context as Record<string, unknown>);
        const region = await resolveRegion(config.region);
        try {
          const output = await host.call(service, operation, args.input, region);
          const $metadata = { httpStatusCode: 200, requestId: host.requestId(), attempts: 1, totalRetryDelay: 0 };
          return { output: { ...output, $metadata }, response: undefined };
        } catch (err) {
          if (!(err instanceof SimError)) throw err;
          context[PENDING_ERROR] = err;
          try {
            return await next(args);
          } catch (sdkError) {
            // The SDK classifies throttling by name; keep a simulator's own throttling name retryable.
            const e = sdkError as { name?: string; $retryable?: unknown };
            if (err.retryable?.throttling && !THROTTLING_ERROR_NAMES.has(e.name ?? '') && !e.$retryable) {
              e.$retryable = { throttling: true };
            }
            throw sdkError;
          }
        }
      },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: SANDBOX_MIDDLEWARE, override: true },
  );

  client.middlewareStack.addRelativeTo(
    (_next: unknown, context: Record<string | symbol, unknown>) => async () => {
      const err = context[PENDING_ERROR];
      delete context[PENDING_ERROR];
      if (!(err instanceof SimError)) {
        throw new Error('internal error: a sandboxed AWS client tried to send a real HTTP request');
      }
      return { response: wireError(protocol, err, host.requestId()) };
    },
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: `${SANDBOX_MIDDLEWARE}Wire`, override: true },
  );
}

async function resolveRegion(region: unknown): Promise<string> {
  const value = typeof region === 'function' ? await (region as () => Promise<string>)() : region;
  return typeof value === 'string' ? value : 'us-east-1';
}

interface WireResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The HTTP error response the real service would send, in its protocol's encoding. */
export function wireError(protocol: string, err: SimError, requestId: string): WireResponse {
  const status = err.httpStatusCode;
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
  const message = escapeXml(err.message);
  let body: string;
  switch (protocol) {
    case 'aws.protocols#ec2Query':
      headers['content-type'] = 'text/xml;charset=UTF-8';
      body =
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(err.name)}</Code>` +
        `<Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
      break;
    case 'aws.protocols#awsQuery':
    case 'aws.protocols#restXml':
      headers['content-type'] = 'text/xml';
      body =
        `<ErrorResponse><Error><Type>${err.fault === 'server' ? 'Receiver' : 'Sender'}</Type>` +
        `<Code>${escapeXml(err.name)}</Code><Message>${message}</Message></Error>` +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`;
      break;
    default:
      headers['content-type'] = 'application/x-amz-json-1.1';
      body = JSON.stringify({ __type: err.name, message: err.message });
  }
  return { statusCode: status, headers, body: new TextEncoder().encode(body) };
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]!};`);
}

/** Request ids that look like AWS's and repeat for a given seed. */
export function requestIdGenerator(seed: number): () => string {
  let n = 0;
  return () => {
    const h = createHash('sha256').update(`request:${seed}:${n++}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  };
}
