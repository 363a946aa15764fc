/**
 * Middleware the client factory puts on every AWS client, sandboxed or not:
 * - the dry-run guard: in plan mode any command that is not Describe/List/Get/Test (or an
 *   EC2 call with DryRun=true) is refused before it is even serialised (the belt to the
 *   engine's braces);
 * - the audit hook: every mutating command that succeeds is reported with its key
 *   parameters (secrets redacted, bulky values summarised) and the id it produced.
 */
import { isMutatingOperation, operationOf, serviceOfClient, type SdkClientLike } from './operations.js';
import { isSecretKey, REDACTED, redactUrlPasswords } from '../state/audit.js';

/** A mutating AWS call was attempted during --dry-run: a bug in a step, never the operator's fault. */
export class DryRunViolation extends Error {
  constructor(readonly operation: string) {
    super(`internal error: ${operation} was called during --dry-run; plan mode must not change anything in AWS`);
    this.name = 'DryRunViolation';
  }
}

export interface AuditRecord {
  /** e.g. `ec2:CreateVpc`. */
  operation: string;
  params: Record<string, unknown>;
  resultId?: string;
  /** A call AWS refused (after the SDK's retries): `ok` otherwise. */
  outcome?: 'ok' | 'error';
  /** The id of the call's journal note, when one was written. */
  callId?: string;
  /** The error's name and message, for a refused call. */
  error?: string;
}

export type AuditSink = (entry: AuditRecord) => void | Promise<void>;

/**
 * Before a mutating call is sent: a durable note that it is being sent (state/audit-journal.ts);
 * returns the call id its AuditRecord then carries.
 */
export type AuditIntentSink = (intent: Pick<AuditRecord, 'operation' | 'params'>) => Promise<string>;

export interface GuardLogger {
  warn(message: string): void;
}

export function addDryRunGuard(client: SdkClientLike): void {
  const service = serviceOfClient(client);
  client.middlewareStack.add(
    (next: (args: { input?: { DryRun?: unknown } }) => Promise<unknown>, context: Record<string, unknown>) =>
      async (args: { input?: { DryRun?: unknown } }) => {
        const operation = operationOf(context);
        // EC2's own DryRun=true only checks permissions ("would have succeeded"): safe to send.
        if (isMutatingOperation(operation) && args.input?.DryRun !== true) {
          throw new DryRunViolation(`${service}:${operation}`);
        }
        return next(args);
      },
    { step: 'initialize', priority: 'high', name: 'promigrateDryRunGuard', override: true },
  );
}

const isDryRunRefusal = (err: unknown): boolean => (err as { name?: string } | null)?.name === 'DryRunViolation';

export function addAuditHook(client: SdkClientLike, audit: AuditSink, logger?: GuardLogger, intend?: AuditIntentSink): void {
  const service = serviceOfClient(client);
  const record = async (entry: AuditRecord): Promise<void> => {
    try {
      await audit(entry);
    } catch (err) {
      // The AWS call's outcome stands; losing an audit line must not change it.
      logger?.warn(`could not record ${entry.operation} in the audit log: ${(err as Error).message}`);
    }
  };
  client.middlewareStack.add(
    (next: (args: { input: unknown }) => Promise<{ output?: unknown }>, context: Record<string, unknown>) =>
      async (args: { input: unknown }) => {
        const operation = operationOf(context);
        const mutating = isMutatingOperation(operation);
        const named = `${service}:${operation}`;
        // Written before the call is sent: a kill before its line below still leaves a trace.
        // Unlike the line, a note that cannot be written stops the call (nothing was sent yet).
        const callId = mutating && intend ? await intend({ operation: named, params: auditParams(args.input) }) : undefined;
        const withId = (entry: AuditRecord): AuditRecord => (callId === undefined ? entry : { ...entry, callId });
        let result: { output?: unknown };
        try {
          result = await next(args);
        } catch (err) {
          // A refused mutating call is part of the record too (what was attempted, and why it failed).
          if (mutating && !isDryRunRefusal(err)) {
            const e = err as { name?: string; message?: string };
            await record(withId({ operation: named, params: auditParams(args.input), outcome: 'error', error: `${e.name ?? 'Error'}: ${e.message ?? String(err)}` }));
          }
          throw err;
        }
        if (mutating) {
          const entry: AuditRecord = { operation: named, params: auditParams(args.input) };
          const resultId = findId(result.output) ?? findId(args.input);
          if (resultId !== undefined) entry.resultId = resultId;
          await record(withId(entry));
        }
        return result;
      },
    { step: 'initialize', priority: 'normal', name: 'promigrateAudit', override: true },
  );
}

const MAX_STRING = 256;

/** A JSON-safe copy of the input with secrets replaced (the audit log's own rule) and bulky values summarised. */
export function auditParams(input: unknown): Record<string, unknown> {
  const out = summarise(input, 0);
  return out !== null && typeof out === 'object' && !Array.isArray(out) ? (out as Record<string, unknown>) : {};
}

function summarise(value: unknown, depth: number, key = ''): unknown {
  if (key && isSecretKey(key)) return REDACTED;
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const clean = redactUrlPasswords(value);
    return clean.length > MAX_STRING ? `[${clean.length} characters]` : clean;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (depth >= 5) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => summarise(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = summarise(v, depth + 1, k);
    return out;
  }
  return String(value);
}

/** Most specific first: a Subnet also carries its VpcId, an Instance its SubnetId. */
const ID_KEYS = [
  'InstanceId', 'NatGatewayId', 'RouteTableId', 'AssociationId', 'SecurityGroupRuleId', 'GroupId', 'InternetGatewayId',
  'AllocationId', 'SubnetId', 'VpcId', 'DBInstanceIdentifier', 'DBSubnetGroupName', 'DBParameterGroupName',
  'ReplicationTaskArn', 'ReplicationInstanceArn', 'EndpointArn', 'ReplicationSubnetGroupIdentifier', 'Id', 'ARN', 'Arn',
  'VersionId',
];

/** Best effort: the first well-known id field, breadth first (first array element only). */
export function findId(value: unknown): string | undefined {
  let level: unknown[] = [value];
  for (let depth = 0; depth < 4 && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const node of level) {
      if (node === null || typeof node !== 'object') continue;
      if (Array.isArray(node)) {
        if (node.length > 0) next.push(node[0]);
        continue;
      }
      const record = node as Record<string, unknown>;
      const key = ID_KEYS.find((k) => typeof record[k] === 'string');
      if (key) return record[key] as string;
      for (const [k, v] of Object.entries(record)) if (k !== '$metadata') next.push(v);
    }
    level = next;
  }
  return undefined;
}
