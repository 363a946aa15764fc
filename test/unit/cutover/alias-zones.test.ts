import { describe, expect, it } from 'vitest';
import { knownAliasTarget } from '../../../src/aws/route53/alias-zones.js';

describe('knownAliasTarget', () => {
  it('ALB / Classic (incl. dualstack and internal) by region', () => {
    expect(knownAliasTarget('my-alb-1234567890.us-east-1.elb.amazonaws.com')).toEqual({ service: 'alb', hostedZoneId: 'Z35SXDOTRQ7X7K', region: 'us-east-1', evaluateTargetHealth: true });
    expect(knownAliasTarget('dualstack.my-alb-1.ap-northeast-2.elb.amazonaws.com.')?.hostedZoneId).toBe('ZWKZPGTI48KDX');
    expect(knownAliasTarget('internal-my-alb-1.eu-west-1.elb.amazonaws.com')?.hostedZoneId).toBe('Z32O12XQLNTSW2');
    expect(knownAliasTarget('My-ALB-1.US-WEST-2.ELB.AMAZONAWS.COM')?.hostedZoneId).toBe('Z1H1FL5HABSF5');
    expect(knownAliasTarget('my-alb-1.cn-north-1.elb.amazonaws.com.cn')?.hostedZoneId).toBe('Z1GDH35T77C1KE');
  });

  it('NLB by region (a different zone than the ALB of the same region)', () => {
    expect(knownAliasTarget('my-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com')).toEqual({ service: 'nlb', hostedZoneId: 'Z26RNL4JYFTOTI', region: 'us-east-1', evaluateTargetHealth: true });
    expect(knownAliasTarget('my-nlb-1.elb.eu-central-1.amazonaws.com')?.hostedZoneId).toBe('Z3F0SRJ5LGBH90');
  });

  it('CloudFront, Global Accelerator, S3 website (both endpoint spellings)', () => {
    expect(knownAliasTarget('d111111abcdef8.cloudfront.net')).toEqual({ service: 'cloudfront', hostedZoneId: 'Z2FDTNDATAQYW2', evaluateTargetHealth: false });
    expect(knownAliasTarget('a1234567890abcdef.awsglobalaccelerator.com')?.hostedZoneId).toBe('Z2BJ6XQ5FK7U4H');
    expect(knownAliasTarget('www.example.com.s3-website-us-east-1.amazonaws.com')).toEqual({
      service: 's3-website', hostedZoneId: 'Z3AQBSTGFYJSTF', region: 'us-east-1', bucket: 'www.example.com', evaluateTargetHealth: false,
    });
    expect(knownAliasTarget('www.example.com.s3-website.eu-central-1.amazonaws.com')?.hostedZoneId).toBe('Z21DNDUVLTQW6Q');
  });

  it('unknown names and regions are not guessed', () => {
    for (const name of ['app.example.net', 'my-alb.elb.amazonaws.com', 'x.xx-nowhere-9.elb.amazonaws.com', 'x.elb.xx-nowhere-9.amazonaws.com', 'b.s3-website-ap-southeast-7.amazonaws.com', 'abc.execute-api.us-east-1.amazonaws.com']) {
      expect(knownAliasTarget(name), name).toBeUndefined();
    }
  });
});
