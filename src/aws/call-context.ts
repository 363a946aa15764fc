/**
 * Middleware the client factory puts on every AWS client: an error a call throws leaves with
 * what the call was (operation, service, region, endpoint) and what came back, described by
 * call-failure.ts and attached under AWS_CALL_FAILURE. The error itself is untouched
 * otherwise (`name`, `instanceof` and retry classification stay the SDK's), and nothing of
 * the request — whose body may hold a password — is kept.
 *
 * Placement (checked against @smithy/core 3.41's stack): the annotation wraps the whole call
 * (initialize, high priority), so it sees the error after the SDK's retries; the capture sits
 * right after `deserializerMiddleware` and, only for an answer whose content type is not the
 * service's protocol (a proxy's HTML page, an empty 503), buffers the body for the SDK and
 * keeps its text, which the SDK would otherwise consume and drop.
 */
import { AWS_CALL_FAILURE } from '../errors.js';
import { describeCallFailure, isForeignContentType, type CallWhere, type RawAnswer } from './call-failure.js';
import { operationOf, type SdkClientLike } from './operations.js';

const RAW_ANSWER = Symbol('promigrateRawAnswer');
const MAX_KEPT = 4096;

const SERVICE_LABELS: Record<string, string> = { 'Database Migration Service': 'DMS' };

interface HttpResponseLike {
  statusCode: number;
  headers: Record<string, string>;
  body?: unknown;
}

export function addCallContext(client: SdkClientLike, options: { sandbox: boolean }): void {
  const config = client.config as {
    serviceId?: string;
    region?: unknown;
    protocol?: { getShapeId?(): string };
    streamCollector?: (body: unknown) => Promise<Uint8Array>;
  };
  const serviceId = config.serviceId ?? 'AWS';
  const service = SERVICE_LABELS[serviceId] ?? serviceId;
  const shape = config.protocol?.getShapeId?.() ?? '';
  const protocol: CallWhere['protocol'] = /json/i.test(shape) ? 'JSON' : /cbor/i.test(shape) ? 'CBOR' : 'XML';

  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: Record<string | symbol, unknown>) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (err) {
        if (err !== null && typeof err === 'object' && !(AWS_CALL_FAILURE in err)) {
          const where: CallWhere = {
            operation: operationOf(context as Record<string, unknown>),
            service,
            region: await resolveRegion(config.region),
            protocol,
            ...(options.sandbox ? { endpoint: 'the sandbox' } : endpointOf(context)),
          };
          const failure = describeCallFailure(err, where, context[RAW_ANSWER] as RawAnswer | undefined);
          if (failure) Object.defineProperty(err, AWS_CALL_FAILURE, { value: failure, enumerable: false, configurable: true });
        }
        throw err;
      }
    },
    { step: 'initialize', priority: 'high', name: 'promigrateCallContext', override: true },
  );

  if (options.sandbox) return;
  client.middlewareStack.addRelativeTo(
    (next: (args: unknown) => Promise<{ response?: unknown }>, context: Record<string | symbol, unknown>) => async (args: unknown) => {
      delete context[RAW_ANSWER];
      const result = await next(args);
      const response = result.response as HttpResponseLike | undefined;
      if (response && typeof response.statusCode === 'number' && config.streamCollector) {
        const contentType = headerOf(response.headers, 'content-type');
        if (isForeignContentType(contentType)) {
          const bytes = response.body === undefined ? new Uint8Array() : await config.streamCollector(response.body);
          response.body = bytes;
          const text = new TextDecoder().decode(bytes.subarray(0, MAX_KEPT));
          context[RAW_ANSWER] = { status: response.statusCode, ...(contentType ? { contentType } : {}), text } satisfies RawAnswer;
        }
      }
      return result;
    },
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'promigrateRawAnswer', override: true },
  );
}

async function resolveRegion(region: unknown): Promise<string> {
  try {
    const value = typeof region === 'function' ? await (region as () => Promise<unknown>)() : region;
    return typeof value === 'string' ? value : 'unknown region';
  } catch {
    return 'unknown region';
  }
}

/** The resolved endpoint (set by the SDK's endpoint middleware), without any user:password in it. */
function endpointOf(context: Record<string | symbol, unknown>): { endpoint?: string } {
  const url = (context.endpointV2 as { url?: URL } | undefined)?.url;
  if (!(url instanceof URL)) return {};
  return { endpoint: `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}` };
}

function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
}
