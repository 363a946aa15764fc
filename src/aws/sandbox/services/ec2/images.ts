/**
 * EC2: DescribeImages over a small, fixed catalogue of Amazon-owned public AMIs (Amazon
 * Linux 2023 standard and minimal, x86_64 and arm64, two releases; Amazon Linux 2), so a
 * "newest al2023 x86_64" lookup has something realistic to choose from — including images
 * a careless name pattern would wrongly pick. Ids are derived from the region and name, so
 * they are stable per region, as real AMI ids are.
 */
import type { DescribeImagesRequest, Image } from '@aws-sdk/client-ec2';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { page } from '../paging.js';
import { hash32 } from '../sim-util.js';
import { applyFilters, type FilterFields } from './filters.js';
import { ec2Error, ec2State } from './store.js';

/** The account that owns Amazon's public images (owner alias `amazon`). */
export const AMAZON_OWNER_ID = '137112412989';

interface CatalogueEntry {
  name: string;
  architecture: 'x86_64' | 'arm64';
  created: string;
  description: string;
  rootDeviceName: string;
  volumeSize: number;
}

const al2023 = (variant: '' | 'minimal-', version: string, architecture: 'x86_64' | 'arm64', created: string): CatalogueEntry => ({
  name: `al2023-ami-${variant}${version}-kernel-6.1-${architecture}`,
  architecture,
  created,
  description: `Amazon Linux 2023 ${variant ? 'minimal ' : ''}AMI ${version} ${architecture} HVM kernel-6.1`,
  rootDeviceName: '/dev/xvda',
  volumeSize: variant ? 2 : 8,
});

const CATALOGUE: CatalogueEntry[] = [
  al2023('', '2023.6.20241212.0', 'x86_64', '2024-12-12T20:10:11.000Z'),
  al2023('', '2023.6.20250107.0', 'x86_64', '2025-01-07T19:52:43.000Z'),
  al2023('', '2023.6.20250107.0', 'arm64', '2025-01-07T19:53:02.000Z'),
  al2023('minimal-', '2023.6.20250107.0', 'arm64', '2025-01-07T19:54:40.000Z'),
  // Newer than the standard image: a pattern such as al2023-ami-*-x86_64 would pick it.
  al2023('minimal-', '2023.6.20250115.0', 'x86_64', '2025-01-15T18:02:55.000Z'),
  {
    name: 'amzn2-ami-kernel-5.10-hvm-2.0.20250108.0-x86_64-gp2',
    architecture: 'x86_64',
    created: '2025-01-08T22:17:31.000Z',
    description: 'Amazon Linux 2 Kernel 5.10 AMI 2.0.20250108.0 x86_64 HVM gp2',
    rootDeviceName: '/dev/xvda',
    volumeSize: 8,
  },
];

function hex(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += hash32(`${seed}#${i}`).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

function imageOut(ctx: SimContext, e: CatalogueEntry): Image {
  const imageId = `ami-${hex(`${ctx.region}/${e.name}`, 17)}`;
  return {
    ImageId: imageId,
    ImageLocation: `amazon/${e.name}`,
    ImageOwnerAlias: 'amazon',
    OwnerId: AMAZON_OWNER_ID,
    Name: e.name,
    Description: e.description,
    CreationDate: e.created,
    State: 'available',
    Public: true,
    Architecture: e.architecture,
    ImageType: 'machine',
    Hypervisor: 'xen',
    VirtualizationType: 'hvm',
    RootDeviceType: 'ebs',
    RootDeviceName: e.rootDeviceName,
    EnaSupport: true,
    SriovNetSupport: 'simple',
    BootMode: 'uefi-preferred',
    ImdsSupport: 'v2.0',
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    BlockDeviceMappings: [
      {
        DeviceName: e.rootDeviceName,
        Ebs: {
          DeleteOnTermination: true,
          SnapshotId: `snap-${hex(`${ctx.region}/${e.name}/snap`, 17)}`,
          VolumeSize: e.volumeSize,
          VolumeType: 'gp3',
          Encrypted: false,
        },
      },
    ],
  };
}

/** The catalogued image's name (undefined for an id the catalogue does not hold). */
export function imageNameOf(ctx: SimContext, imageId: string): string | undefined {
  return CATALOGUE.map((e) => imageOut(ctx, e)).find((i) => i.ImageId === imageId)?.Name;
}

/** The newest catalogued image whose name matches (CreationDate order, as `sort_by(Images, &CreationDate)[-1]`). */
export function newestImage(ctx: SimContext, matches: (name: string) => boolean): Image | undefined {
  return CATALOGUE.filter((e) => matches(e.name))
    .sort((a, b) => b.created.localeCompare(a.created))
    .map((e) => imageOut(ctx, e))[0];
}

/**
 * The newest Amazon Linux 2023 image of an architecture: standard (default) or minimal, of
 * any kernel unless one is named (`6.1`) — what the `al2023-ami[-minimal]-kernel-default-*`
 * and `…-kernel-6.1-*` public SSM parameters point at.
 */
export function newestAl2023Image(
  ctx: SimContext,
  opts: { architecture: 'x86_64' | 'arm64'; minimal?: boolean; kernel?: string },
): Image | undefined {
  const kernel = opts.kernel ? opts.kernel.replace(/\./g, '\\.') : '[0-9.]+';
  const re = new RegExp(`^al2023-ami-${opts.minimal ? 'minimal-' : ''}2023\\.[0-9.]+-kernel-${kernel}-${opts.architecture}$`);
  return newestImage(ctx, (name) => re.test(name));
}

const fields: FilterFields<Image> = {
  'image-id': (i) => i.ImageId,
  name: (i) => i.Name,
  description: (i) => i.Description,
  architecture: (i) => i.Architecture,
  state: (i) => i.State,
  'owner-alias': (i) => i.ImageOwnerAlias,
  'owner-id': (i) => i.OwnerId,
  'image-type': (i) => i.ImageType,
  'is-public': (i) => i.Public,
  'root-device-type': (i) => i.RootDeviceType,
  'root-device-name': (i) => i.RootDeviceName,
  'virtualization-type': (i) => i.VirtualizationType,
  hypervisor: (i) => i.Hypervisor,
  'ena-support': (i) => i.EnaSupport,
  'platform-details': (i) => i.PlatformDetails,
  'creation-date': (i) => i.CreationDate,
};

export const imageOperations: ServiceSimulator = {
  DescribeImages: (input: DescribeImagesRequest, ctx) => {
    const s = ec2State(ctx);
    let images = CATALOGUE.map((e) => imageOut(ctx, e));
    if (input.ImageIds?.length) {
      for (const id of input.ImageIds) {
        if (!/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) throw ec2Error('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
      }
      const missing = input.ImageIds.filter((id) => !images.some((i) => i.ImageId === id));
      if (missing.length) throw ec2Error('InvalidAMIID.NotFound', `The image id '[${missing.join(', ')}]' does not exist`);
      images = images.filter((i) => input.ImageIds!.includes(i.ImageId!));
    }
    if (input.Owners?.length) {
      // Every catalogued image is Amazon's; `self` or the account id match nothing here.
      images = images.filter((i) => input.Owners!.some((o) => o === 'amazon' || o === i.OwnerId));
    }
    const list = applyFilters(s, images, input.Filters, fields, (i) => i.ImageId!);
    const { items, NextToken } = page(list, input);
    return { Images: items, ...(NextToken ? { NextToken } : {}) };
  },
};
