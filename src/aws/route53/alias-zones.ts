/**
 * The hosted zone id an alias record must name for an AWS endpoint (AliasTarget.HostedZoneId),
 * derived from the endpoint's DNS name.
 *
 * Sources (data, checked 2025):
 * - ELB: AWS General Reference, "Elastic Load Balancing endpoints and quotas"
 *   (https://docs.aws.amazon.com/general/latest/gr/elb.html, columns "Route 53 Hosted Zone ID"
 *   for Application/Classic and for Network Load Balancers), as mirrored in
 *   kubernetes-sigs/external-dns provider/aws/aws.go `canonicalHostedZones` and
 *   hashicorp/terraform-provider-aws internal/service/elbv2/hosted_zone_id_data_source.go.
 * - S3 website endpoints: https://docs.aws.amazon.com/general/latest/gr/s3.html#s3_website_region_endpoints,
 *   as mirrored in terraform-provider-aws internal/service/s3/hosted_zones.go.
 * - CloudFront: Z2FDTNDATAQYW2 (Route 53 API reference, AliasTarget.HostedZoneId; the CDK's
 *   CloudFrontTarget.CLOUDFRONT_ZONE_ID). Global Accelerator: Z2BJ6XQ5FK7U4H (external-dns).
 * Re-checked against the General Reference page (us-east-1/2, us-west-1/2, af-south-1, ap-east-1,
 * ap-south-2, ap-southeast-3: both columns match). The sandbox's Route 53 refuses an alias to one
 * of these endpoints whose zone id is not the one here. Shared by cutover and the sandbox.
 * A region missing here is not guessed: the caller gets a bad-input error and may pass the
 * zone id explicitly (e.g. from DescribeLoadBalancers' CanonicalHostedZoneId).
 */

/** region → [ALB and Classic LB, NLB, S3 website] hosted zone ids ('' = not published). */
const REGIONAL: Readonly<Record<string, readonly [string, string, string]>> = {
  'us-east-1': ['Z35SXDOTRQ7X7K', 'Z26RNL4JYFTOTI', 'Z3AQBSTGFYJSTF'],
  'us-east-2': ['Z3AADJGX6KTTL2', 'ZLMOA37VPKANP', 'Z2O1EMRO9K5GLX'],
  'us-west-1': ['Z368ELLRRE2KJ0', 'Z24FKFUX50B4VW', 'Z2F56UZL2M1ACD'],
  'us-west-2': ['Z1H1FL5HABSF5', 'Z18D5FSROUN65G', 'Z3BJ6K6RIION7M'],
  'ca-central-1': ['ZQSVJUPU6J1EY', 'Z2EPGBW3API2WT', 'Z1QDHH18159H29'],
  'ca-west-1': ['Z06473681N0SF6OS049SD', 'Z02754302KBB00W2LKWZ9', 'Z03565811Z33SLEZTHOUL'],
  'mx-central-1': ['Z023552324OKD1BB28BH5', 'Z02031231H3ID6HYJ9A7U', ''],
  'sa-east-1': ['Z2P70J7HTTTPLU', 'ZTK26PT1VY4CU', 'Z7KQH4QJS55SO'],
  'eu-central-1': ['Z215JYRZR1TBD5', 'Z3F0SRJ5LGBH90', 'Z21DNDUVLTQW6Q'],
  'eu-central-2': ['Z06391101F2ZOEP8P5EB3', 'Z02239872DOALSIDCX66S', 'Z030506016YDQGETNASS'],
  'eu-west-1': ['Z32O12XQLNTSW2', 'Z2IFOLAFXWLO4F', 'Z1BKCTXD74EZPE'],
  'eu-west-2': ['ZHURV8PSTC4K8', 'ZD4D7Y8KGAS4G', 'Z3GKZC51ZF0DB4'],
  'eu-west-3': ['Z3Q77PNBQS71R4', 'Z1CMS0P5QUZ6D5', 'Z3R1K369G5AVDG'],
  'eu-north-1': ['Z23TAZ6LKFMNIO', 'Z1UDT6IFJ4EJM', 'Z3BAZG2TWCNX0D'],
  'eu-south-1': ['Z3ULH7SSC9OV64', 'Z23146JA1KNAFP', 'Z30OZKI7KPW7MI'],
  'eu-south-2': ['Z0956581394HF5D5LXGAP', 'Z1011216NVTVYADP1SSV', 'Z0081959F7139GRJC19J'],
  'il-central-1': ['Z09170902867EHPV2DABU', 'Z0313266YDI6ZRHTGQY4', 'Z09640613K4A3MN55U7GU'],
  'me-central-1': ['Z08230872XQRWHG2XF6I', 'Z00282643NTTLPANJJG2P', 'Z06143092I8HRXZRUZROF'],
  'me-south-1': ['ZS929ML54UICD', 'Z3QSRYVP46NYYV', 'Z1MPMWCPA7YB62'],
  'af-south-1': ['Z268VQBMOI5EKX', 'Z203XCE67M25HM', 'Z83WF9RJE8B12'],
  'ap-east-1': ['Z3DQVH9N71FHZ0', 'Z12Y7K3UBGUAD1', 'ZNB98KWMFR0R6'],
  'ap-south-1': ['ZP97RAFLXTNZK', 'ZVDDRBQ08TROA', 'Z11RGJOFQNVJUP'],
  'ap-south-2': ['Z0173938T07WNTVAEPZN', 'Z0711778386UTO08407HT', 'Z02976202B4EZMXIPMXF7'],
  'ap-northeast-1': ['Z14GRHDCWA56QT', 'Z31USIVHYNEOWT', 'Z2M4EHUR26P7ZW'],
  'ap-northeast-2': ['ZWKZPGTI48KDX', 'ZIBE1TIR4HY56', 'Z3W03O7B5YMIYP'],
  'ap-northeast-3': ['Z5LXEXXYW11ES', 'Z1GWIQ4HH19I5X', 'Z2YQB5RD63NC85'],
  'ap-southeast-1': ['Z1LMS91P8CMLE5', 'ZKVM4W9LS7TM', 'Z3O0J2DXBE1FTB'],
  'ap-southeast-2': ['Z1GM3OXH4ZPM65', 'ZCT6FZBF4DROD', 'Z1WCIGYICN2BYD'],
  'ap-southeast-3': ['Z08888821HLRG5A9ZRTER', 'Z01971771FYVNCOVWJU1G', 'Z01846753K324LI26A3VV'],
  'ap-southeast-4': ['Z09517862IB2WZLPXG76F', 'Z01156963G8MIIL7X90IV', 'Z0312387243XT5FE14WFO'],
  'ap-southeast-5': ['Z06010284QMVVW7WO5J', 'Z026317210H9ACVTRO6FB', 'Z08660063OXLMA7F1FJHU'],
  'ap-southeast-7': ['Z0390008CMBRTHFGWBCB', 'Z054363131YWATEMWRG5L', ''],
  'cn-north-1': ['Z1GDH35T77C1KE', 'Z3QFB96KMJ7ED6', 'Z5CN8UMXT92WN'],
  'cn-northwest-1': ['ZM7IZAIOVVDZF', 'ZQEIKTCZ8352D', 'Z282HJ1KT0DH03'],
  'us-gov-east-1': ['Z166TLBEWOO7G0', 'Z1ZSMQQ6Q24QQ8', 'Z2NIFVYYW2VKV1'],
  'us-gov-west-1': ['Z33AYJ8TM3BH4J', 'ZMG1MZ2THAWF1', 'Z31GFT0UA1I2HV'],
};

