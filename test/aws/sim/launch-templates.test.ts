/** EC2 launch templates through the real EC2 client (ec2Query errors included). */
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DeleteLaunchTemplateCommand,
  DescribeImagesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  EC2ServiceException,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeSandbox } from '../../helpers/sandbox.js';

let ec2: EC2Client;
let amiId: string;

beforeEach(async () => {
  const { clients } = await makeSandbox();
  ec2 = await clients.ec2;
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64'] }] }));
  amiId = images.Images![0]!.ImageId!;
});

const failure = (p: Promise<unknown>): Promise<EC2ServiceException> =>
  p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as EC2ServiceException);

const userData = Buffer.from('#!/bin/bash\necho hello\n').toString('base64');
const create = (name = 'shop-web', extra: Record<string, unknown> = {}) =>
  ec2.send(new CreateLaunchTemplateCommand({
    LaunchTemplateName: name,
    VersionDescription: 'first',
    LaunchTemplateData: {
      ImageId: amiId,
      InstanceType: 't3.micro',
      UserData: userData,
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'shop-web' }] }],
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 16, VolumeType: 'gp3', Encrypted: true } }],
    },
    TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'promigrate:project', Value: 'shop' }] }],
    ...extra,
  }));

describe('EC2 launch templates', () => {
  it('creates a template (lt- id, version 1, tags) and refuses a second with the same name', async () => {
    const { LaunchTemplate: lt, Warning } = await create();
    expect(lt!.LaunchTemplateId).toMatch(/^lt-[0-9a-f]{17}$/);
    expect(lt).toMatchObject({ LaunchTemplateName: 'shop-web', DefaultVersionNumber: 1, LatestVersionNumber: 1, Tags: [{ Key: 'promigrate:project', Value: 'shop' }] });
    expect(lt!.CreateTime).toBeInstanceOf(Date);
    expect(Warning).toBeUndefined();
    const dup = await failure(create());
    expect(dup).toBeInstanceOf(EC2ServiceException);
    expect([dup.name, dup.message]).toEqual(['InvalidLaunchTemplateName.AlreadyExistsException', 'Launch template name already in use.']);
  });

  it('refuses malformed names, user data and tag specifications', async () => {
    expect((await failure(create('x'))).name).toBe('InvalidLaunchTemplateName.MalformedException');
    expect((await failure(create('bad name!'))).name).toBe('InvalidLaunchTemplateName.MalformedException');
    const notBase64 = await failure(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'udata', LaunchTemplateData: { UserData: '#!/bin/bash' } })));
    expect([notBase64.name, notBase64.message]).toEqual(['InvalidUserData.Malformed', 'Invalid BASE64 encoding of user data.']);
    const big = Buffer.alloc(16 * 1024 + 1, 'a').toString('base64');
    const tooBig = await failure(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'udata', LaunchTemplateData: { UserData: big } })));
    expect([tooBig.name, tooBig.message]).toEqual(['InvalidUserData.Malformed', 'User data is limited to 16384 bytes']);
    const exact = Buffer.alloc(16 * 1024, 'a').toString('base64');
    await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'ud-16k', LaunchTemplateData: { UserData: exact } }));
    const badType = await failure(create('tagged', { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }] }));
    expect(badType.name).toBe('InvalidParameterValue');
    const reserved = await failure(ec2.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'reserved', LaunchTemplateData: { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws:x', Value: 'y' }] }] },
    })));
    expect(reserved.name).toBe('InvalidParameterValue');
    const hops = await failure(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'hops', LaunchTemplateData: { MetadataOptions: { HttpPutResponseHopLimit: 65 } } })));
    expect(hops.name).toBe('InvalidParameterValue');
    const unsupported = await failure(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'nics', LaunchTemplateData: { NetworkInterfaces: [{ DeviceIndex: 0 }] } })));
    expect(unsupported.name).toBe('UnsupportedOperation');
  });

  it('accepts an unknown AMI or security group with a ValidationWarning, as EC2 does', async () => {
    const out = await ec2.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'lazy', LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0', SecurityGroupIds: ['sg-0123456789abcdef0'] },
    }));
    expect(out.Warning!.Errors!.map((e) => e.Code)).toEqual(['InvalidAMIID.NotFound', 'InvalidGroup.NotFound']);
  });

  it('replays a ClientToken; the same token with other parameters is IdempotentParameterMismatch', async () => {
    const first = await create('tok', { ClientToken: 'lt-token-1' });
    const again = await create('tok', { ClientToken: 'lt-token-1' });
    expect(again.LaunchTemplate!.LaunchTemplateId).toBe(first.LaunchTemplate!.LaunchTemplateId);
    expect((await failure(create('tok-2', { ClientToken: 'lt-token-1' }))).name).toBe('IdempotentParameterMismatch');
    const long = 'x'.repeat(100);
    const a = await create('long-token', { ClientToken: long });
    expect((await create('long-token', { ClientToken: long })).LaunchTemplate!.LaunchTemplateId).toBe(a.LaunchTemplate!.LaunchTemplateId);
  });

  it('describes by id, name and filters (tag:, tag-key, launch-template-name); unknown ones fail', async () => {
    const a = (await create('shop-web')).LaunchTemplate!;
    await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'other', LaunchTemplateData: { InstanceType: 't3.small' } }));
    const ids = (r: { LaunchTemplates?: Array<{ LaunchTemplateName?: string }> }) => r.LaunchTemplates!.map((t) => t.LaunchTemplateName);
    expect(ids(await ec2.send(new DescribeLaunchTemplatesCommand({})))).toEqual(['shop-web', 'other']);
    expect(ids(await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [a.LaunchTemplateId!] })))).toEqual(['shop-web']);
    expect(ids(await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['other'] })))).toEqual(['other']);
    expect(ids(await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'tag:promigrate:project', Values: ['shop'] }] })))).toEqual(['shop-web']);
    expect(ids(await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'tag-key', Values: ['promigrate:*'] }] })))).toEqual(['shop-web']);
    expect(ids(await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'launch-template-name', Values: ['oth*'] }] })))).toEqual(['other']);
    const byName = await failure(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['nope'] })));
    expect(byName.name).toBe('InvalidLaunchTemplateName.NotFoundException');
    const byId = await failure(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-0123456789abcdef0'] })));
    expect(byId.name).toBe('InvalidLaunchTemplateId.NotFound');
    expect((await failure(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-1'] })))).name).toBe('InvalidLaunchTemplateId.Malformed');
    expect((await failure(ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })))).name).toBe('InvalidParameterValue');
  });

  it('keeps versions: a new version inherits from SourceVersion; $Latest and $Default resolve; the default can move', async () => {
    const id = (await create()).LaunchTemplate!.LaunchTemplateId!;
    const v2 = await ec2.send(new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: id, SourceVersion: '1', VersionDescription: 'bigger', LaunchTemplateData: { InstanceType: 't3.small' },
    }));
    expect(v2.LaunchTemplateVersion).toMatchObject({ VersionNumber: 2, DefaultVersion: false, LaunchTemplateData: { ImageId: amiId, InstanceType: 't3.small', UserData: userData } });
    const versions = async (Versions?: string[]) =>
      (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'shop-web', ...(Versions ? { Versions } : {}) }))).LaunchTemplateVersions!;
    expect((await versions()).map((v) => v.VersionNumber)).toEqual([2, 1]);
    expect((await versions(['$Latest']))[0]!.LaunchTemplateData!.InstanceType).toBe('t3.small');
    expect((await versions(['$Default']))[0]).toMatchObject({ VersionNumber: 1, DefaultVersion: true, VersionDescription: 'first' });
    expect((await versions(['$Default']))[0]!.LaunchTemplateData!.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 2 });
    expect((await failure(versions(['7']))).name).toBe('InvalidLaunchTemplateId.VersionNotFound');
    await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: '2' }));
    expect((await versions(['$Default']))[0]!.VersionNumber).toBe(2);
    const all = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Latest'] }));
    expect(all.LaunchTemplateVersions!.map((v) => [v.LaunchTemplateName, v.VersionNumber])).toEqual([['shop-web', 2]]);
  });

  it('deletes a template with all its versions', async () => {
    const id = (await create()).LaunchTemplate!.LaunchTemplateId!;
    const deleted = await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: 'shop-web' }));
    expect(deleted.LaunchTemplate!.LaunchTemplateId).toBe(id);
    expect((await failure(ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id })))).name).toBe('InvalidLaunchTemplateId.NotFound');
    expect((await failure(ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: id })))).name).toBe('InvalidLaunchTemplateId.NotFound');
    // The name is free again.
    await create();
  });

  it('honours DryRun', async () => {
    expect((await failure(create('dry', { DryRun: true }))).name).toBe('DryRunOperation');
  });
});
