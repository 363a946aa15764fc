import { DescribeImagesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ParameterNotFound,
  ParameterVersionNotFound,
  SSMClient,
  SSMServiceException,
  ValidationException,
} from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeSandbox } from '../../helpers/sandbox.js';

const PATH = '/aws/service/ami-amazon-linux-latest';
let ssm: SSMClient;
let ec2: EC2Client;

beforeEach(async () => {
  const { clients } = await makeSandbox();
  ssm = await clients.ssm;
  ec2 = await clients.ec2;
});

async function failure(promise: Promise<unknown>): Promise<SSMServiceException> {
  try {
    await promise;
  } catch (err) {
    return err as SSMServiceException;
  }
  throw new Error('expected the call to fail');
}

const get = (Name: string) => ssm.send(new GetParameterCommand({ Name })).then((r) => r.Parameter!);

/** The newest Amazon image whose name matches, as a careful caller of DescribeImages finds it. */
async function newest(pattern: string): Promise<string> {
  const images = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: [pattern] }] }))).Images!;
  return images.sort((a, b) => b.CreationDate!.localeCompare(a.CreationDate!))[0]!.ImageId!;
}

describe('SSM public AMI parameters', () => {
  it('points each Amazon Linux parameter at the newest matching image DescribeImages shows', async () => {
    const x86 = await get(`${PATH}/al2023-ami-kernel-default-x86_64`);
    expect(x86).toMatchObject({
      Name: `${PATH}/al2023-ami-kernel-default-x86_64`,
      Type: 'String',
      DataType: 'text',
      ARN: `arn:aws:ssm:us-east-1::parameter${PATH}/al2023-ami-kernel-default-x86_64`,
    });
    expect(x86.Value).toBe(await newest('al2023-ami-2023.*-kernel-*-x86_64'));
    expect(x86.Version).toBeGreaterThan(0);
    expect(x86.LastModifiedDate).toBeInstanceOf(Date);
    // The standard image, not the newer minimal one.
    const minimal = await get(`${PATH}/al2023-ami-minimal-kernel-default-x86_64`);
    expect(minimal.Value).toBe(await newest('al2023-ami-minimal-*-x86_64'));
    expect(minimal.Value).not.toBe(x86.Value);
    expect((await get(`${PATH}/al2023-ami-kernel-default-arm64`)).Value).toBe(await newest('al2023-ami-2023.*-arm64'));
    expect((await get(`${PATH}/al2023-ami-kernel-6.1-x86_64`)).Value).toBe(x86.Value);
    expect((await get(`${PATH}/amzn2-ami-kernel-5.10-hvm-x86_64-gp2`)).Value).toBe(await newest('amzn2-ami-kernel-5.10-hvm-*'));
  });

  it('takes a full ARN and a version selector', async () => {
    const name = `${PATH}/al2023-ami-kernel-default-arm64`;
    const p = await get(name);
    expect((await get(`arn:aws:ssm:us-east-1::parameter${name}`)).Value).toBe(p.Value);
    expect(await get(`${name}:${p.Version}`)).toMatchObject({ Value: p.Value, Selector: `:${p.Version}` });
    expect(await failure(get(`${name}:${p.Version! + 1}`))).toBeInstanceOf(ParameterVersionNotFound);
    expect(await failure(get(`arn:aws:ssm:eu-west-1::parameter${name}`))).toBeInstanceOf(ParameterNotFound);
  });

  it('differs per Region as AMI ids do', async () => {
    const west = await (await makeSandbox({ region: 'eu-west-1' })).clients.ssm;
    const name = `${PATH}/al2023-ami-kernel-default-x86_64`;
    const there = (await west.send(new GetParameterCommand({ Name: name }))).Parameter!;
    expect(there.Value).not.toBe((await get(name)).Value);
    expect(there.ARN).toBe(`arn:aws:ssm:eu-west-1::parameter${name}`);
  });

  it('answers ParameterNotFound for anything else (the sandbox account has no parameters)', async () => {
    for (const name of ['/promigrate/db-password', `${PATH}/al2023-ami-kernel-default-sparc`, `${PATH}/`, 'plain']) {
      const err = await failure(get(name));
      expect(err, name).toBeInstanceOf(ParameterNotFound);
      expect(err.$fault).toBe('client');
    }
    expect(await failure(get(''))).toBeInstanceOf(ValidationException);
  });

  it('GetParameters lists the found ones alphabetically and the rest as InvalidParameters', async () => {
    const out = await ssm.send(new GetParametersCommand({
      Names: [`${PATH}/al2023-ami-kernel-default-x86_64`, '/nope', `${PATH}/al2023-ami-kernel-default-arm64`],
    }));
    expect(out.Parameters!.map((p) => p.Name)).toEqual([`${PATH}/al2023-ami-kernel-default-arm64`, `${PATH}/al2023-ami-kernel-default-x86_64`]);
    expect(out.InvalidParameters).toEqual(['/nope']);
    const many = Array.from({ length: 11 }, (_, i) => `/p${i}`);
    const err = await failure(ssm.send(new GetParametersCommand({ Names: many })));
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toMatch(/^1 validation error detected: Value '\[.*\]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10$/);
  });

  it('GetParametersByPath pages the Amazon Linux parameters by up to 10', async () => {
    const first = await ssm.send(new GetParametersByPathCommand({ Path: PATH }));
    expect(first.Parameters).toHaveLength(9);
    expect(first.NextToken).toBeUndefined();
    const p1 = await ssm.send(new GetParametersByPathCommand({ Path: PATH, MaxResults: 5 }));
    const p2 = await ssm.send(new GetParametersByPathCommand({ Path: PATH, MaxResults: 5, NextToken: p1.NextToken }));
    expect([...p1.Parameters!, ...p2.Parameters!].map((p) => p.Name)).toEqual(first.Parameters!.map((p) => p.Name));
    expect((await ssm.send(new GetParametersByPathCommand({ Path: '/aws/service' }))).Parameters).toEqual([]);
    expect((await ssm.send(new GetParametersByPathCommand({ Path: '/aws/service', Recursive: true, MaxResults: 10 }))).Parameters!.length).toBe(9);
    expect(await failure(ssm.send(new GetParametersByPathCommand({ Path: PATH, MaxResults: 11 })))).toBeInstanceOf(ValidationException);
  });
});