export const CLOUDFRONT_ZONE_ID = 'Z2FDTNDATAQYW2';
export const GLOBAL_ACCELERATOR_ZONE_ID = 'Z2BJ6XQ5FK7U4H';

export type AliasService = 'alb' | 'nlb' | 'cloudfront' | 'global-accelerator' | 's3-website';

export interface KnownAliasTarget {
  service: AliasService;
  hostedZoneId: string;
  region?: string;
  /** S3 website endpoints: the bucket, which Route 53 requires to equal the record name. */
  bucket?: string;
  /**
   * Route 53 can evaluate the health of load balancers only; CloudFront, S3 website and
   * Global Accelerator targets must say false.
   */
  evaluateTargetHealth: boolean;
}

const REGION = '([a-z]{2}(?:-[a-z]+)+-\\d{1,2})';
const PATTERNS: Array<{ re: RegExp; service: AliasService; column?: 0 | 1 | 2 }> = [
  // my-alb-123.us-east-1.elb.amazonaws.com, dualstack.…, internal-… (ALB and Classic)
  { re: new RegExp(`\\.${REGION}\\.elb\\.amazonaws\\.com(?:\\.cn)?$`), service: 'alb', column: 0 },
  // my-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com
  { re: new RegExp(`\\.elb\\.${REGION}\\.amazonaws\\.com(?:\\.cn)?$`), service: 'nlb', column: 1 },
  // bucket.s3-website-us-east-1.amazonaws.com or bucket.s3-website.eu-central-1.amazonaws.com
  { re: new RegExp(`^(.+)\\.s3-website[.-]${REGION}\\.amazonaws\\.com(?:\\.cn)?$`), service: 's3-website', column: 2 },
  { re: /\.cloudfront\.net$/, service: 'cloudfront' },
  { re: /\.awsglobalaccelerator\.com$/, service: 'global-accelerator' },
];

/** The alias target for an AWS endpoint's DNS name, or undefined when it is not one we know. */
export function knownAliasTarget(dnsName: string): KnownAliasTarget | undefined {
  const name = dnsName.trim().toLowerCase().replace(/\.$/, '');
  for (const { re, service, column } of PATTERNS) {
    const m = re.exec(name);
    if (!m) continue;
    if (service === 'cloudfront') return { service, hostedZoneId: CLOUDFRONT_ZONE_ID, evaluateTargetHealth: false };
    if (service === 'global-accelerator') return { service, hostedZoneId: GLOBAL_ACCELERATOR_ZONE_ID, evaluateTargetHealth: false };
    const region = service === 's3-website' ? m[2]! : m[1]!;
    const id = REGIONAL[region]?.[column!];
    if (!id) return undefined;
    return service === 's3-website'
      ? { service, hostedZoneId: id, region, bucket: m[1]!, evaluateTargetHealth: false }
      : { service, hostedZoneId: id, region, evaluateTargetHealth: true };
  }
  return undefined;
}
