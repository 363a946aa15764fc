/**
 * The bastion's image: the newest standard Amazon Linux 2023 x86_64 AMI owned by Amazon.
 * The standard image ships the EC2 Instance Connect agent that promigrate's SSH tunnel
 * relies on; the minimal AL2023 image does not (EC2 user guide, "Install EC2 Instance
 * Connect": pre-installed on "AL2023 standard AMI", to be installed on "AL2023 minimal
 * AMI"), so the name pattern excludes it.
 */
import { DescribeImagesCommand, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import { UsageError } from '../errors.js';

/** `al2023-ami-2023.…-kernel-6.1-x86_64`; unlike `al2023-ami-*-x86_64` it excludes the minimal image. */
export const BASTION_AMI_NAME = 'al2023-ami-2023.*-x86_64';

/** Whether an image of this name ships the EC2 Instance Connect agent (standard AL2023 or Amazon Linux 2). */
export function shipsInstanceConnect(name: string | undefined): boolean {
  return name !== undefined && !name.includes('-minimal-') && /^(al2023-ami-2023\.|amzn2-ami-)/.test(name);
}

/** The newest available Amazon-owned AL2023 x86_64 image. */
export async function latestBastionImage(ec2: EC2Client, region: string): Promise<Image> {
  const out = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['amazon'],
      Filters: [
        { Name: 'name', Values: [BASTION_AMI_NAME] },
        { Name: 'architecture', Values: ['x86_64'] },
        { Name: 'state', Values: ['available'] },
        { Name: 'root-device-type', Values: ['ebs'] },
        { Name: 'virtualization-type', Values: ['hvm'] },
      ],
    }),
  );
  const newest = [...(out.Images ?? [])].sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  if (!newest) {
    throw new UsageError(`no Amazon Linux 2023 x86_64 image (${BASTION_AMI_NAME}, owner amazon) is available in ${region}`, {
      hint: 'Choose another aws.region, or set network.bastion to false.',
    });
  }
  return newest;
}
