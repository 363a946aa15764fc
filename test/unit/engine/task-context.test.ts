import { describe, expect, it } from 'vitest';
import { taskContext } from '../../../src/engine/resources/context.js';
import type { StepContext } from '../../../src/engine/step.js';

/** The parts of a step context taskContext reads: the step's own outputs, other steps' outputs, state. */
function stepWith(own: Record<string, unknown>, others: Record<string, Record<string, unknown>>): StepContext {
  return {
    config: {},
    project: 'shop',
    stepId: 'sync',
    self: () => ({ outputs: { resources: own } }),
    outputsOf: (stepId: string) => ({ resources: others[stepId] ?? {} }),
    resource: (key: string) => (key === 'dms.instance' ? { id: 'shop-dms' } : undefined),
  } as unknown as StepContext;
}

describe('taskContext', () => {
  const step = stepWith(
    { 'sync.endpoint.source': { arn: 'arn:source' } },
    { provision: { 'dms.instance': { arn: 'arn:dms' }, 'sync.endpoint.source': { arn: 'arn:stale' } } },
  );

  it('reads outputs from this run, then the step’s own record', () => {
    const t = taskContext(step, new Map([['sync.task', { id: 'shop-sync', outputs: { arn: 'arn:task' } }]]));
    expect(t.outputs('sync.task')).toEqual({ arn: 'arn:task' });
    expect(t.outputs('sync.endpoint.source')).toEqual({ arn: 'arn:source' });
    expect(t.outputs('dms.instance')).toEqual({});
  });

  it('falls back to the outputs of the steps named in fallbackOutputsFrom, after its own', () => {
    const t = taskContext(step, new Map(), { fallbackOutputsFrom: ['provision'] });
    expect(t.outputs('dms.instance')).toEqual({ arn: 'arn:dms' });
    expect(t.outputs('sync.endpoint.source')).toEqual({ arn: 'arn:source' });
    expect(t.outputs('db.instance')).toEqual({});
  });

  it('names ids from this run, then state, else `<key>`', () => {
    const t = taskContext(step, new Map([['sync.task', { id: 'shop-sync' }]]));
    expect([t.id('sync.task'), t.id('dms.instance'), t.id('db.instance')]).toEqual(['shop-sync', 'shop-dms', '<db.instance>']);
  });
});
