/**
 * The switch itself, as Route 53 change batches: one batch for `strategy: simple`, a
 * sequence for a weighted ramp. Each batch is atomic, so every moment between batches is a
 * consistent DNS state, and the name never points at nothing.
 *
 * Weighted ramp: the first batch turns the simple record into the weighted pair
 * `promigrate-old` (100 − w) / `promigrate-new` (w) — DELETE simple + CREATE both, since a
 * simple and a weighted set of one name and type cannot coexist; each further weight below
 * 100 UPSERTs both. The 100 step does not leave `promigrate-old` at weight 0: it replaces the
 * pair with the plain new record, the same end state as `strategy: simple`. A weight-0 set
 * still names the old on-premise address (and Route 53 answers with it again the moment the
 * other set's weight is 0 too, or its health check fails), rollback does not need it — the
 * rollback image restores any state — and later steps and operators then see one record.
 */
import type { Change, ChangeBatch, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { UsageError } from '../../errors.js';
import { batchComment, checkTtl, display } from './names.js';
import { fqdn, type DnsScope } from '../../aws/route53/names.js';
import { NEW_SET_ID, OLD_SET_ID, applyChanges, currentAddressSets, needsReplace, setKey, type CurrentOptions } from './records.js';
import { ADDRESS_TYPES, setsAt } from '../../aws/route53/record-sets.js';
import { describeTarget, parseNewTarget, targetRecordSet, type NewTarget, type TargetOptions } from './targets.js';

export type SwitchOptions = TargetOptions & CurrentOptions;

export interface PlannedBatch {
  /** Percent of traffic on the new target once this batch is in sync. */
  weight: number;
  batch: ChangeBatch;
  /** The name's address record sets after the batch. */
  after: ResourceRecordSet[];
}

const change = (Action: 'CREATE' | 'DELETE' | 'UPSERT', set: ResourceRecordSet): Change => ({
  Action,
  ResourceRecordSet: structuredClone(set),
});

function resolveTarget(scope: DnsScope, newTarget: string | NewTarget, opts: SwitchOptions): NewTarget {
  return typeof newTarget === 'string' ? parseNewTarget(scope, newTarget, opts) : newTarget;
}

/** A CNAME must be alone at its name: refuse when TXT, MX… live there. */
function checkCnameAlone(scope: DnsScope, listed: readonly ResourceRecordSet[], type: string): void {
  if (type !== 'CNAME') return;
  const others = [...new Set(setsAt(scope.record, listed).map((r) => r.Type ?? '').filter((t) => !ADDRESS_TYPES.has(t)))];
  if (others.length > 0) {
    throw new UsageError(`${display(scope.record)} also has ${others.join(', ')} records, which DNS does not allow next to a CNAME, so it cannot point at a host name.`, {
      hint: 'Use alias:<AWS DNS name> or an IP address as dns.newTarget, or move those records elsewhere.',
    });
  }
}

/**
 * One batch pointing the name at the target: every other address set of the name is
 * DELETEd (a stale AAAA would keep IPv6 clients on the old stack), then the target set is
 * UPSERTed when a set of the same name, type and kind exists, else CREATEd — UPSERT cannot
 * change a type (A → CNAME), a policy (weighted → simple) or alias ↔ values.
 */
export function simpleSwitchBatch(
  scope: DnsScope,
  listed: readonly ResourceRecordSet[],
  newTarget: string | NewTarget,
  ttl: number,
  opts: SwitchOptions = {},
): ChangeBatch {
  checkTtl(ttl);
  const target = resolveTarget(scope, newTarget, opts);
  const current = currentAddressSets(scope, listed, opts);
  const wanted = targetRecordSet(scope, target, ttl);
  checkCnameAlone(scope, listed, wanted.Type!);
  const Changes: Change[] = [];
  let write: 'CREATE' | 'UPSERT' = 'CREATE';
  for (const cur of current) {
    if (setKey(cur) === setKey(wanted) && !needsReplace(cur, wanted)) write = 'UPSERT';
    else Changes.push(change('DELETE', cur));
  }
  Changes.push(change(write, wanted));
  return { Comment: batchComment(`promigrate cutover: ${display(scope.record)} → ${describeTarget(target)}`), Changes };
}

function checkWeights(weights: readonly number[]): void {
  const ok =
    weights.length > 0 &&
    weights.every((w, i) => Number.isInteger(w) && w >= 1 && w <= 100 && (i === 0 || w > weights[i - 1]!)) &&
    weights[weights.length - 1] === 100;
  if (!ok) {
    throw new UsageError(`dns.weights [${weights.join(', ')}] is not an ascending list of percentages ending at 100.`, {
      hint: 'Write e.g. [10, 50, 100]: each step moves that share of traffic to the new target.',
    });
  }
}

/** The simple set the ramp starts from (other address sets of the name stay until the last step). */
function rampStart(scope: DnsScope, current: ResourceRecordSet[], type: string): ResourceRecordSet {
  const name = display(scope.record);
  const routed = current.find((r) => r.SetIdentifier !== undefined);
  if (routed) {
    throw new UsageError(`${name} already uses a routing policy (${routed.Type} set "${routed.SetIdentifier}"), and a weighted ramp starts from a simple record.`, {
      hint: 'Use dns.strategy: simple (rollback still restores the current routing exactly).',
    });
  }
  const old = current.find((r) => r.Type === type);
  if (!old) {
    const types = [...new Set(current.map((r) => r.Type))].join('/');
    throw new UsageError(`${name} is a ${types} record today but the new target needs ${type === 'A' ? 'an' : 'a'} ${type} record, and weighted records must share one type.`, {
      hint: 'Use dns.strategy: simple, or a dns.newTarget of the same kind as today\'s record (an IP for A, a host name for CNAME).',
    });
  }
  return old;
}

/**
 * The batches of a weighted ramp through `weights` (ascending, ending at 100). With a
 * single weight of 100 this is the simple switch.
 */
export function weightedBatches(
  scope: DnsScope,
  listed: readonly ResourceRecordSet[],
  newTarget: string | NewTarget,
  weights: readonly number[],
  ttl: number,
  opts: SwitchOptions = {},
): PlannedBatch[] {
  checkTtl(ttl);
  checkWeights(weights);
  const target = resolveTarget(scope, newTarget, opts);
  const current = currentAddressSets(scope, listed);
  if (weights.length === 1) {
    const batch = simpleSwitchBatch(scope, listed, target, ttl, opts);
    return [{ weight: 100, batch, after: applyChanges(current, batch.Changes ?? []) }];
  }
  const wanted = targetRecordSet(scope, target, ttl);
  checkCnameAlone(scope, listed, wanted.Type!);
  const old = rampStart(scope, current, wanted.Type!);

  const oldCopy: ResourceRecordSet = old.AliasTarget ? { ...old } : { ...old, TTL: Math.min(old.TTL ?? ttl, ttl) };
  const pair = (w: number): [ResourceRecordSet, ResourceRecordSet] => [
    { ...oldCopy, Name: fqdn(scope.record), SetIdentifier: OLD_SET_ID, Weight: 100 - w },
    { ...wanted, SetIdentifier: NEW_SET_ID, Weight: w },
  ];
  const label = (w: number) => batchComment(`promigrate cutover: ${display(scope.record)} → ${w}% ${describeTarget(target)}`);

  const out: PlannedBatch[] = [];
  let sets = current;
  for (const w of weights) {
    let Changes: Change[];
    if (w === 100) {
      // Everything of the name but the new simple record goes, in one atomic batch.
      Changes = [...sets.map((r) => change('DELETE', r)), change('CREATE', wanted)];
    } else {
      const [o, n] = pair(w);
      Changes = out.length === 0
        ? [change('DELETE', old), change('CREATE', o), change('CREATE', n)]
        : [change('UPSERT', o), change('UPSERT', n)];
    }
    sets = applyChanges(sets, Changes);
    out.push({ weight: w, batch: { Comment: label(w), Changes }, after: sets });
  }
  return out;
}
