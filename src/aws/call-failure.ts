/**
 * One sentence for an AWS call that failed: which call to which service, and what came back.
 * Pure: it reads what the SDK v3 put on the error and what call-context.ts saw of the call.
 *
 * The SDK's error fields (aws-sdk-js-v3 PR #4592 and @smithy/core's deserializerMiddleware):
 * a service error carries `$fault`, `$metadata.httpStatusCode` and its code as `name`; an
 * answer the SDK could not read carries the raw `$response` but no `$fault`; a network
 * failure carries Node's `code` (ECONNREFUSED …). A body that is not the service's protocol
 * (a proxy's HTML page, an empty 503) may still be read as an error named `Unknown`.
 */
import type { AwsCallFailure } from '../errors.js';
import { errorName, NETWORK_ERROR_CODES } from './errors.js';

export interface CallWhere {
  operation: string;
  /** As the operator knows it: `EC2`, `RDS`, `DMS`, `Route 53` … */
  service: string;
  region: string;
  /** The URL the call was sent to (no credentials in it), or `the sandbox`. */
  endpoint?: string;
  /** The wire format the service answers in. */
  protocol: 'XML' | 'JSON' | 'CBOR';
}

/** An answer whose content type is not the service's protocol, as received. */
export interface RawAnswer {
  status: number;
  contentType?: string;
  text: string;
}

/** The SDK's network codes, and TLS failures of an endpoint that is not what it claims. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  ...NETWORK_ERROR_CODES,
  'ECONNABORTED', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const SNIPPET = 100;

interface SdkErrorFields {
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string>; body?: unknown };
}

/**
 * The failure of the call `where`, or undefined when `err` did not come from AWS or the way
 * to it (a TypeError of promigrate's own code, the dry-run guard): that is a bug, not a failure.
 */
export function describeCallFailure(err: unknown, where: CallWhere, raw?: RawAnswer): AwsCallFailure | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as SdkErrorFields;
  const name = errorName(err);
  const message = firstLine(typeof e.message === 'string' ? e.message : '');
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const base = { operation: where.operation, service: where.service, region: where.region, ...(where.endpoint ? { endpoint: where.endpoint } : {}) };
  const at = `${where.operation} (${where.service}, ${where.region}${where.endpoint ? `, endpoint ${where.endpoint}` : ''})`;
  const withStatus = status === undefined ? {} : { httpStatus: status };

  const foreign = raw ?? foreignAnswer(e.$response);
  if (foreign && (e.$fault !== undefined || e.$response !== undefined)) {
    return {
      ...base,
      ...withStatus,
      kind: 'not-aws',
      message: `${at} failed: the response was not AWS ${where.protocol} (${answerSummary(foreign)})`,
      hint: endpointHint(where),
    };
  }
  if (typeof e.$fault === 'string' && name) {
    return { ...base, ...withStatus, kind: 'refused', code: name, message: `${where.operation} (${where.service}) was refused: ${name}: ${message || 'no message'}` };
  }
  if (e.$response !== undefined) {
    return {
      ...base,
      ...withStatus,
      kind: 'unreadable',
      message: `the answer to ${at} could not be read by the AWS SDK (${message || name}) — the endpoint may not be AWS or may be a different API version`,
      hint: endpointHint(where),
    };
  }
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code) || TIMEOUT_NAMES.has(name)) {
    return {
      ...base,
      kind: 'unreachable',
      ...(code ? { code } : {}),
      message: `could not reach ${where.endpoint ?? `${where.service} in ${where.region}`} for ${where.operation} (${where.service}): ${message || code || name}`,
      hint: 'Check the network path to that endpoint (DNS, proxy, firewall, VPN) and --endpoint-url / AWS_ENDPOINT_URL.',
    };
  }
  if (name === 'CredentialsProviderError') {
    return {
      ...base,
      kind: 'credentials',
      message: `${where.operation} (${where.service}) was not sent: no AWS credentials were found (${message})`,
      hint: 'Give credentials the AWS way: --profile (or AWS_PROFILE), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO (`aws sso login`) or an instance role.',
    };
  }
  return undefined;
}

/** The SDK appends "Deserialization error: to see the raw response …" on a line of its own. */
const firstLine = (text: string): string => text.split('\n')[0]!.trim();

function foreignAnswer(response: SdkErrorFields['$response']): RawAnswer | undefined {
  if (!response || typeof response.statusCode !== 'number') return undefined;
  const contentType = headerOf(response.headers, 'content-type');
  if (!isForeignContentType(contentType)) return undefined;
  const text = typeof response.body === 'string' ? response.body : '';
  return { status: response.statusCode, ...(contentType ? { contentType } : {}), text };
}

function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** AWS answers in XML, JSON or CBOR; anything else (HTML, plain text, nothing) came from something else. */
export function isForeignContentType(contentType: string | undefined): boolean {
  return !contentType || !/xml|json|cbor/i.test(contentType);
}

/** `HTTP 500, text/html: "500 Internal Server Error"`. */
function answerSummary(answer: RawAnswer): string {
  const type = answer.contentType ? answer.contentType.split(';')[0]!.trim() : 'no content type';
  const text = readableText(answer.text);
  return `HTTP ${answer.status}, ${type}${text ? `: "${text}"` : ', empty body'}`;
}

/** An HTML page's title when it has one, else its text without tags, cut short. */
export function readableText(body: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1];
  const text = (title ?? body.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' '))
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text;
}

function endpointHint(where: CallWhere): string {
  return where.endpoint && !/\.amazonaws\.com(\.cn)?\/?$/.test(where.endpoint)
    ? `Check that ${where.endpoint} (--endpoint-url, AWS_ENDPOINT_URL or endpoint_url in the AWS config) is AWS or an emulator of the ${where.service} API, and that no proxy answers in its place.`
    : `Something between promigrate and ${where.service} answered in its place: check HTTPS_PROXY / the corporate proxy, or retry if AWS had an outage.`;
}
