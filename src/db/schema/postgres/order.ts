/**
 * Pre-data order: dependencies first (pg_depend, closure.ts), otherwise by kind — extensions,
 * types, routines, sequences, tables, views — then as given. Kind order alone handles what
 * pg_depend does not record (a PL/pgSQL body names no dependencies, and runs only later).
 * A cycle, which pg_depend can show when a default was altered after the fact, is broken
 * at its highest-priority item.
 */
import type { Item, ItemKey } from './closure.js';

const RANK: Record<Item['kind'], number> = { extension: 0, type: 1, function: 2, sequence: 3, table: 4, view: 5 };

/** A binary min-heap of indexes into `items`, by (rank, position). */
class Ready {
  private readonly heap: number[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean) {}
  get size(): number {
    return this.heap.length;
  }
  push(i: number): void {
    const h = this.heap;
    h.push(i);
    for (let c = h.length - 1; c > 0; ) {
      const p = (c - 1) >> 1;
      if (!this.less(h[c]!, h[p]!)) break;
      [h[c], h[p]] = [h[p]!, h[c]!];
      c = p;
    }
  }
  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let p = 0; ; ) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === p) break;
        [h[m], h[p]] = [h[p]!, h[m]!];
        p = m;
      }
    }
    return top;
  }
}

export function preDataOrder(items: Item[], needs: ReadonlyMap<ItemKey, ReadonlySet<ItemKey>>, key: (i: Item) => ItemKey): Item[] {
  const index = new Map(items.map((item, i) => [key(item), i]));
  const less = (a: number, b: number) => {
    const byKind = RANK[items[a]!.kind] - RANK[items[b]!.kind];
    return byKind !== 0 ? byKind < 0 : a < b;
  };
  const waiting = items.map(() => 0);
  const dependents = items.map((): number[] => []);
  items.forEach((item, i) => {
    for (const k of needs.get(key(item)) ?? []) {
      const j = index.get(k);
      if (j === undefined || j === i) continue;
      waiting[i]!++;
      dependents[j]!.push(i);
    }
  });
  const ready = new Ready(less);
  items.forEach((_, i) => waiting[i] === 0 && ready.push(i));
  const done = items.map(() => false);
  const out: Item[] = [];
  while (out.length < items.length) {
    let next: number;
    if (ready.size > 0) next = ready.pop();
    else {
      // A cycle: take the highest-priority item still waiting.
      next = -1;
      for (let i = 0; i < items.length; i++) if (!done[i] && (next === -1 || less(i, next))) next = i;
    }
    if (done[next]) continue;
    done[next] = true;
    out.push(items[next]!);
    for (const d of dependents[next]!) if (!done[d] && --waiting[d]! === 0) ready.push(d);
  }
  return out;
}
