import { describe, expect, it } from 'vitest';
import { findSubnetConflicts, planSubnets, subnetPlanProblem } from '../../../src/config/subnets.js';

describe('planSubnets', () => {
  it('carves public then private /24s out of a /16', () => {
    expect(planSubnets('10.0.0.0/16', 2, 8)).toEqual([
      { az: 0, tier: 'public', cidr: '10.0.0.0/24' },
      { az: 1, tier: 'public', cidr: '10.0.1.0/24' },
      { az: 0, tier: 'private', cidr: '10.0.2.0/24' },
      { az: 1, tier: 'private', cidr: '10.0.3.0/24' },
    ]);
  });

  it('handles other sizes and offsets exactly', () => {
    expect(planSubnets('172.16.0.0/20', 3, 4).map((s) => s.cidr)).toEqual([
      '172.16.0.0/24',
      '172.16.1.0/24',
      '172.16.2.0/24',
      '172.16.3.0/24',
      '172.16.4.0/24',
      '172.16.5.0/24',
    ]);
    expect(planSubnets('192.168.8.0/22', 1, 2)).toEqual([
      { az: 0, tier: 'public', cidr: '192.168.8.0/24' },
      { az: 0, tier: 'private', cidr: '192.168.9.0/24' },
    ]);
    expect(planSubnets('30.0.0.0/16', 2, 4).map((s) => s.cidr)).toEqual(['30.0.0.0/20', '30.0.16.0/20', '30.0.32.0/20', '30.0.48.0/20']);
  });

  it('is deterministic and never overlaps', () => {
    const plan = planSubnets('10.20.0.0/16', 6, 8);
    expect(plan).toEqual(planSubnets('10.20.0.0/16', 6, 8));
    expect(plan).toHaveLength(12);
    expect(findSubnetConflicts('10.20.0.0/16', plan)).toEqual([]);
  });

  it('rejects plans that do not fit', () => {
    expect(subnetPlanProblem('10.0.0.0/24', 2, 8)).toMatch(/\/32, smaller than the \/28/);
    expect(subnetPlanProblem('10.0.0.0/16', 3, 2)).toMatch(/6 subnets .*\(room for 4\)/);
    expect(() => planSubnets('10.0.0.0/16', 3, 2)).toThrow(/do not fit/);
    expect(subnetPlanProblem('10.0.0.0/16', 2, 2)).toBeUndefined();
    expect(subnetPlanProblem('10.0.0.0/24', 2, 4)).toBeUndefined();
  });
});

describe('findSubnetConflicts', () => {
  it('names overlaps with the earlier subnet and subnets outside the VPC', () => {
    expect(
      findSubnetConflicts('10.0.0.0/16', [
        { tier: 'public', cidr: '10.0.0.0/23' },
        { tier: 'public', cidr: '10.9.0.0/24' },
        { tier: 'private', cidr: '10.0.1.0/24' },
        { tier: 'private', cidr: '10.0.2.0/24' },
      ]),
    ).toEqual([
      { index: 1, message: '10.9.0.0/24 is outside the VPC network.vpcCidr 10.0.0.0/16' },
      { index: 2, message: '10.0.1.0/24 overlaps network.subnets[0].cidr 10.0.0.0/23' },
    ]);
  });

  it('checks only overlaps when the VPC CIDR is unknown (existing VPC)', () => {
    expect(findSubnetConflicts(undefined, [{ tier: 'public', cidr: '10.9.0.0/24' }, { tier: 'private', cidr: '10.9.0.128/25' }])).toEqual([
      { index: 1, message: '10.9.0.128/25 overlaps network.subnets[0].cidr 10.9.0.0/24' },
    ]);
  });
});
