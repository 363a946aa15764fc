/**
 * The AWS-owned public parameters under `/aws/service/ami-amazon-linux-latest/` ("Query for
 * the latest Amazon Linux AMI IDs using AWS Systems Manager Parameter Store"), each
 * pointing at the newest matching image of the EC2 simulator's catalogue, so GetParameter
 * and DescribeImages agree. As AWS returns them: Type `String`, DataType `text`, an ARN
 * without an account (`arn:aws:ssm:<region>::parameter/aws/service/…`), and the version
 * and date of the last image release.
 */
import type { Image } from '@aws-sdk/client-ec2';
import type { SimContext } from '../../types.js';
import { newestAl2023Image, newestImage } from '../ec2/images.js';
import { partition, seeded } from '../sim-util.js';

export const AMI_PATH = '/aws/service/ami-amazon-linux-latest';

type Resolver = (ctx: SimContext) => Image | undefined;

const al2023 = (architecture: 'x86_64' | 'arm64', minimal: boolean, kernel?: string): Resolver =>
  (ctx) => newestAl2023Image(ctx, { architecture, minimal, ...(kernel ? { kernel } : {}) });

const PARAMETERS: Record<string, Resolver> = {};
for (const architecture of ['x86_64', 'arm64'] as const) {
  for (const minimal of [false, true]) {
    const edition = minimal ? 'minimal-' : '';
    PARAMETERS[`al2023-ami-${edition}kernel-default-${architecture}`] = al2023(architecture, minimal);
    PARAMETERS[`al2023-ami-${edition}kernel-6.1-${architecture}`] = al2023(architecture, minimal, '6.1');
  }
}
PARAMETERS['amzn2-ami-kernel-5.10-hvm-x86_64-gp2'] = (ctx) =>
  newestImage(ctx, (name) => /^amzn2-ami-kernel-5\.10-hvm-2\.0\.[0-9.]+-x86_64-gp2$/.test(name));

export interface PublicParameter {
  Name: string;
  Type: 'String';
  Value: string;
  Version: number;
  LastModifiedDate: Date;
  ARN: string;
  DataType: 'text';
}

/** The public parameter with this exact name, in this Region (undefined: there is none). */
export function publicParameter(ctx: SimContext, name: string): PublicParameter | undefined {
  if (!name.startsWith(`${AMI_PATH}/`)) return undefined;
  const leaf = name.slice(AMI_PATH.length + 1);
  const image = Object.hasOwn(PARAMETERS, leaf) ? PARAMETERS[leaf]!(ctx) : undefined;
  if (!image) return undefined;
  const released = new Date(image.CreationDate!).getTime();
  return {
    Name: name,
    Type: 'String',
    Value: image.ImageId!,
    // AWS bumps the version at every release; start where a parameter of a few years would be.
    Version: seeded(`ssm-version:${name}`, 60, 110),
    // Published some minutes after the image itself.
    LastModifiedDate: new Date(released + seeded(`ssm-published:${ctx.region}:${name}`, 5, 45) * 60_000),
    ARN: `arn:${partition(ctx.region)}:ssm:${ctx.region}::parameter${name}`,
    DataType: 'text',
  };
}

/** Every public parameter directly under `path` (or anywhere below it with `recursive`). */
export function publicParametersUnder(ctx: SimContext, path: string, recursive: boolean): PublicParameter[] {
  const base = path.replace(/\/+$/, '');
  const inside = AMI_PATH === base || (recursive && `${AMI_PATH}/`.startsWith(`${base}/`));
  if (!inside) return [];
  return Object.keys(PARAMETERS)
    .sort()
    .map((leaf) => publicParameter(ctx, `${AMI_PATH}/${leaf}`))
    .filter((p): p is PublicParameter => p !== undefined);
}
