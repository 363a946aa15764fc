import { describe, expect, it } from 'vitest';
import { runGraphSettled } from '../../../src/engine/resources/graph.js';

// The reversed graph destroy runs: a VPC after its subnets and NAT gateway, the subnets after the database.
const nodes = [
  { key: 'db', dependsOn: [] },
  { key: 'nat', dependsOn: [] },
  { key: 'eip', dependsOn: ['nat'] },
  { key: 'subnet', dependsOn: ['db', 'nat'] },
  { key: 'vpc', dependsOn: ['subnet', 'eip'] },
];

describe('runGraphSettled', () => {
  it('a failure stops only what depends on it; the other branches run to the end', async () => {
    const ran: string[] = [];
    const settled = await runGraphSettled(nodes, async ({ key }) => {
      ran.push(key);
      if (key === 'db') throw new Error('db cannot be deleted');
      return key;
    });
    expect(ran.sort()).toEqual(['db', 'eip', 'nat']);
    expect([...settled.done.keys()].sort()).toEqual(['eip', 'nat']);
    expect((settled.failed.get('db') as Error).message).toBe('db cannot be deleted');
    expect(Object.fromEntries(settled.blocked)).toEqual({ subnet: ['db'], vpc: ['subnet'] });
  });

  it('a node marked failed before the start never runs and holds back its dependents', async () => {
    const ran: string[] = [];
    const settled = await runGraphSettled(nodes, async ({ key }) => void ran.push(key), new Map([['nat', 'not listed']]));
    expect(ran.sort()).toEqual(['db']);
    expect(Object.fromEntries(settled.blocked)).toEqual({ eip: ['nat'], subnet: ['nat'], vpc: ['subnet', 'eip'] });
  });
});
